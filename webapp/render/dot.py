"""Graph JSON -> graphviz DOT source, with the text of every label line and its role.

In: the graph JSON document (docs/graph-json.md) as a dict. Out: a `DotDrawing`, the DOT and,
per node and edge id, the roles of its label lines in order (`label`, `name`, `value`, `grad`;
`local`, `flow`): graphviz writes one SVG <text> per non-empty line, so render.svg tags them.
The DOT is written by hand, not with the `graphviz` package, whose `quote()` makes any `<...>`
an HTML-like label and leaves backslash escapes live: every string goes through `dot_string`.
"""
import re
from dataclasses import dataclass, field

from webapp.render.ranks import longest_path_ranks
from webapp.render.theme import THEMES
from webapp.render import wrap

FONT = "Noto Sans CJK JP"
SHOWN_TENSOR_VALUES = 3  # first few entries shown for a tensor that is too big to print whole
WHOLE_TENSOR_MAX = 4     # a 1-D tensor with at most this many entries is printed whole

WORDS = {
    "en": {"grad": "grad", "local": "local"},
    "ja": {"grad": "勾配", "local": "局所微分"},
}
SPECIAL_NUMBERS = {"NaN": "NaN", "Infinity": "∞", "-Infinity": "−∞"}
# n3, e5; in the views of a grouped graph (render.views) also g2, its ports g2.n0 and merged
# edges between drawn ends, n0-g2 or g2.n0-n5 (a port repeated for each reader: g2.n0.1).
END_ID = r"(?:n[0-9]{1,9}|g[0-9]{1,9}(?:\.n[0-9]{1,9}(?:\.[0-9]{1,9})?)?)"
ELEMENT_ID = re.compile(rf"[ne][0-9]{{1,9}}|{END_ID}(?:-{END_ID})?")


@dataclass(frozen=True)
class Effort:
    """How hard dot may try: graph attributes bounding its phases, and where edge labels go
    (`label` takes part in the layout and doubles the ranks; `xlabel` is placed afterwards)."""
    graph_attributes: dict
    edge_label: str = "label"


# dot's defaults let network simplex run as long as it likes: ~15 s on a 100-way fan-in, out
# of memory near 1,000 nodes. Its cost follows the virtual nodes dot adds along long edges
# (one per rank crossed, ranks doubled by edge labels): 21,000 for that fan-in.
BOUNDED_EFFORT = Effort({"nslimit": "3", "nslimit1": "3", "mclimit": "0.3", "searchsize": "20",
                         "remincross": "false"})
# No x-coordinate optimisation (nslimit=0): 0.3 s instead of 2 s on the 100-way fan-in.
LARGE_EFFORT = Effort({"nslimit": "0", "nslimit1": "3", "mclimit": "0.3", "searchsize": "20",
                       "remincross": "false", "splines": "line"})
# The fallback after a timeout: almost no optimisation at all, labels out of the layout.
CHEAP_EFFORT = Effort({"nslimit": "0", "nslimit1": "0", "mclimit": "0.05", "searchsize": "5",
                       "remincross": "false", "splines": "false"}, edge_label="xlabel")
BOUNDED_EFFORT_MAX_VIRTUAL_NODES = 1500
LARGE_EFFORT_MAX_VIRTUAL_NODES = 100_000


def estimated_virtual_nodes(nodes, edges):
    """About how many virtual nodes dot will add: edge spans under longest-path ranking (ids
    are topological), sources pulled next to their first consumer, doubled for edge labels."""
    rank = longest_path_ranks(nodes, edges)
    has_operand = {edge["target"] for edge in edges}
    first_use = {}
    for edge in edges:
        if edge["source"] not in has_operand:
            first_use[edge["source"]] = min(first_use.get(edge["source"], rank[edge["target"]]),
                                            rank[edge["target"]])
    pulled = rank | {source: use - 1 for source, use in first_use.items()}
    spans = sum(max(rank[edge["target"]] - pulled[edge["source"]] - 1, 0) for edge in edges)
    return 2 * spans


def automatic_effort(nodes, edges):
    """BOUNDED_EFFORT for small drawings, LARGE_EFFORT for long edges, CHEAP_EFFORT straight
    away when even LARGE_EFFORT would run out of time or memory (benchmarks/bench_layout.py)."""
    virtual_nodes = estimated_virtual_nodes(nodes, edges)
    if virtual_nodes <= BOUNDED_EFFORT_MAX_VIRTUAL_NODES:
        return BOUNDED_EFFORT
    if virtual_nodes <= LARGE_EFFORT_MAX_VIRTUAL_NODES:
        return LARGE_EFFORT
    return CHEAP_EFFORT


@dataclass
class DotDrawing:
    source: str
    text_roles: dict = field(default_factory=dict)  # element id -> [role of each label line]


