"""How long webapp.render.to_svg takes on graphs that stress dot, against torchviz's defaults.

Run: .venv/bin/python benchmarks/bench_layout.py [--runs 3] [--programs]
`--programs`: the issue's loop at 301, 901 and 1,997 nodes: the page's drawing (its top
level), a series' inside, one iteration's, the whole graph ungrouped, and torchviz's
make_dot(y).pipe("svg") on the same program in real torch, in one run.
Prints the median of to_svg over a few runs for: a chain of 50 ops, the 100-way fan-in
`y = y + x * c` (repeated 100 times: ~300 nodes), ~500 and ~600 nodes of the same fan-in,
a 500-node layered graph with crossings, and a 600-chain whose every op also reads x. If torch and torchviz import, it also times
`make_dot(y).pipe(format="svg")` on the 100-way fan-in built in real torch, and the ratio.
"""
import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from webapp.render import dot as render_dot  # noqa: E402
from webapp.render import drawing as render  # noqa: E402


def scalar_node(index, kind, label, value, grad, name=None):
    return {"id": f"n{index}", "kind": kind, "label": label, "name": name, "shape": [],
            "dtype": "float32", "value": value, "grad": None if kind == "constant" else grad,
            "op": None if kind != "op" else label.capitalize() + "Backward0",
            "is_output": False}


def graph_doc(nodes, edges):
    """A graph JSON document (docs/graph-json.md) with its timeline derived from the edges."""
    nodes[-1]["is_output"] = True
    order = {node["id"]: position for position, node in enumerate(nodes)}
    edges.sort(key=lambda edge: (order[edge["target"]], order[edge["source"]]))
    for position, edge in enumerate(edges):
        edge["id"] = f"e{position}"
    timeline = [{"phase": "forward", "node": node["id"]} for node in nodes]
    timeline.append({"phase": "seed", "node": nodes[-1]["id"]})
    consumers, remaining = {}, {}
    for edge in edges:
        if not edge["constant"]:
            consumers.setdefault(edge["source"], []).append(edge["id"])
            remaining[edge["source"]] = remaining.get(edge["source"], 0) + 1
    for edge in sorted(edges, key=lambda edge: -order[edge["target"]]):
        if edge["constant"]:
            continue
        source = edge["source"]
        timeline.append({"phase": "backward", "edge": edge["id"], "node": source})
        remaining[source] -= 1
        if remaining[source] == 0 and len(consumers[source]) > 1:
            timeline.append({"phase": "accumulate", "node": source,
                             "edges": consumers[source]})
    return {"version": 1, "output": nodes[-1]["id"], "paths": {}, "timeline": timeline,
            "stdout": "", "warnings": [],
            "graph": {"directed": True, "multigraph": False, "graph": {},
                      "nodes": nodes, "edges": edges}}


def edge(source, target, local, grad, constant=False):
    return {"id": None, "source": source["id"], "target": target["id"],
            "local": None if constant else local, "grad": None if constant else grad,
            "constant": constant}


def chain_doc(length):
    """x -> sin -> sin -> ... (`length` ops)."""
    nodes = [scalar_node(0, "input", "x", 0.5, 0.1, name="x")]
    edges = []
    for index in range(1, length + 1):
        nodes.append(scalar_node(index, "op", "sin", 0.4, 0.2))
        edges.append(edge(nodes[index - 1], nodes[index], 0.9, 0.2))
    return graph_doc(nodes, edges)


def fan_in_doc(repeats):
    """x = 1; y = 0; then `y = y + x * c` with c = 1, 2, ... `repeats` times (3 nodes each)."""
    nodes = [scalar_node(0, "input", "x", 1.0, repeats * (repeats + 1) / 2, name="x"),
             scalar_node(1, "constant", "0", 0.0, None)]
    edges = []
    total, y = 0.0, nodes[1]
    for c in range(1, repeats + 1):
        constant = scalar_node(len(nodes), "constant", str(c), float(c), None)
        product = scalar_node(len(nodes) + 1, "op", "mul", float(c), 1.0)
        total += c
        new_y = scalar_node(len(nodes) + 2, "op", "add", total, 1.0, name="y")
        nodes += [constant, product, new_y]
        edges += [edge(nodes[0], product, float(c), float(c)),
                  edge(constant, product, None, None, constant=True),
                  edge(y, new_y, 1.0, 1.0, constant=y["kind"] == "constant"),
                  edge(product, new_y, 1.0, 1.0)]
        y = new_y
    return graph_doc(nodes, edges)


