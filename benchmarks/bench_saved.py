"""What listing the saved tensors and tracing the gradients' graphs cost (issue 15), in one
process, CPU time, medians; with and without (saved.attach and higher_order.traces stubbed out,
alternating so that load hits both).

Run: .venv/bin/python benchmarks/bench_saved.py [--runs 7]
Programs: the lecture's sin_exp-like scalar program; MAX_SAVED_LISTED_ELEMENTS at work (51
products of 1,000-element tensors: 102 saved tensors, 100 listed); a second derivative
(grad with create_graph, then backward); MAX_HIGHER_ORDER_GRAPHS gradients kept by a loop.
"""
import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from webapp.core import limits  # noqa: E402
from webapp.execution import entry  # noqa: E402
from webapp.execution.capture import higher_order, saved  # noqa: E402

PROGRAMS = {
    "scalar": "x = torch.tensor(0.7, requires_grad=True)\n"
              "y = torch.sin(x) * torch.exp(x) + x ** 2 / (1 + x)\ny.backward()\n",
    "saved-budget": "w = torch.ones(1000, requires_grad=True)\ny = w\n"
                    "for i in range(51):\n    y = y * w\nz = y.sum()\nz.backward()\n",
    "second-derivative": "x = torch.tensor(0.7, requires_grad=True)\n"
                         "y = torch.sin(x) * torch.exp(x)\n"
                         "g, = torch.autograd.grad(y, x, create_graph=True)\ng.backward()\n",
    "kept-gradients": "x = torch.tensor(1.0, requires_grad=True)\n"
                      f"for i in range({limits.MAX_HIGHER_ORDER_GRAPHS + 1}):\n"
                      "    g, = torch.autograd.grad(x ** 3 * (i + 1), x, create_graph=True)\n",
}


def cpu(source):
    start = time.process_time()
    answer = entry.evaluate({"source": source})
    assert "problem" not in answer, answer
    return time.process_time() - start


def without_additions():
    """Stub out the two additions; returns a function that puts them back."""
    attach, traces = saved.attach, higher_order.traces
    saved.attach = lambda fns, builder, result: None
    higher_order.traces = lambda recorder, trace_of: []

    def restore():
        saved.attach, higher_order.traces = attach, traces
    return restore


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    entry.prepare_server()
    for name, source in PROGRAMS.items():
        cpu(source)                       # first use: warm
        with_, without = [], []
        for _ in range(runs):
            with_.append(cpu(source))
            restore = without_additions()
            try:
                without.append(cpu(source))
            finally:
                restore()
        a, b = statistics.median(with_) * 1e3, statistics.median(without) * 1e3
        print(f"{name:18} with {a:7.2f} ms   without {b:7.2f} ms   (+{a - b:.2f} ms)")


if __name__ == "__main__":
    main()
