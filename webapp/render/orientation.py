"""Which way to lay a graph out (graphviz's rankdir) for a panel of a given shape.

In: the graph JSON document, the panel's aspect ratio (width / height) and the language (the
words change the labels' widths). Out: "LR", "TB" or, for a long chain, "wrap:R" (wrap.py:
the chain in R rows), whichever lets the whole drawing be shown larger in that panel, so its
labels are larger on screen: a short chain goes left to right in a wide panel and top to
bottom in a tall one; a long one fills a wide panel in rows instead of a thin strip. Every
layout tried goes through render.drawing's cached layout, so the one chosen costs nothing
more to draw.
"""
import re

from webapp.render import drawing
from webapp.render import wrap

DIRECTIONS = ("LR", "TB")
DEFAULT_ASPECT = 16 / 9   # a slide, a projector, a laptop's graph panel in presentation mode
# A chain worth wrapping: this many ranks at least, none wider than MAX_CHAIN_WIDTH nodes
# (constants aside), at most MAX_WRAPPED_NODES nodes (each layout tried is a graphviz run:
# beyond that the view shows a legible region and the minimap anyway).
MIN_WRAPPED_RANKS = 12
MAX_CHAIN_WIDTH = 2
MIN_RANKS_PER_ROW = 4
MAX_WRAPPED_NODES = 200
MAX_ROWS_TRIED = 3
VIEW_BOX = re.compile(r'viewBox="[-0-9.]+ [-0-9.]+ ([0-9.]+) ([0-9.]+)"')


def drawn_size(doc, direction, lang):
    """(width, height) of the drawing in graphviz's units, or None if it has no viewBox."""
    drawing.check_drawable(doc)
    svg_text, _ = drawing.laid_out(drawing.drawn_document(doc), direction=direction,
                                   theme="light", lang=lang)
    found = VIEW_BOX.search(svg_text)
    return (float(found[1]), float(found[2])) if found else None


def fit_scale(size, aspect):
    """How large the drawing shows when fitted into a panel `aspect` wide and 1 high."""
    width, height = size
    return min(aspect / max(width, 1.0), 1.0 / max(height, 1.0))


def chosen_direction(doc, aspect=None, lang="en"):
    """"LR", "TB" or "wrap:R": the layout that fits a panel of `aspect` (width / height) at
    the largest scale; LR when they tie or none can be laid out."""
    aspect = DEFAULT_ASPECT if aspect is None else aspect
    scales = {}
    for direction in DIRECTIONS:
        size = drawn_size(doc, direction, lang)
        scales[direction] = fit_scale(size, aspect) if size else 0.0
    best = "TB" if scales["TB"] > scales["LR"] * 1.02 else "LR"
    wrapped, scale = best_wrap(doc, aspect, lang)
    return wrapped if wrapped and scale > scales[best] * 1.02 else best


def best_wrap(doc, aspect, lang):
    """("wrap:R", its scale) for a long chain, or (None, 0). Two rows first, which measures a
    row's height and a rank's width; from the rows those measures suit to `aspect` (rows
    drift, so it is a low guess) up to MAX_ROWS_TRIED more while the drawing grows."""
    nodes, edges = doc["graph"]["nodes"], doc["graph"]["edges"]
    ranks, width = wrap.chain_shape(nodes, edges)
    if ranks < MIN_WRAPPED_RANKS or width > MAX_CHAIN_WIDTH or len(nodes) > MAX_WRAPPED_NODES:
        return None, 0.0
    most = min(wrap.MAX_ROWS, ranks // MIN_RANKS_PER_ROW)
    two = drawn_size(doc, "wrap:2", lang)
    if not two:
        return None, 0.0
    best, best_scale = "wrap:2", fit_scale(two, aspect)
    guess = round((ranks * (two[0] / (ranks / 2)) / (aspect * two[1] / 2)) ** 0.5)
    for rows in range(max(3, guess), min(most, max(3, guess) + MAX_ROWS_TRIED - 1) + 1):
        size = drawn_size(doc, f"wrap:{rows}", lang)
        scale = fit_scale(size, aspect) if size else 0.0
        if scale <= best_scale:
            break                      # more rows only make it taller from here
        best, best_scale = f"wrap:{rows}", scale
    return best, best_scale