def dot_string(text):
    """A quoted DOT string that graphviz shows as exactly `text` (in both DOT and SVG output)."""
    text = str(text)
    # graphviz passes valid XML entities through to SVG, so '&' must be an entity itself.
    text = text.replace("&", "&amp;")
    text = text.replace("\\", "\\\\").replace('"', '\\"')
    # Line breaks belong to us (label lines); control characters in user text become spaces.
    text = "".join(" " if ord(ch) < 32 or ord(ch) == 127 else ch for ch in text)
    return f'"{text}"'


def format_number(number):
    """A scalar rounded to 4 significant digits; "NaN" / "Infinity" strings as NaN / ∞."""
    if number is None:
        return "—"
    if isinstance(number, str):
        return SPECIAL_NUMBERS.get(number, number[:16])
    if isinstance(number, bool):
        return str(number).lower()
    number = float(number)
    if number == 0:
        return "0"  # also for -0.0
    return f"{number:.4g}".replace("e+0", "e").replace("e-0", "e-").replace("e+", "e")


def flatten(value):
    """The entries of a nested list in order, and the shape its nesting implies (no recursion)."""
    entries, shape = [], []
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, list):
            if len(shape) == depth:
                shape.append(len(item))
            stack.extend((child, depth + 1) for child in reversed(item))
        else:
            entries.append(item)
    return entries, shape


def format_value(value, shape=None):
    """A value abbreviated for a label: `10`, `[1, 2, 3]`, `2×3 [1, 2, 3, …]`, `2×3 tensor`."""
    if not isinstance(value, list):
        if value is None and shape:
            return "×".join(map(str, shape)) + " tensor"
        return format_number(value)
    entries, nested_shape = flatten(value)
    shape = shape or nested_shape
    shown = ", ".join(format_number(entry) for entry in entries[:SHOWN_TENSOR_VALUES])
    if len(shape) == 1 and len(entries) <= WHOLE_TENSOR_MAX:
        return "[" + ", ".join(format_number(entry) for entry in entries) + "]"
    more = ", …" if len(entries) > SHOWN_TENSOR_VALUES else ""
    return "×".join(map(str, shape)) + f" [{shown}{more}]"


def is_scalar(value):
    return value is not None and not isinstance(value, list)


def node_lines(node, lang):
    """[(role, text)] for one node, in drawing order; no line is ever empty."""
    if "lines" in node:  # a group's box or a port (render.views): written there
        return list(node["lines"])
    words = WORDS[lang]
    label = node.get("label") or node.get("name") or node.get("id")
    name = node.get("name")
    lines = []
    if name and name != label:
        lines.append(("name", name))
    lines.append(("label", label))
    value_text = format_value(node.get("value"), node.get("shape"))
    if not (node.get("kind") == "constant" and value_text == label):
        lines.append(("value", value_text))
    if node.get("kind") != "constant" and node.get("grad") is not None:
        lines.append(("grad", f"{words['grad']} {format_value(node['grad'], node.get('shape'))}"))
    return lines


def edge_lines(edge, upstream, lang):
    """[(role, text)] for one edge; `upstream` is the grad of its target node."""
    if "lines" in edge:  # merged edges of a grouped view (render.views)
        return list(edge["lines"])
    if edge.get("constant"):
        return []
    local, flow = edge.get("local"), edge.get("grad")
    lines = []
    if local is not None:
        lines.append(("local", f"{WORDS[lang]['local']} {format_value(local)}"))
    if flow is not None:
        if is_scalar(upstream) and is_scalar(local) and is_scalar(flow):
            text = f"{format_number(upstream)} × {format_number(local)} = {format_number(flow)}"
        else:
            text = format_value(flow)
        lines.append(("flow", text))
    return lines


def attribute_list(attributes):
    return ", ".join(f"{key}={dot_string(value)}" for key, value in attributes.items())


def label_of(lines):
    # Each line was escaped on its own, so the only live `\n` escapes are these separators.
    return "\\n".join(dot_string(text)[1:-1] for _, text in lines)


def node_style(node, colours):
    kind = node.get("kind")
    if kind == "constant":
        style = {"shape": "box", "style": "dashed", "height": "0.3",
                 "color": colours["muted"], "fontcolor": colours["muted"]}
    elif kind == "input":
        style = {"shape": "box", "style": "rounded,filled", "fillcolor": colours["input_fill"],
                 "color": colours["input_line"]}
    elif kind == "group":
        style = {"shape": "box3d" if node.get("group_kind") == "series" else "box",
                 "style": "filled,bold", "fillcolor": colours["group_fill"],
                 "color": colours["op_line"], "margin": "0.15,0.08"}
    elif kind == "port":
        style = {"shape": "box", "style": "dashed,rounded", "color": colours["muted"],
                 "fontcolor": colours["muted"], "height": "0.3"}
    else:
        style = {"shape": "box", "style": "filled", "fillcolor": colours["op_fill"],
                 "color": colours["op_line"]}
    if node.get("is_output"):
        style.update(penwidth="3", color=colours["output_line"])
    return style


