"""Ranks of a drawing's nodes: the longest path to each from the sources (Kahn's order).

In: nodes (dicts with `id`) and edges (`source`, `target`) of a graph JSON document or one of
render.views' views. Out: {node id: rank}. Used to estimate dot's work (render.dot) and by the
layered layout (render.layered); nodes on a cycle (none in autograd's graphs) keep rank 0.
"""


def longest_path_ranks(nodes, edges):
    rank = {node["id"]: 0 for node in nodes}
    targets, waiting = {}, {identifier: 0 for identifier in rank}
    for edge in edges:
        targets.setdefault(edge["source"], []).append(edge["target"])
        waiting[edge["target"]] += 1
    ready = [identifier for identifier, count in waiting.items() if count == 0]
    while ready:
        source = ready.pop()
        for target in targets.get(source, ()):
            rank[target] = max(rank[target], rank[source] + 1)
            waiting[target] -= 1
            if waiting[target] == 0:
                ready.append(target)
    return rank
