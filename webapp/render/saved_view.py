"""What autograd saved, written into the drawing (`saved=1`): each op node's label gains the
lines of its `saved` list (docs/graph-json.md, "Saved for backward").

In: the graph JSON document and the language. Out: a document of the same shape whose op nodes
carry their label `lines` (render.dot draws a node's `lines` as they are): the node's usual
lines, then `saved 12 B` (role `saved-total`: the storages its saved tensors live in, each
once) and one line per `grad_fn._saved_*` entry (role `saved`, in the order of `saved`, so the
page finds the line of entry i as the i-th `text.saved` of the node), e.g. `other = b · 4 B`.
Drawn inside the node, the lines take part in the layout: nothing is overlaid, nothing
overlaps. They appear with the node's value (its forward step): autograd saves them then.
"""
from webapp.render.dot import format_value, node_lines
from webapp.render.steps import text_steps

WORDS = {
    "en": {"saved": "saved {size}", "nothing": "saves nothing", "itself": "its own output",
           "shared": "same memory as {other}", "none": "None", "tensors": "{count} tensors",
           "unavailable": "changed in place since", "outside": "not in the graph"},
    "ja": {"saved": "保存 {size}", "nothing": "保存なし", "itself": "自身の出力",
           "shared": "{other} とメモリ共有", "none": "None", "tensors": "テンソル {count} 個",
           "unavailable": "保存後に書き換え", "outside": "グラフ外"},
}
UNITS = ((1 << 20, "MiB"), (1 << 10, "KiB"))


def size_text(count):
    """Bytes as a person reads them: `12 B`, `3.9 KiB`, `1.5 MiB`."""
    for unit, name in UNITS:
        if count >= unit:
            return f"{count / unit:.1f} {name}"
    return f"{count} B"


def with_saved(doc, lang="en"):
    """A copy of `doc` whose op nodes list what they saved (see the module docstring)."""
    names = {node["id"]: node.get("name") or node.get("label") or node["id"]
             for node in doc["graph"]["nodes"]}
    steps = text_steps(doc)
    nodes, view_steps = [], dict(doc.get("view_steps", {}))
    for node in doc["graph"]["nodes"]:
        if node.get("kind") != "op" or node.get("saved") is None or "lines" in node:
            nodes.append(node)
            continue
        lines = node_lines(node, lang) + saved_lines(node, names, lang)
        nodes.append({**node, "lines": lines})
        own = steps.get(node["id"], {})
        if "value" in own:
            view_steps[node["id"]] = {**own, "saved": own["value"], "saved-total": own["value"]}
    return {**doc, "graph": {**doc["graph"], "nodes": nodes}, "view_steps": view_steps}


def saved_lines(node, names, lang):
    """[(role, text)]: the node's total, then one line per saved entry."""
    words = WORDS[lang]
    entries = node["saved"]
    if not entries:
        return [("saved-total", words["nothing"])]
    lines = [("saved-total", words["saved"].format(size=size_text(node.get("saved_bytes") or 0)))]
    first_in_storage = {}
    for entry in entries:
        lines.append(("saved", entry_text(entry, node, names, first_in_storage, lang)))
    return lines


def entry_text(entry, node, names, first_in_storage, lang):
    """One saved entry: `self = a · 4 B`, `exponent = 3`, `other = None`, ..."""
    words, name, kind = WORDS[lang], entry["name"], entry.get("kind")
    if kind == "scalar":
        return f"{name} = {format_value(entry.get('value'))}"
    if kind == "sizes":
        return f"{name} = ({', '.join(map(str, entry.get('value') or []))})"
    if kind == "none":
        return f"{name} = {words['none']}"
    if kind == "unavailable":
        return f"{name}: {words['unavailable']}"
    if kind == "tensors":
        count = len(entry.get("value") or [])
        size = sum(item.get("bytes") or 0 for item in entry.get("value") or [])
        return f"{name} = {words['tensors'].format(count=count)} · {size_text(size)}"
    text = f"{name} = {whose(entry, node, names, lang)} · {size_text(entry.get('bytes') or 0)}"
    storage = entry.get("storage")
    if storage in first_in_storage:
        text += " · " + words["shared"].format(other=first_in_storage[storage])
    elif storage is not None:
        first_in_storage[storage] = name
    return text


def whose(entry, node, names, lang):
    """Which value a saved tensor is: the operand's or node's name, or what else it is."""
    if entry.get("role") == "output" or entry.get("node") == node["id"]:
        return WORDS[lang]["itself"]
    if entry.get("node") in names:
        return names[entry["node"]]
    shape = entry.get("shape")
    outside = WORDS[lang]["outside"]
    return "×".join(map(str, shape)) + " " + outside if shape else outside