def layered_doc(layers, width):
    """`layers` layers of `width` adds, each reading two nodes of the layer before (crossings)."""
    nodes = [scalar_node(index, "input", f"x{index}", 1.0, 1.0, name=f"x{index}")
             for index in range(width)]
    edges = []
    for layer in range(1, layers):
        previous = nodes[-width:]
        for position in range(width):
            node = scalar_node(len(nodes), "op", "add", 2.0, 1.0)
            nodes.append(node)
            for source in (previous[position], previous[(position * 7 + 3) % width]):
                if not any(e["source"] == source["id"] and e["target"] == node["id"] for e in edges):
                    edges.append(edge(source, node, 1.0, 1.0))
    last = scalar_node(len(nodes), "op", "sum", 1.0, 1.0, name="z")
    edges += [edge(source, last, 1.0, 1.0) for source in nodes[-width:]]
    nodes.append(last)
    return graph_doc(nodes, edges)


def skip_chain_doc(length):
    """A chain of `length` muls that each also read x: dot's worst case (long edges)."""
    nodes = [scalar_node(0, "input", "x", 1.0, 1.0, name="x")]
    edges = []
    for index in range(1, length):
        nodes.append(scalar_node(index, "op", "mul", 1.0, 1.0))
        edges.append(edge(nodes[0], nodes[index], 1.0, 1.0))
        if index > 1:
            edges.append(edge(nodes[index - 1], nodes[index], 1.0, 1.0))
    return graph_doc(nodes, edges)


