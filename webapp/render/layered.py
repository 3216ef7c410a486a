"""A layered layout computed here, for graphs dot cannot lay out in time: never a refusal.

In: a graph JSON document or one of render.views' views, the direction, theme and language.
Out: SVG text shaped as `dot -Tsvg` writes it (a `g.graph` holding one `g` per node and edge,
with its id, a <title>, its shape and one <text> per label line), so render.svg annotates it
as it annotates dot's. The layout: ranks by the longest path from the sources
(render.ranks), each rank a column (LR) or a row (TB); within a rank, nodes in the order of
the mean position of their operands, each as near that mean as the one before allows; edges
are straight lines with their labels at the middle. Text widths are estimated (graphviz
measures them with the font), generously, so labels stay inside their boxes.

About 10 ms for 2,000 nodes, where dot takes seconds (fan-outs) or runs out of memory.
"""
import unicodedata
from xml.sax.saxutils import escape, quoteattr

from webapp.render.dot import FONT, check_options, checked_elements, edge_lines, node_lines, node_style
from webapp.render.ranks import longest_path_ranks
from webapp.render.theme import THEMES

NODE_FONT, EDGE_FONT = 12.0, 10.0
LINE_HEIGHT = 1.25     # of the font size
NARROW, WIDE = 0.58, 1.0  # of the font size: a Latin character, a CJK one
PADDING = (12.0, 8.0)  # around a node's text, x and y
MIN_SIZE = (54.0, 36.0)
NODE_GAP = 22.0        # between nodes of one rank (dot's nodesep 0.3 in)
RANK_GAP = 36.0        # between ranks, before the room edge labels need
ARROW = 7.0
MARGIN = 4.0


def text_width(text, size):
    return sum(size * (WIDE if unicodedata.east_asian_width(ch) in "WF" else NARROW)
               for ch in text)


def block_size(lines, size):
    width = max((text_width(text, size) for _, text in lines), default=0.0)
    return width, len(lines) * size * LINE_HEIGHT


def layered_svg(doc, *, direction="LR", theme="light", lang="en"):
    """The SVG text of `doc` laid out in layers (see the module docstring)."""
    check_options(direction, theme, lang)
    nodes, edges = checked_elements(doc)
    colours = THEMES[theme]
    grads = {node["id"]: node.get("grad") for node in nodes}
    labels = {node["id"]: node_lines(node, lang) for node in nodes}
    edge_labels = {edge["id"]: edge_lines(edge, grads[edge["target"]], lang) for edge in edges}
    sizes = {}
    for identifier, lines in labels.items():
        width, height = block_size(lines, NODE_FONT)
        sizes[identifier] = (max(width + 2 * PADDING[0], MIN_SIZE[0]),
                             max(height + 2 * PADDING[1], MIN_SIZE[1]))
    centres = placed_centres(nodes, edges, sizes, edge_labels, direction)
    width = max(x + sizes[i][0] / 2 for i, (x, y) in centres.items()) + 2 * MARGIN
    height = max(y + sizes[i][1] / 2 for i, (x, y) in centres.items()) + 2 * MARGIN
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}pt" '
             f'height="{height:.0f}pt" viewBox="0 0 {width:.2f} {height:.2f}">',
             f'<g id="graph0" class="graph" transform="translate({MARGIN} {MARGIN})">',
             f'<polygon fill={quoteattr(colours["bg"])} stroke="none" points="{-MARGIN},'
             f'{-MARGIN} {width},{-MARGIN} {width},{height} {-MARGIN},{height}"/>']
    for node in nodes:
        parts.append(node_markup(node, centres[node["id"]], sizes[node["id"]],
                                 labels[node["id"]], colours))
    for edge in edges:
        parts.append(edge_markup(edge, centres, sizes, edge_labels[edge["id"]], colours,
                                 direction))
    parts.append("</g></svg>\n")
    return "\n".join(parts)


def placed_centres(nodes, edges, sizes, edge_labels, direction):
    """{node id: (x, y)} of each node's centre."""
    rank = longest_path_ranks(nodes, edges)
    along = 0 if direction == "LR" else 1   # the axis ranks advance along
    by_rank = {}
    for node in nodes:
        by_rank.setdefault(rank[node["id"]], []).append(node["id"])
    label_room = {}
    for edge in edges:
        width, height = block_size(edge_labels[edge["id"]], EDGE_FONT)
        room = width if along == 0 else height
        label_room[rank[edge["source"]]] = max(label_room.get(rank[edge["source"]], 0), room)
    operands = {}
    for edge in edges:
        operands.setdefault(edge["target"], []).append(edge["source"])
    centres, start = {}, 0.0
    for r in sorted(by_rank):
        depth = max(sizes[i][along] for i in by_rank[r])
        across = place_rank(by_rank[r], operands, centres, sizes, 1 - along)
        for identifier, position in across.items():
            point = [0.0, 0.0]
            point[along], point[1 - along] = start + depth / 2, position
            centres[identifier] = tuple(point)
        start += depth + RANK_GAP + label_room.get(r, 0)
    return centres


