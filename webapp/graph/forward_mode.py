"""Forward mode on the same graph: tangents flowing from one input toward the output.

`tangents(document, input_id, entry=0)` seeds the chosen input entry with tangent 1 (every other
input with 0) and walks the nodes in id (topological) order: each op node's tangent is the sum,
over its incoming edges, of the edge's local Jacobian times the source's tangent (a
Jacobian-vector product), and each used edge's own part of that sum (its `flows`, what the
page writes on the edge). One such pass gives d output / d (that one input entry); the full
gradient needs one pass per input entry, where reverse mode needed one backward pass for a
scalar output. Plain Python on the graph JSON (docs/graph-json.md); no torch here.
"""
import math

from webapp.core.errors import BadRequest


def tangents(document, input_id=None, entry=0):
    nodes = {node["id"]: node for node in document["graph"]["nodes"]}
    inputs = [node for node in nodes.values() if node["kind"] == "input"]
    chosen = choose(inputs, input_id, entry)
    incoming = {}
    edges_by_id = {edge["id"]: edge for edge in document["graph"]["edges"]}
    for edge in document["graph"]["edges"]:
        incoming.setdefault(edge["target"], []).append(edge)
    flat = {}                      # node id -> flat tangent (list), or None when unknown
    flows = {}                     # edge id -> flat J(edge) · tangent(source), or None
    steps = []
    for node_id in sorted(nodes, key=lambda n: int(n[1:])):
        node = nodes[node_id]
        size = numel(node)
        if node["kind"] != "op":
            flat[node_id] = one_hot(size, entry) if node_id == chosen["id"] else zeros(size)
            continue
        edges = [e for e in incoming.get(node_id, []) if not e["constant"]]
        used = [e for e in edges if flat[e["source"]] is None or any(flat[e["source"]])]
        size = size if size is not None else size_from_edges(edges, nodes, flat)
        flat[node_id] = tangent_of(size, used, flat, flows)
        if used:
            steps.append({"phase": "tangent", "node": node_id, "edges": [e["id"] for e in used]})
    output = document["output"]
    count = sum(numel(node) or 0 for node in inputs)
    return {"input": chosen["id"], "entry": entry,
            "tangents": {k: nest(v, nodes[k]["shape"]) for k, v in flat.items()},
            "flows": {k: nest(v, nodes[edges_by_id[k]["target"]]["shape"])
                      for k, v in flows.items()},
            "timeline": steps, "output_tangent": nest(flat[output], nodes[output]["shape"]),
            "grad": entry_of(chosen["grad"], entry),
            "passes": {"forward_mode": count,
                       "reverse_mode": max(1, numel(nodes[output]) or 1)}}


def choose(inputs, input_id, entry):
    if not inputs:
        raise BadRequest("The graph has no input that requires grad.")
    chosen = inputs[0] if input_id is None else next(
        (n for n in inputs if input_id in (n["id"], n["name"])), None)
    if chosen is None:
        raise BadRequest(f"'{input_id}' is not an input of this graph.")
    size = numel(chosen)
    if size is None or not 0 <= entry < size:
        raise BadRequest(f"'entry' must be from 0 to {(size or 1) - 1} for "
                        f"{chosen['name'] or chosen['id']}.")
    return chosen


def size_from_edges(edges, nodes, flat):
    """The entry count of a node whose value was not recorded (made inside a library call),
    from an incoming Jacobian: its entries are target entries × source entries."""
    for edge in edges:
        source = flat[edge["source"]]
        if edge["local"] is not None and source:
            entries = len(flatten(edge["local"]))
            if entries % len(source) == 0:
                return entries // len(source)
    return None


def tangent_of(size, used, flat, flows):
    """Sum over the used edges of J(edge) · tangent(source), each term kept in `flows`; None
    if a Jacobian is unknown."""
    for edge in used:
        flows[edge["id"]] = edge_flow(size, edge, flat[edge["source"]])
    parts = [flows[edge["id"]] for edge in used]
    if size is None or any(part is None for part in parts):
        return None
    return [sum(column) for column in zip(*parts)] if parts else zeros(size)


def edge_flow(size, edge, tangent):
    """J(edge) · tangent(source), flat, or None when the size or the Jacobian is unknown."""
    if size is None or tangent is None:
        return None
    jacobian = matrix(edge["local"], size, len(tangent))
    if jacobian is None:
        return None
    return [sum(j * t for j, t in zip(row, tangent)) for row in jacobian]


def matrix(local, rows, columns):
    """The edge's Jacobian as `rows` lists of `columns` numbers, or None.

    autograd's node, called alone, may give a broadcast operand's gradient before it is summed
    to the operand's shape (x * s with s a scalar): for a scalar source those columns add up."""
    if local is None or columns is None:
        return None
    values = flatten(local)
    if not all(isinstance(v, (int, float)) for v in values) or len(values) % rows:
        return None
    width = len(values) // rows
    table = [values[i * width:(i + 1) * width] for i in range(rows)]
    if width == columns:
        return table
    return [[sum(row)] for row in table] if columns == 1 else None


def numel(node):
    return None if node["shape"] is None else math.prod(node["shape"])


def zeros(size):
    return None if size is None else [0.0] * size


def one_hot(size, entry):
    return [1.0 if i == entry else 0.0 for i in range(size)]


def flatten(value):
    if isinstance(value, list):
        return [x for item in value for x in flatten(item)]
    return [value]


def nest(flat, shape):
    """A flat list as nested lists of `shape` (a number for shape [])."""
    if flat is None:
        return None
    if shape is None:              # not recorded: the entries, flat
        return flat
    if not shape:
        return flat[0]
    step = len(flat) // shape[0]
    return [nest(flat[i * step:(i + 1) * step], shape[1:]) for i in range(shape[0])]


def entry_of(value, entry):
    values = flatten(value)
    return values[entry] if value is not None and entry < len(values) else None
