"""POST /api/graph over HTTP (gunicorn, a cache miss each time) against torchviz building and
rendering the same program's graph in-process, warm: `make_dot(y).pipe(format="svg")`.

    .venv/bin/python benchmarks/bench_api.py [--runs 15]

Prints, per lecture program, the median of each and their ratio (ours / torchviz), then the
median ratio. Both run in this one process's run, so the machine's load affects both alike.
"""
import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


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
            if requests.get(f"{base}/healthz", timeout=1).ok:
                return process, base
        except requests.ConnectionError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("gunicorn did not start")


def output_tensor(source):
    """The tensor our API would draw, computed in-process by our own interpreter."""
    from webapp import language
    from webapp.evaluate import choose_output
    from webapp.interpreter import Interpreter
    interpreter = Interpreter(language.check(source))
    interpreter.run()
    return choose_output(interpreter, None)[0]


def median_ms(action, runs):
    action()                                   # warm
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    from torchviz import make_dot
    examples = json.loads((ROOT / "webapp" / "data" / "lecture_examples.json").read_text())
    process, base = start_gunicorn()
    counter = iter(range(10**9))

    def post(source):
        # A fresh comment each time: the same graph, but never a cache hit.
        answer = requests.post(f"{base}/api/graph", timeout=60,
                               json={"source": f"{source}\n# run {next(counter)}\n"})
        answer.raise_for_status()
    ratios = []
    try:
        print(f"{'program':<20} {'ours ms':>9} {'torchviz ms':>12} {'ratio':>7}")
        for example in examples["examples"]:
            if "error" in example:
                continue
            y = output_tensor(example["source"])
            ours = median_ms(lambda: post(example["source"]), runs)
            theirs = median_ms(lambda: make_dot(y).pipe(format="svg"), runs)
            ratios.append(ours / theirs)
            print(f"{example['id']:<20} {ours:9.1f} {theirs:12.1f} {ours / theirs:7.2f}")
        print(f"median ratio (ours / torchviz): {statistics.median(ratios):.2f}")
    finally:
        process.terminate()
        process.wait(10)


if __name__ == "__main__":
    main()
