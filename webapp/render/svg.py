"""graphviz SVG -> the annotated SVG of docs/svg.md (classes, data-step, theme style, step N).

In: the SVG text `dot -Tsvg` wrote, the graph JSON document, the label-line roles from
render.dot, the chosen step and theme. Out: SVG markup without prolog, doctype or comments,
ready to inline in HTML or serve as image/svg+xml. Parsed and rewritten with xml.etree: the
input is graphviz's own output (every user string was escaped on the way in), so no external
entities or DTDs are involved.
"""
import xml.etree.ElementTree as ET

from webapp.render.steps import active_elements, text_steps
from webapp.render.theme import THEMES

SVG_NS = "http://www.w3.org/2000/svg"
# Everything graphviz draws for us; anything else (script, a, image, foreignObject) is removed.
ALLOWED_ELEMENTS = {"svg", "g", "title", "polygon", "polyline", "ellipse", "path", "text", "rect",
                    "style"}

# The drawing's own stylesheet: the font and weights, then each theme's text colours and the
# look of the step being shown (`active`), from render.theme.
COMMON_STYLE = """
svg.autograd-graph text { font-family: "Noto Sans CJK JP", "Noto Sans JP", sans-serif; }
svg.autograd-graph text.name { font-weight: bold; }
svg.autograd-graph text.active { font-weight: bold; }
svg.autograd-graph g.active polygon, svg.autograd-graph g.active path { stroke-width: 3px; }
""".strip()
THEME_STYLE = """
svg.theme-{theme} text.value {{ fill: {value_text}; }}
svg.theme-{theme} text.grad, svg.theme-{theme} text.flow {{ fill: {grad_text}; }}
svg.theme-{theme} text.local {{ fill: {local_text}; }}
svg.theme-{theme} text.saved, svg.theme-{theme} text.saved-total {{ fill: {local_text}; }}
svg.theme-{theme} g.active polygon, svg.theme-{theme} g.active path {{ stroke: {active}; }}
svg.theme-{theme} text.active, svg.theme-{theme} g.edge.active polygon {{ fill: {active}; }}
""".strip()
STYLE = "\n".join([COMMON_STYLE, *(THEME_STYLE.format(theme=theme, **colours)
                                   for theme, colours in THEMES.items())])


def q(tag):
    return f"{{{SVG_NS}}}{tag}"


class UnexpectedSvg(ValueError):
    """graphviz wrote something other than what render.dot asked for."""


def element_classes(doc):
    """{element id: class attribute} exactly as docs/svg.md spells it."""
    classes = {}
    for node in doc["graph"]["nodes"]:
        words = ("node", node.get("kind", "op"), node.get("group_kind"),
                 "output" if node.get("is_output") else None)
        classes[node["id"]] = " ".join(filter(None, words))
    for edge in doc["graph"]["edges"]:
        words = ("edge", "constant" if edge.get("constant") else None,
                 "merged" if "members" in edge else None)
        classes[edge["id"]] = " ".join(filter(None, words))
    return classes


def sanitise(root):
    """Drop anything that is not plain drawing: no scripts, no links, no event handlers."""
    parents = [root]
    while parents:
        parent = parents.pop()
        for child in list(parent):
            local_name = child.tag.rpartition("}")[2] if isinstance(child.tag, str) else ""
            if local_name not in ALLOWED_ELEMENTS:
                parent.remove(child)
                continue
            for attribute in list(child.attrib):
                bare = attribute.rpartition("}")[2].lower()
                if bare.startswith("on") or bare == "href":
                    del child.attrib[attribute]
            parents.append(child)


def tag_texts(group, roles, steps, step):
    """Give each <text> of one node/edge group its role class and data-step; apply `step`."""
    texts = group.findall(q("text"))
    if len(texts) != len(roles):
        raise UnexpectedSvg(f"{group.get('id')}: graphviz wrote {len(texts)} label lines, "
                         f"expected {len(roles)}")
    for text, role in zip(texts, roles):
        classes = [role]
        text_step = steps.get(role)
        if text_step is not None:
            text.set("data-step", str(text_step))
            if step is not None and text_step > step:
                text.set("visibility", "hidden")
            if step is not None and text_step == step:
                classes.append("active")
        text.set("class", " ".join(classes))
        del text.attrib["font-family"]  # the stylesheet names the font and its fallbacks


def annotate(svg_text, doc, text_roles, *, step=None, theme="light", direction=None):
    """The SVG of docs/svg.md from graphviz's SVG (see the module docstring)."""
    root = ET.fromstring(svg_text)
    sanitise(root)
    root.set("class", f"autograd-graph theme-{theme}")
    if direction:
        root.set("data-direction", direction)
    root.set("data-steps", str(len(doc.get("timeline", []))))
    root.set("data-output", doc.get("output") or "")     # "": no graph was recorded
    if "view" in doc:  # one view of a grouped graph (render.views): top, or a group's inside
        root.set("data-view", doc["view"])
    style = ET.Element(q("style"))
    style.text = STYLE
    root.insert(0, style)
    steps, classes = text_steps(doc) | doc.get("view_steps", {}), element_classes(doc)
    active = active_elements(doc, step)
    attributes = doc.get("view_attributes", {})
    for group in root.iter(q("g")):
        identifier = group.get("id")
        if identifier not in text_roles:
            continue
        tag_texts(group, text_roles[identifier], steps.get(identifier, {}), step)
        group.set("class", classes[identifier] + (" active" if identifier in active else ""))
        for name, value in attributes.get(identifier, {}).items():
            group.set(name, value)
    return serialise(root)


def serialise(root):
    """Markup with SVG as the default namespace (ElementTree's `default_namespace` option
    refuses the un-namespaced attributes every SVG element has)."""
    for element in root.iter():
        element.tag = element.tag.rpartition("}")[2]
    root.set("xmlns", SVG_NS)
    return ET.tostring(root, encoding="unicode")
