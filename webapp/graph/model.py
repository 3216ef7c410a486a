"""The graph model: the sandbox's trace -> a networkx DiGraph -> the graph JSON document.

`build(answer)` takes the plain data a sandbox child returned (`evaluate`) and returns the
document of docs/graph-json.md: node-link data with stable ids (`n0...` in topological order,
`e0...` by target then source), `paths` (the sum-over-paths chain rule per input, counted and
summed without listing every path) and the `timeline` the page plays. No torch here.
"""
import math

import networkx as nx

from webapp.core import limits
from webapp.core.jsonsafe import json_safe
from webapp.graph import higher_order, saved
from webapp.graph.groups import groups_of

NODE_FIELDS = ("kind", "label", "op", "name", "shape", "dtype", "value", "grad", "saved",
               "saved_bytes", "backward_pass", "derivative", "gradient")
EDGE_FIELDS = ("local", "grad", "constant", "rule")


def build(answer):
    trace = answer["trace"]
    graph = to_networkx(trace)
    document = {
        "version": 1,
        **graph_part(trace, graph),
        "stdout": answer.get("stdout", ""),
        "warnings": answer.get("warnings", []),
        "no_graph": answer.get("no_graph"),
        "variables": answer.get("variables", {}),
        "higher_order": higher_order.entries(answer, graph_part, graph),
    }
    return json_safe(document)


def graph_part(trace, graph=None):
    """The part of a document that is one graph: graph, output, backward, paths, timeline,
    groups, saved_memory (a gradient's graph in `higher_order` has these too)."""
    graph = to_networkx(trace) if graph is None else graph
    part = {"graph": nx.node_link_data(graph, edges="edges"), "output": graph.graph["output"],
            "backward": dict(trace["backward"]), "paths": paths_to_output(graph),
            "timeline": timeline(graph), "saved_memory": saved.memory(trace)}
    part["graph"]["graph"] = {}
    part["graph"].pop("keys", None)
    part["graph"]["edges"].sort(key=lambda edge: index(edge["id"]))
    add_groups(part, graph, trace)
    return part


def add_groups(document, graph, trace):
    nodes = document["graph"]["nodes"]
    sources = [[index(s) for s in graph.predecessors(node["id"])] for node in nodes]
    output = graph.graph["output"]
    raw = {node["key"]: node for node in trace["nodes"]}
    groups, where = groups_of([raw[key] for key in graph.graph["keys"]], sources,
                              None if output is None else index(output),
                              trace.get("groups", []))
    for node, group in zip(nodes, where):
        node["group"] = group
    document["groups"] = groups


def to_networkx(trace):
    """A DiGraph whose nodes are `n0...` in topological order and edges carry `e0...`."""
    raw = nx.DiGraph()
    for node in trace["nodes"]:
        raw.add_node(node["key"], **node)
    for edge in trace["edges"]:
        raw.add_edge(edge["source"], edge["target"], **edge)
    if raw.number_of_nodes() > limits.MAX_GRAPH_NODES:
        from webapp.core.errors import LimitExceeded
        raise LimitExceeded(f"The graph has more than {limits.MAX_GRAPH_NODES:,} nodes.")

    def sort_key(key):
        order = raw.nodes[key]["order"]
        return tuple(math.inf if o is None else o for o in order), key
    keys = list(nx.lexicographical_topological_sort(raw, key=sort_key))
    ids = {key: f"n{i}" for i, key in enumerate(keys)}

    graph = nx.DiGraph(output=ids.get(trace["output"]), keys=keys)  # None: no graph recorded
    for key in keys:
        attributes = raw.nodes[key]
        graph.add_node(ids[key], **{f: attributes.get(f) for f in NODE_FIELDS},
                       is_output=key == trace["output"])
    edges = sorted(raw.edges(data=True), key=lambda e: (index(ids[e[1]]), index(ids[e[0]])))
    for number, (source, target, attributes) in enumerate(edges):
        graph.add_edge(ids[source], ids[target], id=f"e{number}",
                       **{f: attributes.get(f) for f in EDGE_FIELDS})
    saved.link(graph, ids)
    return graph


def index(node_id):
    return int(node_id[1:])


def by_id(node_ids):
    return sorted(node_ids, key=index)


def gradient_edges(graph, node):
    """The edges from `node` to its consumers along which a gradient flows back."""
    return [(node, t) for t in by_id(graph.successors(node))
            if not graph.edges[node, t]["constant"]]


def paths_to_output(graph):
    """For each input: how many paths lead to the output, the first ones, and their sum."""
    output = graph.graph["output"]
    if output is None:
        return {}
    order = by_id(graph.nodes)
    count = {node: 0 for node in order}
    total = {node: 0.0 for node in order}     # sum over paths of products, None if not scalar
    count[output], total[output] = 1, 1.0
    for node in reversed(order):
        if node == output:
            continue
        for _, consumer in gradient_edges(graph, node):
            count[node] += count[consumer]
            local = graph.edges[node, consumer]["local"]
            if total[node] is None or total[consumer] is None or not is_number(local):
                total[node] = None
            else:
                total[node] += local * total[consumer]
    return {node: {"count": count[node],
                   "paths": list_paths(graph, node, output),
                   "sum": total[node],
                   "grad": graph.nodes[node]["grad"],
                   "truncated": count[node] > limits.MAX_LISTED_PATHS}
            for node in order if graph.nodes[node]["kind"] == "input"}


def list_paths(graph, start, output):
    """The first MAX_LISTED_PATHS paths from `start` to the output, depth first, no recursion."""
    found = []
    stack = [(start, [start])]
    while stack and len(found) < limits.MAX_LISTED_PATHS:
        node, path = stack.pop()
        if node == output:
            found.append(describe_path(graph, path))
            continue
        for _, consumer in reversed(gradient_edges(graph, node)):
            stack.append((consumer, path + [consumer]))
    return found


def describe_path(graph, path):
    edges = [graph.edges[s, t] for s, t in zip(path, path[1:])]
    locals_ = [e["local"] for e in edges]
    product = math.prod(locals_) if all(is_number(v) for v in locals_) else None
    return {"nodes": path, "edges": [e["id"] for e in edges], "product": product}


def is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def timeline(graph):
    """Forward steps in id order, the seed, then backward steps by target in reverse order,
    with an accumulate step after the last contribution to a node with several consumers."""
    output = graph.graph["output"]
    if output is None:
        return []
    order = by_id(graph.nodes)
    steps = [{"phase": "forward", "node": node} for node in order]
    steps.append({"phase": "seed", "node": output})
    pending = {node: len(gradient_edges(graph, node)) for node in order}
    for target in reversed(order):
        for source in reversed(by_id(graph.predecessors(target))):
            edge = graph.edges[source, target]
            if edge["constant"]:
                continue
            steps.append({"phase": "backward", "edge": edge["id"], "node": source})
            pending[source] -= 1
            if pending[source] == 0 and len(gradient_edges(graph, source)) > 1:
                steps.append({"phase": "accumulate", "node": source,
                              "edges": [graph.edges[e]["id"]
                                        for e in gradient_edges(graph, source)]})
    return steps
