"""Which way to lay a graph out (graphviz's rankdir) for a panel of a given shape.

In: the graph JSON document, the panel's aspect ratio (width / height) and the language (the
words change the labels' widths). Out: "LR" or "TB", whichever lets the whole drawing be
shown larger in that panel, so its labels are larger on screen: a long chain goes left to
right in a wide panel and top to bottom in a tall one. Both layouts go through
render.drawing's cached layout, so the one chosen costs nothing more to draw.
"""
import re

from webapp.render import drawing

DIRECTIONS = ("LR", "TB")
DEFAULT_ASPECT = 16 / 9   # a slide, a projector, a laptop's graph panel in presentation mode
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
    """"LR" or "TB": the layout that fits a panel of `aspect` (width / height) at the larger
    scale; LR when they tie or neither can be laid out."""
    aspect = DEFAULT_ASPECT if aspect is None else aspect
    scales = {}
    for direction in DIRECTIONS:
        size = drawn_size(doc, direction, lang)
        scales[direction] = fit_scale(size, aspect) if size else 0.0
    return "TB" if scales["TB"] > scales["LR"] * 1.02 else "LR"