def median_seconds(function, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def time_to_svg(doc, runs):
    def once():
        render.layout.cache_clear()  # time the layout, not the cache
        render.to_svg(doc)
    return median_seconds(once, runs)


def time_torchviz(repeats, runs):
    """make_dot(y).pipe(format="svg") on the real-torch fan-in, or None without torchviz."""
    try:
        import torch
        from torchviz import make_dot
    except ImportError:
        return None
    x = torch.tensor(1.0, requires_grad=True)
    y = torch.tensor(0.0)
    for c in range(1, repeats + 1):
        y = y + x * c
    return median_seconds(lambda: make_dot(y).pipe(format="svg"), runs)


LOOP_BODIES = {  # nodes an iteration, and the body as torch runs it on (y, x)
    "y = torch.sin(y) * 1.01 + x": (4, lambda y, x: torch_module().sin(y) * 1.01 + x),
    "y = torch.sin(y) * 1.01": (3, lambda y, x: torch_module().sin(y) * 1.01),
}


def torch_module():
    import torch
    return torch


def loop_source(count, body="y = torch.sin(y) * 1.01 + x"):
    """The issue's loop (4 nodes an iteration, 4 * count + 1 in all), or another body."""
    return ("x = torch.tensor(0.5, requires_grad=True)\ny = x\n"
            f"for i in range({count}):\n    {body}\ny.backward()\n")


def time_program(count, runs, body):
    """Print the median seconds of each of the loop's drawings, and of torchviz's make_dot on
    the same program in real torch (left out without torchviz), as each is measured."""
    from tests.support.documents import document_of
    doc = document_of(loop_source(count, body))
    series = next(g for g in doc["groups"] if g["kind"] == "series")

    def drawn(doc, **options):
        def once():
            render.layout.cache_clear()
            render.to_svg(doc, **options)
        return median_seconds(once, runs)
    cases = [("page (top level)", lambda: drawn(doc)),
             ("series inside", lambda: drawn(doc, group=series["id"])),
             ("one iteration", lambda: drawn(doc, group=series["last"])),
             ("whole, ungrouped", lambda: drawn({**doc, "groups": []}))]
    try:
        import torch
        from torchviz import make_dot
        x = torch.tensor(0.5, requires_grad=True)
        y = x
        for _ in range(count):
            y = LOOP_BODIES[body][1](y, x)
        cases.append(("torchviz make_dot", lambda: torchviz_seconds(make_dot, y, runs)))
    except ImportError:
        pass
    print(f"  {len(doc['graph']['nodes'])} nodes:", flush=True)
    for title, measure in cases:
        print(f"    {title:20} {measure() * 1000:9.1f} ms", flush=True)


TORCHVIZ_CAP_S = 120


def torchviz_seconds(make_dot, y, runs):
    """make_dot(y).pipe(format="svg"), written out (the graph's DOT through `dot -Tsvg`, what
    pipe runs) so that a layout taking longer than TORCHVIZ_CAP_S is stopped: inf then; nan
    when make_dot itself fails (its recursion)."""
    def once():
        subprocess.run(["dot", "-Tsvg"], input=make_dot(y).source.encode(), check=True,
                       capture_output=True, timeout=TORCHVIZ_CAP_S)
    try:
        return median_seconds(once, runs)
    except subprocess.TimeoutExpired:
        return float("inf")
    except RecursionError:  # make_dot walks the graph recursively: ~1,000 levels at most
        return float("nan")


def programs(runs):
    """The 300-, 900- and 2,000-node programs (the issue's loop) against torchviz."""
    print("medians of to_svg (layout cache cleared) against make_dot(y).pipe('svg') "
          f"(inf: over {TORCHVIZ_CAP_S} s; nan: make_dot failed)", flush=True)
    for body, (per_iteration, _) in LOOP_BODIES.items():
        print(f"the loop `{body}`:", flush=True)
        for nodes in (300, 900, 2000):
            time_program((nodes - 1) // per_iteration, runs, body)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-torchviz", action="store_true")
    parser.add_argument("--programs", action="store_true",
                        help="only the 300-, 900- and 2,000-node programs against torchviz")
    arguments = parser.parse_args()
    if arguments.programs:
        programs(arguments.runs)
        return
    cases = [("chain of 50", chain_doc(50)), ("fan-in 100 (y = y + x*c)", fan_in_doc(100)),
             ("fan-in 166 (~500 nodes)", fan_in_doc(166)),
             ("fan-in 199 (~600 nodes)", fan_in_doc(199)), ("layered 25x20 (~500)", layered_doc(25, 20)),
             ("x into each of a 600-chain", skip_chain_doc(600))]
    print(f"to_svg medians over {arguments.runs} runs "
          f"(LAYOUT_TIMEOUT_S={render.LAYOUT_TIMEOUT_S}, "
          f"LAYERED_ABOVE_NODES={render.LAYERED_ABOVE_NODES})")
    fan_in_seconds = None
    for title, doc in cases:
        seconds = time_to_svg(doc, arguments.runs)
        fan_in_seconds = seconds if title.startswith("fan-in 100") else fan_in_seconds
        effort = render_dot.automatic_effort(doc["graph"]["nodes"], doc["graph"]["edges"])
        print(f"  {title:28} {len(doc['graph']['nodes']):4} nodes "
              f"{len(doc['graph']['edges']):4} edges  {seconds:7.3f} s  "
              f"(first effort: nslimit={effort.graph_attributes['nslimit']}, "
              f"edge {effort.edge_label}s)")
    if arguments.skip_torchviz:
        return
    torchviz_seconds = time_torchviz(100, arguments.runs)
    if torchviz_seconds is None:
        print("torchviz not importable: no comparison")
        return
    print(f"torchviz make_dot(y).pipe('svg'), fan-in 100: {torchviz_seconds:7.3f} s "
          f"({torchviz_seconds / fan_in_seconds:.1f}x to_svg)")


if __name__ == "__main__":
    main()
