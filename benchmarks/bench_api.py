"""Our API over HTTP (gunicorn, a cache miss each time) against torchviz building and
rendering the same program's graph in-process, warm: `make_dot(y).pipe(format="svg")`.

    .venv/bin/python benchmarks/bench_api.py [--runs 15] [--what json|svg] [--gaps 0,0.3]

Each program is asked --runs times at each of the --gaps (seconds between one answer and the
next request: 0 is back to back, as a rush of clicks; 0.3 is spaced, as students' clicks are;
default both). `json`: POST /api/graph. `svg`: GET /api/graph.svg (we draw values, gradients
and local derivatives; torchviz draws op names), for the lecture programs and the 100-way
fan-in (`y = y + x * c` a hundred times). Prints the medians and their ratios (ours /
torchviz) per program and gap, then the median ratio per gap over the small programs (the
10,001-step gradient descent is printed, not counted: torchviz draws only its last graph).
Both run in this one run, so the machine's load affects both.
"""
import argparse
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


FAN_IN_100 = ("x = torch.tensor(1.0, requires_grad=True)\nc = torch.tensor(2.0)\ny = x\n"
              "for i in range(100):\n    y = y + x * c\ny.backward()\n")


# Timed 3 times and left out of the median ratio: the fan-in (torchviz takes ~15 s on it) and
# the lecture's 10,001-step descent (a figure of its own: ours / plain PyTorch).
LONG = {"fan_in_100", "gradient_descent"}
FIRST_DECIMAL = re.compile(r"\d+\.\d+")


class Failed(Exception):
    pass


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn():
    port = free_port()
    process = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"),
         "webapp:create_app()"], cwd=ROOT,
        env={**os.environ, "AUTOGRAD_BIND": f"127.0.0.1:{port}", "AUTOGRAD_WORKERS": "1"},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            if requests.get(f"{base}/healthz", timeout=5).ok:
                return process, base
        except requests.RequestException:       # not listening yet, or still importing
            time.sleep(0.1)
    process.kill()
    raise SystemExit("gunicorn did not start")


def output_tensor(source):
    """The tensor our API would draw, computed in-process by our own interpreter."""
    from webapp import language
    from webapp.execution.target import choose_output
    from webapp.execution.interpreter.interpreter import Interpreter
    interpreter = Interpreter(language.check(source))
    interpreter.run()
    return choose_output(interpreter, None)[0]


def median_ms(action, runs, gap=0.0):
    action()                                   # warm
    times = []
    for _ in range(runs):
        time.sleep(gap)
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def asker(base, what):
    """ask(source): one request for `source` that is never a cache hit; Failed unless 200."""
    counter = iter(range(10**9))

    def ask(source):
        # A fresh comment each time: the same graph, but never a cache hit. For drawings the
        # first number also moves a little, so that the labels (and so dot's layout, which
        # the renderer caches by DOT text) are new too.
        run = next(counter)
        fresh = f"{source}\n# run {run}\n"
        if what == "svg":
            fresh = FIRST_DECIMAL.sub(lambda m: f"{float(m.group()) + 0.001 * (run % 997 + 1):.3f}",
                                      fresh, count=1)
        if what == "json":
            answer = requests.post(f"{base}/api/graph", json={"source": fresh}, timeout=60)
        else:
            answer = requests.get(f"{base}/api/graph.svg", params={"source": fresh}, timeout=60)
        if answer.status_code != 200:
            raise Failed(f"{answer.status_code}: {answer.json().get('detail')}")
    return ask


def parse_arguments():
    """(runs, what, gaps) from the command line."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--what", choices=("json", "svg"), default="json")
    parser.add_argument("--gaps", default="0,0.3",
                        help="comma-separated seconds between one answer and our next request: "
                             "0 for back to back, 0.3 for spaced as students' clicks are")
    arguments = parser.parse_args()
    return arguments.runs, arguments.what, [float(gap) for gap in arguments.gaps.split(",")]


def main():
    runs, what, gaps = parse_arguments()
    from torchviz import make_dot
    examples = json.loads((ROOT / "webapp" / "data" / "lecture_examples.json").read_text())
    process, base = start_gunicorn()
    ask = asker(base, what)
    programs = [(e["id"], e["source"]) for e in examples["examples"] if "error" not in e]
    if what == "svg":
        programs.append(("fan_in_100", FAN_IN_100))
    ratios = {gap: [] for gap in gaps}
    try:
        print(f"{'program':<20} " + " ".join(f"{f'ours ms gap {g:g}':>15}" for g in gaps)
              + f" {'torchviz ms':>12} " + " ".join(f"{f'ratio gap {g:g}':>13}" for g in gaps))
        for name, source in programs:
            y = output_tensor(source)
            repeat = 3 if name in LONG else runs    # torchviz takes ~15 s on the fan-in
            try:
                ours = [median_ms(lambda: ask(source), repeat, gap) for gap in gaps]
            except Failed as failure:       # e.g. the 10,001-step loop on a loaded machine
                print(f"{name:<20} failed: {failure}")
                continue
            theirs = median_ms(lambda: make_dot(y).pipe(format="svg"), repeat)
            for gap, time_ms in zip(gaps, ours):
                if name not in LONG:
                    ratios[gap].append(time_ms / theirs)
            print(f"{name:<20} " + " ".join(f"{t:15.1f}" for t in ours) + f" {theirs:12.1f} "
                  + " ".join(f"{t / theirs:13.2f}" for t in ours))
        for gap in gaps:
            print(f"median ratio (ours / torchviz), gap {gap:g} s, small programs: "
                  f"{statistics.median(ratios[gap]):.2f}")
    finally:
        process.terminate()
        process.wait(10)


if __name__ == "__main__":
    main()
