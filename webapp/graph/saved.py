"""What autograd saved, in the graph document: the trace's node keys become node ids.

Each op node's `saved` list (docs/graph-json.md, "Saved for backward") names graph nodes by
the trace's keys (`f3`, `c5`): whose value a saved tensor is (`node`), and whose local
derivatives use it (`uses`); `link` rewrites them as the document's ids (`n0`...). No torch.
"""
EMPTY_MEMORY = {"bytes": 0, "storages": 0, "tensors": 0}


def link(graph, ids):
    """Rewrite the keys in every node's `saved` entries of `graph` as node ids (`ids`)."""
    for _, attributes in graph.nodes(data=True):
        for item in attributes.get("saved") or ():
            for entry in item["value"] if item["kind"] == "tensors" else (item,):
                entry["node"] = ids.get(entry["node"])
            if item.get("uses") is not None:
                item["uses"] = sorted((ids[key] for key in item["uses"] if key in ids),
                                      key=lambda node: int(node[1:]))


def memory(trace):
    """The document's `saved_memory`: bytes saved for the whole graph (shared storage once)."""
    return dict(trace.get("saved_memory") or EMPTY_MEMORY)
