"""The sum over paths, per input of the graph (the `paths` of docs/graph-json.md).

dz/du = Σ over paths p from u to z of Π over edges (s → t) of p of dt/ds. Every path is
counted and summed exactly, by one pass over the nodes in reverse topological order (dynamic
programming: 2**440 paths cost 2,000 additions). Some are also listed, for the page to show:
at most MAX_LISTED_PATHS per input, and at most LISTED_PATH_NODES_PER_NODE × nodes +
MIN_LISTED_PATH_NODES node ids in the whole document, handed out to the inputs one path each
in turn (the first input cannot take it all); paths that do not fit in what is left are
passed over (the next that does is listed). Each path is found depth first, the consumers
in id order, without recursion, in time proportional to its length: listing costs no more
than what is listed.
"""
import math

from webapp.core import limits


def paths_to_output(graph):
    """{input id: {count, paths, sum, grad, truncated}} of `graph` (model.Graph)."""
    output = graph.output
    if output is None:
        return {}
    count, total, shortest = counted_and_summed(graph)
    inputs = [i for i, node in enumerate(graph.nodes) if node["kind"] == "input"]
    listed = listed_paths(graph, inputs, count, shortest)
    return {f"n{i}": {"count": count[i], "paths": listed[i], "sum": total[i],
                      "grad": graph.nodes[i]["grad"], "truncated": len(listed[i]) < count[i]}
            for i in inputs}


def counted_and_summed(graph):
    """Per node: how many gradient paths lead from it to the output, the sum of their
    products of local derivatives (None unless every one is a number), and how many nodes
    the shortest of them has."""
    size, output = len(graph.nodes), graph.output
    count, total, shortest = [0] * size, [0.0] * size, [math.inf] * size
    count[output], total[output], shortest[output] = 1, 1.0, 1
    edges = graph.edges
    for node in range(size - 1, -1, -1):
        if node == output:
            continue
        paths, summed, nearest = 0, 0.0, math.inf
        for consumer, edge in graph.consumers[node]:
            paths += count[consumer]
            nearest = min(nearest, shortest[consumer])
            local = edges[edge]["local"]
            if summed is None or total[consumer] is None or not is_number(local):
                summed = None
            else:
                summed += local * total[consumer]
        count[node], total[node], shortest[node] = paths, summed, nearest + 1
    return count, total, shortest


def listed_paths(graph, inputs, count, shortest):
    """{input: [described paths]}, within the document's budget of node ids."""
    budget = limits.LISTED_PATH_NODES_PER_NODE * len(graph.nodes) + limits.MIN_LISTED_PATH_NODES
    listed = {i: [] for i in inputs}
    left = [budget]                                   # shared with the walks
    walks = {i: walk(graph.consumers, shortest, i, graph.output, left) for i in inputs}
    numbers = [e["local"] if is_number(e["local"]) else None for e in graph.edges]
    turn = [i for i in inputs if count[i]]
    while turn:
        still = []
        for start in turn:
            found = next(walks[start], None)
            if found is None:
                continue
            if len(found[0]) > left[0]:          # begun before the others took their share
                still.append(start)
                continue
            left[0] -= len(found[0])
            listed[start].append(describe(numbers, *found))
            if len(listed[start]) < limits.MAX_LISTED_PATHS:
                still.append(start)
        turn = still
    return listed


def walk(consumers, shortest, start, output, left):
    """The paths from node `start` to `output` that fit in `left[0]` node ids when found,
    as (nodes, edges) lists of numbers, depth first with the consumers in id order, one at a
    time. A step is taken only where the shortest way on (`shortest`: nodes from each node
    to the output) still fits, so every step leads to a path that fits: finding a path costs
    about its length, and an input whose paths no longer fit costs nothing."""
    nodes, edges, tried = [start], [], [0]
    while nodes:
        top = nodes[-1]
        if top == output:
            yield list(nodes), list(edges)
        following = consumers[top]
        room = left[0] - len(nodes)
        while top != output and tried[-1] < len(following) and \
                shortest[following[tried[-1]][0]] > room:
            tried[-1] += 1                              # no path through it fits
        if top != output and tried[-1] < len(following):
            consumer, edge = following[tried[-1]]
            tried[-1] += 1
            nodes.append(consumer)
            edges.append(edge)
            tried.append(0)
            continue
        nodes.pop()
        tried.pop()
        if edges:
            edges.pop()


def describe(numbers, nodes, edges):
    """A path as the document lists it; `numbers`: each edge's local derivative when it is
    a number, else None."""
    locals_ = [numbers[e] for e in edges]
    product = None if None in locals_ else math.prod(locals_)
    return {"nodes": [f"n{i}" for i in nodes], "edges": [f"e{e}" for e in edges],
            "product": product}


def is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)
