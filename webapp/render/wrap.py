"""A long chain wrapped into rows, like text, so that it fills a wide panel instead of being a
thin strip (a 40-operation chain laid out left to right is about 40:1).

The layout is graphviz's left-to-right one with the chain's nodes cut into `rows` runs of
consecutive depths: the edge from one run to the next does not constrain the ranks, and the
runs' first nodes share a rank, so each row reads left to right and the next starts under it. Constants (the 2 in `2 * x`) are left to graphviz: each sits
just above the operation it feeds. The drawing option `direction="wrap:R"` asks for R rows
(orientation.chosen_direction picks R for a panel's shape; it is never a user's parameter).
"""
import re

WRAP = re.compile(r"wrap:([2-9]|[1-9][0-9])")
MAX_ROWS = 99


def rows_asked(direction):
    """R of "wrap:R", or None for "LR" / "TB"."""
    found = WRAP.fullmatch(direction) if isinstance(direction, str) else None
    return int(found[1]) if found else None


def depths(nodes, edges):
    """{node id: longest path from a source} over the nodes that are not constants (the
    chain's spine); ids are in topological order (docs/graph-json.md)."""
    spine = [node["id"] for node in nodes if node.get("kind") != "constant"]
    depth = dict.fromkeys(spine, 0)
    incoming = {}
    for edge in edges:
        if edge["source"] in depth and edge["target"] in depth:
            incoming.setdefault(edge["target"], []).append(edge["source"])
    for node_id in sorted(spine, key=lambda n: int(n[1:])):
        depth[node_id] = max((depth[s] + 1 for s in incoming.get(node_id, ())), default=0)
    return depth


def chain_shape(nodes, edges):
    """(ranks, widest rank) of the spine: a chain is many ranks of one or two nodes."""
    depth = depths(nodes, edges)
    if not depth:
        return 0, 0
    counts = {}
    for d in depth.values():
        counts[d] = counts.get(d, 0) + 1
    return max(depth.values()) + 1, max(counts.values())


def rows_of(nodes, edges, rows):
    """The spine's node ids cut into `rows` runs of consecutive depths, in order."""
    depth = depths(nodes, edges)
    ranks = max(depth.values(), default=0) + 1
    per_row = -(-ranks // rows)
    grouped = {}
    for node_id, d in depth.items():
        grouped.setdefault(d // per_row, []).append(node_id)
    return [sorted(ids, key=lambda n: int(n[1:])) for _, ids in sorted(grouped.items())]


def cut_edges(nodes, edges, rows):
    """The ids of the edges from one row to the next: they do not push the next row to the
    right (graphviz's constraint=false), so every row starts at the left."""
    row = {node_id: i for i, ids in enumerate(rows_of(nodes, edges, rows)) for node_id in ids}
    return {edge["id"] for edge in edges
            if edge["source"] in row and edge["target"] in row
            and row[edge["source"]] != row[edge["target"]]}


def row_statements(nodes, edges, rows):
    """The DOT statements that start every row in the same column, row under row."""
    firsts = [ids[0] for ids in rows_of(nodes, edges, rows)]
    # Invisible edges between the firsts keep the rows in reading order, top to bottom.
    order = [f'"{a}" -> "{b}" [style=invis];' for a, b in zip(firsts, firsts[1:])]
    return ["{rank=same; " + " ".join(f'"{n}";' for n in firsts) + "}", *order]
