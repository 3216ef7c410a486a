"""The graph model: the sandbox's trace -> the graph JSON document.

`build(answer)` takes the plain data a sandbox child returned (`evaluate`) and returns the
document of docs/graph-json.md: node-link data (networkx's `node_link_data` layout) with stable
ids (`n0...` in topological order, `e0...` by target then source), `paths` (the sum-over-paths
chain rule per input, counted and summed without listing every path: paths.py), the
`timeline` the page plays and the `groups` of the program's structure (groups.py), within the
bounds of bounds.py. No torch here.

Plain lists indexed by node number rather than a networkx DiGraph: its views cost ~20 us a
node here, more than everything else together (benchmarks/bench_graph.py); the algorithms
are a topological sort, one pass in reverse order and one sort of the edges.
"""
import contextlib
import gc
import heapq
import math

from webapp.core import limits
from webapp.core.errors import LimitExceeded
from webapp.graph import higher_order, saved
from webapp.graph.bounds import bounded, capped_warnings
from webapp.graph.groups import groups_of
from webapp.graph.paths import paths_to_output


def build(answer):
    with collector_paused():
        return document_of(answer)


@contextlib.contextmanager
def collector_paused():
    """Python's cycle collector off while a document is built: building makes ~10 small
    containers a node and no cycles, and the collections their count sets off walk the whole
    freshly decoded answer again (measured: 345 ms instead of 110 ms for a first build of
    2,000 nodes)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def document_of(answer):
    trace = answer["trace"]
    graph = Graph(trace)
    document = {
        "version": 1,
        **graph_part(trace, graph),
        "stdout": answer.get("stdout", ""),
        "warnings": capped_warnings(answer.get("warnings", [])),
        "no_graph": answer.get("no_graph"),
        "variables": answer.get("variables", {}),
        "higher_order": higher_order.entries(answer, graph_part, graph),
        "live_inputs": live_inputs(answer.get("live_inputs", []), graph.nodes),
    }
    return bounded(document, len(graph.nodes) + len(graph.edges))


def live_inputs(found, nodes):
    """The program's live inputs (execution/live_inputs.py), each with the input node
    that stands for it in this graph (null: the graph does not use it)."""
    named = {node["name"]: node["id"] for node in nodes if node["kind"] == "input"}
    return [{**entry, "node": named.get(entry["name"])} for entry in found]


def graph_part(trace, graph=None):
    """The part of a document that is one graph: graph, output, backward, paths, timeline,
    groups, saved_memory (a gradient's graph in `higher_order` has these too)."""
    graph = Graph(trace) if graph is None else graph
    groups, where = groups_of(graph.raw, graph.operands, graph.output, trace.get("groups", []))
    for node, group in zip(graph.nodes, where):
        node["group"] = group
    return {"graph": {"directed": True, "multigraph": False, "graph": {},
                      "nodes": graph.nodes, "edges": graph.edges},
            "output": graph.node_id(graph.output), "backward": dict(trace["backward"]),
            "paths": paths_to_output(graph), "timeline": timeline(graph), "groups": groups,
            "saved_memory": saved.memory(trace)}


# What autograd saved for each node's backward (graph/saved.py) and, in a gradient's graph,
# where the node came from (graph/higher_order.py).
AUTOGRAD_FIELDS = ("saved", "saved_bytes", "backward_pass", "derivative", "gradient")


class Graph:
    """The trace's nodes in topological order (index i is node `n{i}`) with their document
    dicts, and its edges sorted by (target, source) (index j is edge `e{j}`)."""

    def __init__(self, trace):
        keys = topological_order(trace)
        number = {key: i for i, key in enumerate(keys)}
        by_key = {node["key"]: node for node in trace["nodes"]}
        self.raw = [by_key[key] for key in keys]
        self.output = number.get(trace["output"])           # None: no graph was recorded
        get = dict.get
        self.nodes = [{"kind": get(node, "kind"), "label": get(node, "label"),
                       "op": get(node, "op"), "name": get(node, "name"),
                       "shape": get(node, "shape"), "dtype": get(node, "dtype"),
                       "value": get(node, "value"), "grad": get(node, "grad"),
                       **{field: get(node, field) for field in AUTOGRAD_FIELDS},
                       "is_output": i == self.output, "id": f"n{i}"}
                      for i, node in enumerate(self.raw)]
        saved.link(self.nodes, {key: f"n{i}" for key, i in number.items()})
        unique = {}                          # (source, target) -> edge; a repeat replaces it
        for edge in trace["edges"]:
            unique[number[edge["source"]], number[edge["target"]]] = edge
        pairs = sorted(unique, key=lambda pair: (pair[1], pair[0]))
        self.edges = [{"id": f"e{j}", "local": get(edge, "local"), "grad": get(edge, "grad"),
                       "constant": get(edge, "constant"), "rule": get(edge, "rule"),
                       "source": f"n{pair[0]}", "target": f"n{pair[1]}"}
                      for j, (pair, edge) in enumerate((p, unique[p]) for p in pairs)]
        self.sources = [[] for _ in keys]           # node -> [(source, edge number)], by id
        self.consumers = [[] for _ in keys]         # node -> [(consumer, edge)], gradient only
        for j, (source, target) in enumerate(pairs):
            self.sources[target].append((source, j))
            if not self.edges[j]["constant"]:
                self.consumers[source].append((target, j))
        for consumers in self.consumers:
            consumers.sort()
        self.operands = [[s for s, _ in sources] for sources in self.sources]

    @staticmethod
    def node_id(index):
        return None if index is None else f"n{index}"


def topological_order(trace):
    """The trace's node keys, topologically, the smallest recorded order first among those
    ready: networkx's lexicographical_topological_sort with the same key. Recorded operations
    are numbered as they ran, and inputs and constants take their first consumer's number,
    so sorting by that alone is nearly always topological already (then it is that order);
    else (nodes made inside a library call have none) a heap finds it."""
    nodes = trace["nodes"]
    if len(nodes) > limits.MAX_GRAPH_NODES:
        raise LimitExceeded(f"The graph has more than {limits.MAX_GRAPH_NODES:,} nodes.")
    rank = {node["key"]: (tuple(math.inf if o is None else o for o in node["order"]),
                          node["key"]) for node in nodes}
    edges = {(e["source"], e["target"]) for e in trace["edges"]}
    order = sorted(rank, key=rank.__getitem__)
    position = {key: i for i, key in enumerate(order)}
    if all(position[source] < position[target] for source, target in edges):
        return order
    return heap_order(rank, edges)


def heap_order(rank, edges):
    waiting = {key: 0 for key in rank}
    after = {key: [] for key in rank}
    for source, target in edges:
        waiting[target] += 1
        after[source].append(target)
    ready = [rank[key] for key, count in waiting.items() if count == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        key = heapq.heappop(ready)[1]
        order.append(key)
        for target in after[key]:
            waiting[target] -= 1
            if waiting[target] == 0:
                heapq.heappush(ready, rank[target])
    return order


def timeline(graph):
    """Forward steps in id order, the seed, then backward steps by target in reverse order,
    with an accumulate step after the last contribution to a node with several consumers."""
    if graph.output is None:
        return []
    count = len(graph.nodes)
    steps = [{"phase": "forward", "node": f"n{i}"} for i in range(count)]
    steps.append({"phase": "seed", "node": f"n{graph.output}"})
    pending = [len(consumers) for consumers in graph.consumers]
    for target in range(count - 1, -1, -1):
        for source, edge in reversed(graph.sources[target]):
            if graph.edges[edge]["constant"]:
                continue
            steps.append({"phase": "backward", "edge": f"e{edge}", "node": f"n{source}"})
            pending[source] -= 1
            if pending[source] == 0 and len(graph.consumers[source]) > 1:
                steps.append({"phase": "accumulate", "node": f"n{source}",
                              "edges": [f"e{e}" for _, e in graph.consumers[source]]})
    return steps
