"""What autograd saved, in the graph document: the trace's node keys become node ids.

Each op node's `saved` list (docs/graph-json.md, "Saved for backward") names graph nodes by
the trace's keys (`f3`, `c5`): whose value a saved tensor is (`node`), and whose local
derivatives use it (`uses`); `link` rewrites them as the document's ids (`n0`...). No torch.
"""
EMPTY_MEMORY = {"bytes": 0, "storages": 0, "tensors": 0}


def link(nodes, ids):
    """Give each of `nodes` (document dicts) its `saved` entries with the trace's keys written
    as node ids (`ids`). The entries are copied: the trace they come from stays as it was, so
    that the same answer builds the same document again."""
    for attributes in nodes:
        if attributes.get("saved"):
            attributes["saved"] = [linked(item, ids) for item in attributes["saved"]]


def linked(item, ids):
    item = dict(item)
    if item["kind"] == "tensors":
        item["value"] = [{**entry, "node": ids.get(entry["node"])} for entry in item["value"]]
    else:
        item["node"] = ids.get(item["node"])
    if item.get("uses") is not None:
        item["uses"] = sorted((ids[key] for key in item["uses"] if key in ids),
                              key=lambda node: int(node[1:]))
    return item


def memory(trace):
    """The document's `saved_memory`: bytes saved for the whole graph (shared storage once)."""
    return dict(trace.get("saved_memory") or EMPTY_MEMORY)
