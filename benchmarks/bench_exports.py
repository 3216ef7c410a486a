"""How long each export takes, for the lecture's largest program and a ~100-node graph.

Run: .venv/bin/python benchmarks/bench_exports.py [--runs 3] [--direction LR|TB]
The programs are evaluated once (through the sandbox); then every export is timed in-process
from the graph document, as the export endpoints make it (medians of --runs; the machine is
shared, so expect noise). The torchviz view is timed from the program (it runs the sandbox).
Exports refused by a limit are reported with the limit's message instead of a time.
"""
import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from webapp.pipeline import evaluation as pipeline  # noqa: E402
from webapp.render import drawing as render  # noqa: E402
from webapp.render import exports, torchviz_view  # noqa: E402
from webapp.render.raster import TooMuchToExport  # noqa: E402

LECTURE = json.loads((ROOT.parent / "shared" / "lecture_examples.json").read_text("utf-8"))
DIFFICULT = next(e["source"] for e in LECTURE["examples"] if e["id"] == "difficult")
# 25 rounds of sin, mul, a constant and an add: ~100 nodes.
HUNDRED_NODES = ("x = torch.tensor(0.5, requires_grad=True)\ny = x\n"
                 "for i in range(25):\n    y = torch.sin(y) * x + 1\ny.backward()\n")


def exports_to_time(direction):
    drawing = {"direction": direction, "lang": "ja"}
    return {
        "svg (final)": lambda doc: render.to_svg(doc, **drawing),
        "svg animate=1": lambda doc: exports.export(doc, "animated-svg", **drawing),
        "png scale=1": lambda doc: exports.export(doc, "png", scale=1, **drawing),
        "png scale=2": lambda doc: exports.export(doc, "png", scale=2, **drawing),
        "pdf (final)": lambda doc: exports.export(doc, "pdf", **drawing),
        "pdf pages=steps": lambda doc: exports.export(doc, "pdf", pages="steps", **drawing),
        "gif": lambda doc: exports.export(doc, "gif", **drawing),
        "dot": lambda doc: exports.export(doc, "dot", **drawing),
    }


def median_seconds(work, runs):
    times = []
    for _ in range(runs):
        render.layout.cache_clear()     # each run pays for its layout, as a first request does
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--direction", default="LR", choices=("LR", "TB"))
    arguments = parser.parse_args()
    for title, source in (("lecture 'difficult'", DIFFICULT), ("~100 nodes", HUNDRED_NODES)):
        doc = pipeline.graph_document(source)
        print(f"{title}: {len(doc['graph']['nodes'])} nodes, {len(doc['graph']['edges'])} "
              f"edges, {len(doc['timeline'])} steps ({arguments.direction})")
        for name, make in exports_to_time(arguments.direction).items():
            try:
                seconds = median_seconds(lambda: make(doc), arguments.runs)
            except TooMuchToExport as refused:
                print(f"  {name:18} refused: {str(refused)[:90]}...")
                continue
            print(f"  {name:18} {seconds:7.2f} s")
        seconds = median_seconds(
            lambda: torchviz_view.to_svg(pipeline.torchviz_dot(source)), arguments.runs)
        print(f"  {'torchviz view':18} {seconds:7.2f} s  (sandbox run included)")


if __name__ == "__main__":
    main()
