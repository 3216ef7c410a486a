"""Renderings of the graph JSON: graphviz DOT source and the annotated SVG (docs/svg.md).

In: the graph JSON document (docs/graph-json.md) as a plain dict. Out: `str`. Knows nothing of
torch or Flask. Labels and DOT live in render.dot, SVG post-processing in render.svg, what a
grouped graph's drawings show in render.views; this module lays the drawing out and keeps
that from ever hanging or refusing:

0. a graph of more than views.COLLAPSE_ABOVE_NODES nodes with groups is drawn by its top level
   (each group one box), and each group's inside on its own when asked (`group`): smaller
   layouts, each cached;
1. up to LAYERED_ABOVE_NODES drawn nodes, dot with the effort render.dot.automatic_effort picks
   from the graph's long edges, killed after LAYOUT_TIMEOUT_S;
2. if that fails or times out, dot again with almost no effort (CHEAP_EFFORT), killed after
   LAYOUT_TIMEOUT_S;
3. above LAYERED_ABOVE_NODES, or if dot failed, the layered layout made here in Python
   (render.layered: a few ms for 2,000 nodes).
Every recorded graph (up to limits.MAX_GRAPH_NODES) is drawn. MAX_DRAWN_NODES bounds only the
torchviz view (make_dot's picture, laid out by dot alone).
"""
import functools
import subprocess

from webapp.core import limits
from webapp.render import views
from webapp.render.dot_process import DotProcess
from webapp.render.dot import (CHEAP_EFFORT, automatic_effort, checked_elements,
                               dot_drawing)
from webapp.render.layered import layered_svg
from webapp.render.svg import UnexpectedSvg, annotate

LAYOUT_TIMEOUT_S = 5.0
# dot takes ~0.3 s on 150 nodes, 2.4 s on the 581-node loop and runs out of time or memory
# near 2,000 (benchmarks/bench_layout.py); the layered layout is a few ms at any size.
LAYERED_ABOVE_NODES = 300
MAX_DRAWN_NODES = 600  # the torchviz view only (render.torchviz_view)
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

    Any size: it is only text, of the whole graph (groups are not collapsed)."""
    return dot_drawing(doc, direction=direction, theme=theme, lang=lang).source


def to_svg(doc, *, step=None, direction="LR", theme="light", lang="en", group=None):
    """The SVG of docs/svg.md for `doc`, at timeline step `step` (None: the final picture;
    -1: before the first step, every stepped text hidden); `group`: the inside of that group
    alone (a grouped graph's view, render.views).

    Raises GraphTooLargeToDraw above limits.MAX_GRAPH_NODES, LayoutFailed (both RenderError)
    if graphviz wrote something unexpected, or ValueError for a bad option, step, group or
    document.
    """
    check_drawable(doc)
    steps = len(doc.get("timeline", []))
    if step is not None and (isinstance(step, bool) or not isinstance(step, int)
                             or not -1 <= step < steps):
        raise ValueError(f"step must be an integer from -1 to {steps - 1}, not {step!r}")
    drawn = drawn_document(doc, group)
    svg_text, text_roles = laid_out(drawn, direction=direction, theme=theme, lang=lang)
    try:
        return annotate(svg_text, drawn, text_roles, step=step, theme=theme,
                        direction=direction)
    except UnexpectedSvg as error:
        raise LayoutFailed(f"graphviz drew something unexpected: {error}") from None


def drawn_document(doc, group=None):
    """What one drawing shows: `doc` itself, or a view of its groups (render.views)."""
    if group is None and not views.is_grouped(doc):
        return doc
    return views.view_of(doc, group)


def laid_out(drawn, *, direction, theme, lang):
    """(SVG text as dot writes it, label-line roles) for a document or view: dot with the
    efforts of layout_efforts, else the layered layout."""
    roles = None
    for effort in layout_efforts(drawn):
        drawing = dot_drawing(drawn, direction=direction, theme=theme, lang=lang,
                              effort=effort)
        roles = drawing.text_roles
        try:
            return layout(drawing.source), roles
        except (subprocess.TimeoutExpired, subprocess.CalledProcessError, OSError):
            continue
    if roles is None:
        roles = dot_drawing(drawn, direction=direction, theme=theme, lang=lang,
                            effort=CHEAP_EFFORT).text_roles
    return layered_svg(drawn, direction=direction, theme=theme, lang=lang), roles


def layout_efforts(doc):
    """The dot efforts to try in turn (none: straight to the layered layout): the one that
    suits the graph, then CHEAP_EFFORT."""
    nodes, edges = checked_elements(doc)
    if len(nodes) > LAYERED_ABOVE_NODES:
        return ()
    first = automatic_effort(nodes, edges)
    if first == CHEAP_EFFORT and len(nodes) > LAYERED_ABOVE_NODES / 2:
        return ()   # past LARGE_EFFORT's long edges dot needs seconds even at this size
    return (first,) if first == CHEAP_EFFORT else (first, CHEAP_EFFORT)


def check_drawable(doc):
    node_count = len(doc["graph"]["nodes"])
    if node_count > limits.MAX_GRAPH_NODES:
        raise GraphTooLargeToDraw(f"The graph has {node_count} nodes; graphs stop at "
                                  f"{limits.MAX_GRAPH_NODES}.")


DOT = DotProcess(DOT_MEMORY_LIMIT_BYTES)


@functools.lru_cache(maxsize=32)
def layout(dot_source):
    """SVG text from `dot -Tsvg`; cached, since every step of one graph has the same layout."""
    return run_dot(dot_source, timeout=LAYOUT_TIMEOUT_S)


def run_dot(dot_source, *, timeout):
    """dot's SVG for one graph, from this process's long-lived dot (see dot_process)."""
    return DOT.layout(dot_source, timeout=timeout)