"""The graph of a gradient, in the graph document (`higher_order`, docs/graph-json.md).

The sandbox traces each gradient a program made with create_graph=True (the last
MAX_HIGHER_ORDER_GRAPHS); each becomes an entry with the gradient's own graph document, built
like the main one (`part(trace)`: graph, output, backward, paths, timeline, saved_memory), and
`node`: the id in the main graph of that gradient when the main graph contains it (the program
differentiated it again). No torch here.
"""


def entries(answer, part, main_graph):
    """The document's `higher_order` list for the sandbox's `answer`."""
    found = []
    for item in answer.get("higher_order") or ():
        trace = item["trace"]
        found.append({
            "call": item["call"], "index": item["index"], "api": item["api"],
            "of": item["of"], "wrt": item["wrt"],
            "name": item["name"], "order": item["order"], "shape": item["shape"],
            "node": node_in(main_graph, item["call"], item["index"]),
            "document": part(trace) if trace is not None else None})
    return found


def node_in(graph, call, index):
    """The id of the main graph's node that is gradient `index` of backward call `call`."""
    for node in graph.nodes:
        gradient = node.get("gradient")
        if gradient and gradient["call"] == call and gradient["index"] == index:
            return node["id"]
    return None
