"""Renderings of the graph JSON: graphviz DOT source and the annotated SVG (docs/svg.md).

In: the graph JSON document (docs/graph-json.md) as a plain dict. Out: `str`. Knows nothing of
torch or Flask. Labels and DOT live in render.dot, SVG post-processing in render.svg; this
module runs graphviz and keeps that from ever hanging:

1. dot with the effort render.dot.automatic_effort picks from the graph's long edges
   (BOUNDED_EFFORT, LARGE_EFFORT or straight away CHEAP_EFFORT: network simplex and crossing
   minimisation capped), killed after LAYOUT_TIMEOUT_S;
2. if that fails or times out, dot again with almost no effort (CHEAP_EFFORT: no network
   simplex iterations, a token crossing pass, straight edges, edge labels placed after the
   layout), killed after LAYOUT_TIMEOUT_S;
3. if that fails too, LayoutFailed.
Graphs with more than MAX_DRAWN_NODES nodes are not drawn at all: GraphTooLargeToDraw.
"""
import functools
import subprocess

from webapp.render.dot_process import DotProcess
from webapp.render.dot import CHEAP_EFFORT, automatic_effort, checked_elements, dot_drawing
from webapp.render.svg import UnexpectedSvg, annotate

LAYOUT_TIMEOUT_S = 5.0
MAX_DRAWN_NODES = 600
# dot's memory grows fast with width; cap its address space so a bad case fails, not swaps.
DOT_MEMORY_LIMIT_BYTES = 1024 * 1024 * 1024


class RenderError(Exception):
    """A drawing could not be made; the message is fit to show a user."""


class GraphTooLargeToDraw(RenderError):
    pass


class LayoutFailed(RenderError):
    pass


def to_dot(doc, *, direction="LR", theme="light", lang="en"):
    """The graphviz DOT source of the graph in `doc` (ids and classes on every node and edge).

    Any size: it is only text (to_svg is what refuses graphs too large to lay out)."""
    return dot_drawing(doc, direction=direction, theme=theme, lang=lang).source


def to_svg(doc, *, step=None, direction="LR", theme="light", lang="en"):
    """The SVG of docs/svg.md for `doc`, at timeline step `step` (None: the final picture;
    -1: before the first step, every stepped text hidden).

    Raises GraphTooLargeToDraw, LayoutFailed (both RenderError) or ValueError for a bad
    option, step or document.
    """
    check_drawable(doc)
    steps = len(doc.get("timeline", []))
    if step is not None and (isinstance(step, bool) or not isinstance(step, int)
                             or not -1 <= step < steps):
        raise ValueError(f"step must be an integer from -1 to {steps - 1}, not {step!r}")
    for effort in layout_efforts(doc):
        drawing = dot_drawing(doc, direction=direction, theme=theme, lang=lang, effort=effort)
        try:
            svg_text = layout(drawing.source)
        except (subprocess.TimeoutExpired, subprocess.CalledProcessError, OSError):
            continue
        try:
            return annotate(svg_text, doc, drawing.text_roles, step=step, theme=theme)
        except UnexpectedSvg as error:
            raise LayoutFailed(f"graphviz drew something unexpected: {error}") from None
    raise LayoutFailed("graphviz could not lay out this graph in time; "
                       "the JSON export still holds all of it")


def layout_efforts(doc):
    """The efforts to try in turn: the one that suits the graph, then CHEAP_EFFORT."""
    first = automatic_effort(*checked_elements(doc))
    return (first,) if first == CHEAP_EFFORT else (first, CHEAP_EFFORT)


def check_drawable(doc):
    node_count = len(doc["graph"]["nodes"])
    if node_count > MAX_DRAWN_NODES:
        raise GraphTooLargeToDraw(
            f"The graph has {node_count} nodes; drawings stop at {MAX_DRAWN_NODES}.")


DOT = DotProcess(DOT_MEMORY_LIMIT_BYTES)


@functools.lru_cache(maxsize=32)
def layout(dot_source):
    """SVG text from `dot -Tsvg`; cached, since every step of one graph has the same layout."""
    return run_dot(dot_source, timeout=LAYOUT_TIMEOUT_S)


def run_dot(dot_source, *, timeout):
    """dot's SVG for one graph, from this process's long-lived dot (see dot_process)."""
    return DOT.layout(dot_source, timeout=timeout)