def place_rank(members, operands, centres, sizes, axis):
    """{node id: position across} for one rank: each at the mean of its operands' positions,
    pushed on past the node before it."""
    wanted = {}
    for order, identifier in enumerate(members):
        placed = [centres[s][axis] for s in operands.get(identifier, ()) if s in centres]
        wanted[identifier] = sum(placed) / len(placed) if placed else None
    ordered = sorted(members, key=lambda i: (wanted[i] is None, wanted[i] or 0))
    positions, edge = {}, 0.0
    for identifier in ordered:
        half = sizes[identifier][axis] / 2
        desired = wanted[identifier] if wanted[identifier] is not None else edge + half
        positions[identifier] = max(desired, edge + half)
        edge = positions[identifier] + half + NODE_GAP
    return positions


def paint(style, colours):
    """SVG presentation attributes from render.dot's node style."""
    words = style.get("style", "")
    fill = style.get("fillcolor", colours["bg"]) if "filled" in words else colours["bg"]
    width = style.get("penwidth", "2" if "bold" in words else "1")
    dashes = ' stroke-dasharray="5,2"' if "dashed" in words else ""
    return (f'fill={quoteattr(fill)} stroke={quoteattr(style.get("color", colours["fg"]))} '
            f'stroke-width="{width}"{dashes}')


def text_markup(lines, x, y_top, size, colour):
    step = size * LINE_HEIGHT
    return "".join(
        f'<text text-anchor="middle" x="{x:.2f}" y="{y_top + step * (k + 0.78):.2f}" '
        f'font-family={quoteattr(FONT)} font-size="{size:.2f}" fill={quoteattr(colour)}>'
        f'{escape(text)}</text>' for k, (_, text) in enumerate(lines))


def node_markup(node, centre, size, lines, colours):
    style = node_style(node, colours)
    (x, y), (w, h) = centre, size
    radius = ' rx="6"' if "rounded" in style.get("style", "") else ""
    _, text_height = block_size(lines, NODE_FONT)
    return (f'<g id={quoteattr(node["id"])} class="node"><title>{escape(node["id"])}</title>'
            f'<rect x="{x - w / 2:.2f}" y="{y - h / 2:.2f}" width="{w:.2f}" height="{h:.2f}"'
            f'{radius} {paint(style, colours)}/>'
            + text_markup(lines, x, y - text_height / 2, NODE_FONT,
                          style.get("fontcolor", colours["fg"])) + "</g>")


def border_point(centre, size, toward, direction):
    """Where an edge leaves or enters a node: the middle of the side facing `toward`."""
    (x, y), (w, h) = centre, size
    if direction == "LR":
        return (x + w / 2, y) if toward[0] > x else (x - w / 2, y)
    return (x, y + h / 2) if toward[1] > y else (x, y - h / 2)


def edge_markup(edge, centres, sizes, lines, colours, direction):
    source, target = centres[edge["source"]], centres[edge["target"]]
    x1, y1 = border_point(source, sizes[edge["source"]], target, direction)
    x2, y2 = border_point(target, sizes[edge["target"]], source, direction)
    length = max(((x2 - x1) ** 2 + (y2 - y1) ** 2) ** 0.5, 1e-6)
    ux, uy = (x2 - x1) / length, (y2 - y1) / length
    bx, by = x2 - ux * ARROW, y2 - uy * ARROW
    colour = colours["muted"] if edge.get("constant") else colours["edge"]
    dashes = ' stroke-dasharray="5,2"' if edge.get("constant") else ""
    arrow = (f"{x2:.2f},{y2:.2f} {bx - uy * ARROW / 2:.2f},{by + ux * ARROW / 2:.2f} "
             f"{bx + uy * ARROW / 2:.2f},{by - ux * ARROW / 2:.2f}")
    _, text_height = block_size(lines, EDGE_FONT)
    mx, my = (x1 + x2) / 2, (y1 + y2) / 2 - text_height / 2 - 2
    return (f'<g id={quoteattr(edge["id"])} class="edge"><title>'
            f'{escape(edge["source"])}&#45;&gt;{escape(edge["target"])}</title>'
            f'<path fill="none" stroke={quoteattr(colour)}{dashes} '
            f'd="M{x1:.2f},{y1:.2f} L{bx:.2f},{by:.2f}"/>'
            f'<polygon fill={quoteattr(colour)} stroke={quoteattr(colour)} points="{arrow}"/>'
            + text_markup(lines, mx, my, EDGE_FONT, colours["fg"]) + "</g>")
