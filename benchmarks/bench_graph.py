"""Graph building (webapp/graph: the trace -> the graph JSON document) in microseconds per node,
for 300-, 900- and 2,000-node programs, and the two bounded-answer programs of issue 13.

Run: .venv/bin/python benchmarks/bench_graph.py [--runs 7]
Each program is evaluated once in-process (what the sandbox child does: not timed here), then
`graph.build` is timed on its answer (CPU time, the best of --runs: the floor, not the load),
with its parts: the node/edge lists (topological sort), paths, timeline, groups and the one
JSON encoding `bounds.bounded` does; then the document's size. The figures go to
benchmarks/README.md.
"""
import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from webapp.execution import entry  # noqa: E402
from webapp.graph import bounds, groups, model, paths  # noqa: E402
from tests.support.bounded_programs import MANY_WARNINGS, PATHS_BOMB  # noqa: E402

CHAIN = ("x = torch.tensor(0.5, requires_grad=True)\ny = x\nfor i in range({n}):\n"
         "    y = torch.sin(y) * 1.01 + x\ny.backward()\n")
CALLS = ("x = torch.tensor(0.5, requires_grad=True)\ndef cell(h, k):\n"
         "    return torch.tanh(h * k) + h\ny = x\nfor i in range({n}):\n"
         "    y = cell(y, 0.5)\ny.backward()\n")
PROGRAMS = [("chain, 300 nodes", CHAIN.format(n=75)), ("chain, 900 nodes", CHAIN.format(n=225)),
            ("chain, 2,000 nodes", CHAIN.format(n=499)),
            ("calls in a loop, 2,000 nodes", CALLS.format(n=499))]


def best(function, runs):
    """The smallest CPU time of `runs` calls of `function()`, in seconds, and its result."""
    times, result = [], None
    for _ in range(runs):
        start = time.process_time()
        result = function()
        times.append(time.process_time() - start)
    return min(times), result


def parts(answer, runs):
    """CPU seconds of each part of `model.build` on `answer`."""
    trace = answer["trace"]
    graph = model.Graph(trace)
    document = model.build(answer)
    return {
        "lists": best(lambda: model.Graph(trace), runs)[0],
        "paths": best(lambda: paths.paths_to_output(graph), runs)[0],
        "timeline": best(lambda: model.timeline(graph), runs)[0],
        "groups": best(lambda: groups.groups_of(graph.raw, graph.operands, graph.output,
                                                trace.get("groups", [])), runs)[0],
        "encoding": best(lambda: bounds.bounded(document, 1 << 40), runs)[0],
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    programs = PROGRAMS + [("paths bomb (330 inputs, 440 diamonds)", PATHS_BOMB),
                           ("900,000 warnings", MANY_WARNINGS)]
    for name, source in programs:
        start = time.perf_counter()
        answer = entry.evaluate({"source": source})
        evaluated = time.perf_counter() - start
        seconds, document = best(lambda: model.build(answer), runs)
        nodes = len(document["graph"]["nodes"])
        size = len(json.dumps(document, separators=(",", ":")))
        split = ", ".join(f"{part} {1e6 * s / nodes:.1f}" for part, s in
                          parts(answer, runs).items())
        print(f"{name}: {nodes} nodes, build {1e3 * seconds:.1f} ms = "
              f"{1e6 * seconds / nodes:.1f} us/node ({split} us/node), "
              f"{size / 1e6:.2f} MB; evaluation {evaluated:.2f} s (wall, once)")


if __name__ == "__main__":
    main()
