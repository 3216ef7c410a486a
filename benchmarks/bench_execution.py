"""How long the lecture's gradient descent takes in our interpreter, against the same loop in
plain PyTorch, in one process (CPU time, medians; the two alternate, so load hits both).

Run: .venv/bin/python benchmarks/bench_execution.py [--runs 7] [--steps 10001]
Prints, per run and as medians: `evaluate` of the lecture program after `prepare_server`
(run, capture and trace: what the sandbox child does), the interpreter's run alone, the run
with the capture's per-operation recording and backward bookkeeping stubbed out (to show
where the rest goes), and the plain PyTorch loop; then each one's ratio to the plain loop.
The issue's target: the lecture program <= 1.2 x the plain loop.
"""
import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import torch  # noqa: E402

from webapp import language  # noqa: E402
from webapp.execution import entry  # noqa: E402
from webapp.execution.capture import recorder  # noqa: E402
from webapp.execution.interpreter import interpreter, tensor_calls  # noqa: E402

EXAMPLES = ROOT.parent / "shared" / "lecture_examples.json"


def lecture_source(steps):
    """The lecture's gradient_descent program, with `steps` iterations."""
    examples = json.loads(EXAMPLES.read_text())["examples"]
    source = next(e["source"] for e in examples if e["id"] == "gradient_descent")
    return source.replace("N = 10001", f"N = {steps}")


def plain_loop(steps):
    """The same program in plain PyTorch."""
    lr = 0.01
    x = torch.tensor(3.0, requires_grad=True)

    def f(x):
        return x ** 2 + torch.exp(-x)
    for i in range(steps):
        y = f(x)
        y.backward()
        x.data = x.data - lr * x.grad
        x.grad.zero_()
    return x


def without_capture(program):
    """The interpreter's run with the capture's recording and backward bookkeeping stubbed
    out (the graph is then wrong: for the breakdown only)."""
    saved = recorder.Recorder.note, recorder.Recorder.backward, tensor_calls.freeze
    recorder.Recorder.note = lambda *args, **kwargs: None
    recorder.Recorder.backward = lambda self, tensor, gradient=None, *options: tensor.backward(
        gradient, retain_graph=True)
    tensor_calls.freeze = lambda args, in_place=False: args
    try:
        interpreter.Interpreter(program).run()
    finally:
        recorder.Recorder.note, recorder.Recorder.backward, tensor_calls.freeze = saved


def cpu_seconds(function):
    start = time.process_time()
    function()
    return time.process_time() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--steps", type=int, default=10001)
    options = parser.parse_args()
    entry.prepare_server()
    source = lecture_source(options.steps)
    program = language.check(source)
    cases = {
        "evaluate (lecture program)": lambda: entry.evaluate({"source": source}),
        "interpreter run only": lambda: interpreter.Interpreter(program).run(),
        "run, capture stubbed": lambda: without_capture(program),
        "plain PyTorch loop": lambda: plain_loop(options.steps),
    }
    answer = entry.evaluate({"source": source})
    assert "trace" in answer, answer
    for case in cases.values():           # warm: first-use costs out of the figures
        case()
    times = {name: [] for name in cases}
    for run in range(options.runs):
        for name, case in cases.items():
            times[name].append(cpu_seconds(case))
        print(f"run {run + 1}: " + ", ".join(f"{n} {t[-1]:.2f} s" for n, t in times.items()))
    plain = statistics.median(times["plain PyTorch loop"])
    print(f"\nmedians of {options.runs} runs, {options.steps:,} steps, "
          f"torch {torch.__version__}, 1 thread:")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"  {name:28s} {median:6.2f} s   {median / plain:4.2f} x plain")


if __name__ == "__main__":
    main()
