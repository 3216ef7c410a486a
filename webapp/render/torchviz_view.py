"""The "torchviz view": the program drawn by torchviz's `make_dot`, the lecture's classic
picture (grey boxes for autograd functions, blue for leaves, green for the output).

In: the DOT source `make_dot(target).source` the sandbox child wrote (webapp/execution/torchviz_dot.py; it
needs the real tensors). Out: `parse` -> TorchvizGraph (its nodes and edges, for tests and for
drawing), `to_svg` -> SVG markup.

The child's DOT is data, not trusted input to graphviz: DOT attributes such as `image` or
`shapefile` make dot read files. So `parse` accepts exactly the statements make_dot writes
(node: id, label, optional fillcolor; edge: ids, optional dir=none or style=dotted) and
`to_dot` writes a new DOT from them, every string through render.dot.dot_string, node ids
renumbered t0, t1, ... in the order make_dot wrote them.
"""
import re
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from webapp.render import drawing as render
from webapp.render.dot import BOUNDED_EFFORT, dot_string
from webapp.render.svg import sanitise, serialise

LEAF_COLOURS = {"lightblue", "orange", "darkolivegreen1", "darkolivegreen3"}
EDGE_STYLES = {"dir=none", "style=dotted"}
ATTRIBUTE_LINE = re.compile(r"\t(?:graph|node|edge) \[[^\n\]]*\]\n")
NODE = re.compile(r'\t(\d+) \[label=("(?:[^"\\]|\\.)*"|\w+)(?: fillcolor=(\w+))?\]\n')
EDGE = re.compile(r"\t(\d+) -> (\d+)(?: \[([a-z]+=[a-z]+)\])?\n")
HEADER, FOOTER = "digraph {\n", "}\n"


class TorchvizFormatError(render.RenderError):
    """The child's DOT is not what make_dot writes."""


@dataclass
class TorchvizGraph:
    nodes: dict = field(default_factory=dict)   # id -> {"label": str, "fill": str | None}
    edges: list = field(default_factory=list)   # (source id, target id, style or None)

    def functions(self):
        """{id: autograd function name} of the grey boxes (AccumulateGrad included)."""
        return {identifier: node["label"] for identifier, node in self.nodes.items()
                if node["fill"] is None}


def unquote(token):
    if not token.startswith('"'):
        return token
    return re.sub(r"\\(.)", r"\1", token[1:-1])


def parse(dot_source):
    """The nodes and edges of make_dot's DOT source (TorchvizFormatError for anything else)."""
    if not (dot_source.startswith(HEADER) and dot_source.endswith(FOOTER)):
        raise TorchvizFormatError("torchviz's drawing is not a digraph")
    graph, position, end = TorchvizGraph(), len(HEADER), len(dot_source) - len(FOOTER)
    while position < end:
        if found := ATTRIBUTE_LINE.match(dot_source, position):
            pass
        elif found := NODE.match(dot_source, position):
            identifier, label, fill = found.groups()
            if fill is not None and fill not in LEAF_COLOURS:
                raise TorchvizFormatError(f"torchviz's drawing has an unknown colour {fill!r}")
            graph.nodes[identifier] = {"label": unquote(label), "fill": fill}
        elif found := EDGE.match(dot_source, position):
            source, target, style = found.groups()
            if style is not None and style not in EDGE_STYLES:
                raise TorchvizFormatError(f"torchviz's drawing has an unknown edge {style!r}")
            graph.edges.append((source, target, style))
        else:
            line = dot_source[position:dot_source.find("\n", position)]
            raise TorchvizFormatError(f"torchviz's drawing has an unexpected line {line[:80]!r}")
        position = found.end()
    missing = {end for edge in graph.edges for end in edge[:2]} - set(graph.nodes)
    if missing:
        raise TorchvizFormatError("torchviz's drawing has edges to nodes it does not define")
    return graph


def label_string(text):
    """A DOT string keeping the label's line breaks (dot_string turns them into spaces)."""
    return '"' + "\\n".join(dot_string(line)[1:-1] for line in text.split("\n")) + '"'


def to_dot(graph):
    """make_dot's look (its node attributes and colours), from parsed data only."""
    names = {identifier: f"t{index}" for index, identifier in enumerate(graph.nodes)}
    effort = ", ".join(f'{key}="{value}"' for key, value in BOUNDED_EFFORT.graph_attributes.items())
    lines = ["digraph torchviz {",
             f'  graph [bgcolor="white", {effort}];',
             '  node [align="left", fontname="monospace", fontsize="10", height="0.2", '
             'shape="box", style="filled"];']
    for identifier, node in graph.nodes.items():
        fill = f', fillcolor="{node["fill"]}"' if node["fill"] else ""
        lines.append(f'  "{names[identifier]}" [id="{names[identifier]}", '
                     f'label={label_string(node["label"])}{fill}];')
    for source, target, style in graph.edges:
        attributes = f" [{style}]" if style else ""
        lines.append(f'  "{names[source]}" -> "{names[target]}"{attributes};')
    lines.append("}")
    return "\n".join(lines) + "\n"


def to_svg(dot_source):
    """The SVG of make_dot's picture, as graphviz draws it, sanitised like our own drawing."""
    graph = parse(dot_source)
    if len(graph.nodes) > render.MAX_DRAWN_NODES:
        raise render.GraphTooLargeToDraw(f"torchviz's drawing has {len(graph.nodes)} nodes; "
                                         f"drawings stop at {render.MAX_DRAWN_NODES}.")
    try:
        svg_text = render.layout(to_dot(graph))
    except (subprocess.TimeoutExpired, subprocess.CalledProcessError, OSError) as error:
        raise render.LayoutFailed("graphviz could not lay out torchviz's drawing in time") \
            from error
    root = ET.fromstring(svg_text)
    sanitise(root)
    root.set("class", "torchviz-graph")
    return serialise(root)