def graph_attributes(direction, colours, effort):
    return {"rankdir": direction, "bgcolor": colours["bg"], "fontname": FONT,
            "nodesep": "0.3", "ranksep": "0.4", "forcelabels": "true",
            **effort.graph_attributes}


def check_options(direction, theme, lang):
    if direction not in ("LR", "TB") and wrap.rows_asked(direction) is None:
        raise ValueError(f"direction must be 'LR', 'TB' or 'wrap:R', not {direction!r}")
    if theme not in THEMES:
        raise ValueError(f"theme must be 'light' or 'dark', not {theme!r}")
    if lang not in WORDS:
        raise ValueError(f"lang must be 'en' or 'ja', not {lang!r}")


def element_id(element):
    """The element's id, refused unless it is `n<digits>` / `e<digits>` as the JSON promises."""
    identifier = element.get("id")
    if not isinstance(identifier, str) or not ELEMENT_ID.fullmatch(identifier):
        raise ValueError(f"graph element id must look like n3 or e5, not {identifier!r}")
    return identifier


def checked_elements(doc):
    """The nodes and edges of `doc`, after checking their ids and that edges join known nodes."""
    nodes, edges = doc["graph"]["nodes"], doc["graph"]["edges"]
    node_ids = {element_id(node) for node in nodes}
    for edge in edges:
        if element_id(edge) and not {edge.get("source"), edge.get("target")} <= node_ids:
            raise ValueError(f"edge {edge['id']} joins unknown nodes "
                             f"{edge.get('source')!r} -> {edge.get('target')!r}")
    return nodes, edges


def node_statement(node, lang, colours):
    lines = node_lines(node, lang)
    classes = " ".join(filter(None, (node.get("kind", "op"), node.get("group_kind"),
                                     "output" if node.get("is_output") else None)))
    attributes = {"id": node["id"], "class": classes, **node_style(node, colours)}
    statement = f'{dot_string(node["id"])} [{attribute_list(attributes)}, label="{label_of(lines)}"];'
    return statement, [role for role, _ in lines]


def edge_statement(edge, upstream, lang, colours, effort, cut=False):
    lines = edge_lines(edge, upstream, lang)
    attributes = {"id": edge["id"], **({"constraint": "false"} if cut else {})}
    if edge.get("constant"):
        attributes.update({"class": "constant", "style": "dashed", "color": colours["muted"]})
    if edge.get("members", 1) > 1:
        attributes["penwidth"] = "2"
    statement = (f'{dot_string(edge["source"])} -> {dot_string(edge["target"])} '
                 f'[{attribute_list(attributes)}, {effort.edge_label}="{label_of(lines)}"];')
    return statement, [role for role, _ in lines]


def dot_drawing(doc, *, direction="LR", theme="light", lang="en", effort=None):
    """The DOT source of `doc`, and the roles of the label lines of every node and edge.

    `effort` bounds dot's work (an Effort); None picks one from the graph's shape."""
    check_options(direction, theme, lang)
    nodes, edges = checked_elements(doc)
    colours = THEMES[theme]
    effort = automatic_effort(nodes, edges) if effort is None else effort
    node_defaults = {"fontname": FONT, "fontsize": "12", "margin": "0.08,0.04",
                     "fontcolor": colours["fg"]}
    edge_defaults = {"fontname": FONT, "fontsize": "10", "color": colours["edge"],
                     "fontcolor": colours["fg"], "arrowsize": "0.7"}
    rows = wrap.rows_asked(direction)   # a long chain in rows (wrap.py), left to right
    rankdir = "LR" if rows else direction
    cut = wrap.cut_edges(nodes, edges, rows) if rows else set()
    statements = [f"graph [{attribute_list(graph_attributes(rankdir, colours, effort))}];",
                  f"node [{attribute_list(node_defaults)}];",
                  f"edge [{attribute_list(edge_defaults)}];"]
    text_roles = {}
    for node in nodes:
        statement, text_roles[node["id"]] = node_statement(node, lang, colours)
        statements.append(statement)
    grads = {node["id"]: node.get("grad") for node in nodes}
    for edge in edges:
        statement, text_roles[edge["id"]] = edge_statement(
            edge, grads[edge["target"]], lang, colours, effort, edge["id"] in cut)
        statements.append(statement)
    if rows:
        statements.extend(wrap.row_statements(nodes, edges, rows))
    source = "digraph autograd {\n" + "".join(f"  {line}\n" for line in statements) + "}\n"
    return DotDrawing(source=source, text_roles=text_roles)
