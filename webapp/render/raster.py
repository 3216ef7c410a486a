"""The drawing as PNG, PDF and GIF: render.to_svg's SVG through cairosvg (cairo), frames
assembled by Pillow, PDF pages joined by pypdf.

In: the graph JSON document, the drawing options of render.to_svg, a scale. Out: bytes.
Nothing here labels or styles anything: every picture is an SVG of docs/svg.md with a margin
(`framed`), so the PNG of step N is the SVG of step N (cairosvg applies the drawing's embedded style and its
`visibility` attributes). Sizes are bounded (MAX_SIDE_PX, MAX_PIXELS, GIF_MAX_FRAME_PIXELS, GIF_MAX_TOTAL_PIXELS): a larger
request gets a smaller scale rather than an out-of-memory error or a minute of work; the work of a one-page-per-step
PDF is bounded by MAX_PDF_STEP_WORK.

The GIF is drawn in layers instead of one full rendering per frame (which takes ~0.5 s a frame
on a 130-node graph): the picture before the first step, once; then for each step k the texts
that appear at k (drawn alone on a transparent layer) are added to a running canvas, and the
frame is that canvas plus the highlight layer of step k (its active texts and the outlines of
its active groups, from render.to_svg(step=k)). Alpha compositing the layers gives the same
pixels as drawing the whole step at once.
"""
import copy
import io
import math
import re
import xml.etree.ElementTree as ET

import cairosvg
from cairosvg.parser import Tree
from cairosvg.surface import PNGSurface
from PIL import Image
from pypdf import PdfReader, PdfWriter

from webapp.render import drawing as render
from webapp.render.animate import FINAL_HOLD_STEPS
from webapp.render.steps import STEP_SECONDS, active_elements
from webapp.render.svg import SVG_NS, serialise

CSS_DPI = 96                  # cairosvg's default: 1 pt of the SVG = 4/3 px at scale 1
MAX_SIDE_PX = 16_384          # cairo's image surfaces stop at 32,767
MAX_PIXELS = 32_000_000       # one PNG: 128 MB of RGBA while drawing
# Every GIF frame is kept (one byte a pixel) until the file is written, and costs ~60 ms per
# megapixel to make: a slide-sized frame at most, ~150 MB and ~10 s in all at most.
GIF_MAX_FRAME_PIXELS = 2_000_000
GIF_MAX_TOTAL_PIXELS = 150_000_000
# Pages x drawn elements of a one-page-per-step PDF (~1.3 ms each here): about 10 s at most.
MAX_PDF_STEP_WORK = 8_000
SIZE = re.compile(r'<svg width="([0-9.]+)pt" height="([0-9.]+)pt"')
# Every side of an exported picture: 6% of the drawing's width (left, right) or height (top,
# bottom), at least MIN_MARGIN_PT: that is more than 5% of the framed picture either way
# (m >= 0.05 (c + 2m) needs m >= c / 18), room for a slide's edge and a projector's overscan.
MARGIN = 0.06
MIN_MARGIN_PT = 12.0
SLIDE_ASPECT = 16 / 9         # framing="slide": the picture padded to a slide's shape


class TooMuchToExport(render.RenderError):
    """The export would take too long; the message says what to ask for instead."""


def svg_size_px(svg_text):
    """(width, height) in pixels at scale 1 of one of render.to_svg's drawings."""
    found = SIZE.search(svg_text)
    if not found:
        raise render.LayoutFailed("the drawing has no size")
    return tuple(float(value) * CSS_DPI / 72 for value in found.groups())


def framed(svg_text, aspect=None):
    """One of render.to_svg's drawings with MARGIN on every side, painted in the drawing's own
    background (graphviz's background polygon, whose fill the theme sets); with `aspect`
    (width / height), the margins widened on two sides to give the picture that shape, the
    drawing in its middle."""
    root = ET.fromstring(svg_text)
    x, y, w, h = (float(v) for v in root.get("viewBox").split())
    mx, my = max(w * MARGIN, MIN_MARGIN_PT), max(h * MARGIN, MIN_MARGIN_PT)
    # Whole multiples of 3 pt (4 px at scale 1): no partly covered, see-through last pixel.
    mx += (math.ceil((w + 2 * mx) / 3) * 3 - (w + 2 * mx)) / 2
    my += (math.ceil((h + 2 * my) / 3) * 3 - (h + 2 * my)) / 2
    if aspect:      # exactly, the other side whole: its last pixel is covered by `rect`
        width, height = w + 2 * mx, h + 2 * my
        if width < aspect * height:
            mx += (aspect * height - width) / 2
        else:
            my += (width / aspect - height) / 2
    box = (x - mx, y - my, w + 2 * mx, h + 2 * my)
    # One unit a point, as graphviz draws (its own width and height are rounded to whole pt).
    root.set("width", f"{box[2]:.2f}pt")
    root.set("height", f"{box[3]:.2f}pt")
    root.set("viewBox", " ".join(f"{v:.2f}" for v in box))
    graph = root.find(q("g"))
    background = graph.find(q("polygon")) if graph is not None else None
    fill = background.get("fill", "white") if background is not None else "white"
    # A unit past every edge: the picture's last, partly covered pixels are background too.
    rect = ET.Element(q("rect"), {"x": f"{box[0] - 1:.2f}", "y": f"{box[1] - 1:.2f}",
                                  "width": f"{box[2] + 2:.2f}", "height": f"{box[3] + 2:.2f}",
                                  "fill": fill})
    root.insert(list(root).index(graph) if graph is not None else 0, rect)
    return serialise(root)


def framed_svg(doc, framing="fit", **options):
    """render.to_svg's drawing, framed; framing="slide": in a 16:9 picture."""
    return framed(render.to_svg(doc, **options), SLIDE_ASPECT if framing == "slide" else None)


def fitted_scale(svg_text, scale, max_pixels):
    """`scale`, reduced where the image would pass MAX_SIDE_PX or `max_pixels`."""
    width, height = svg_size_px(svg_text)
    limit = min(MAX_SIDE_PX / max(width, height), (max_pixels / (width * height)) ** 0.5)
    return min(scale, limit)


def to_png(doc, *, step=None, scale=1.0, **options):
    svg = framed_svg(doc, step=step, **options)
    return cairosvg.svg2png(bytestring=svg.encode("utf-8"),
                            scale=fitted_scale(svg, scale, MAX_PIXELS))


def to_pdf(doc, *, step=None, pages="final", **options):
    """One page (step `step`, or the final picture), or with pages="steps" one page per
    timeline step, for Beamer overlays."""
    if pages != "steps":
        return cairosvg.svg2pdf(bytestring=framed_svg(doc, step=step, **options).encode())
    steps = len(doc["timeline"])
    work = steps * (len(doc["graph"]["nodes"]) + len(doc["graph"]["edges"]))
    if work > MAX_PDF_STEP_WORK:
        raise TooMuchToExport(
            f"A PDF with one page per step is made for up to {MAX_PDF_STEP_WORK:,} "
            f"steps × (nodes + edges); this graph has {steps} steps and would need {work:,}. "
            "Ask for the final picture, one step, the GIF or the animated SVG instead.")
    writer = PdfWriter()
    for k in range(steps):
        page = cairosvg.svg2pdf(bytestring=framed_svg(doc, step=k, **options).encode())
        writer.append(PdfReader(io.BytesIO(page)))
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def to_gif(doc, *, scale=1.0, **options):
    """The timeline as a looping GIF: one frame before the first step, one per step, the last
    held FINAL_HOLD_STEPS steps longer (the animated SVG's rhythm). Frames are made smaller
    than `scale` asks where they would pass GIF_MAX_FRAME_PIXELS, or all of them together
    GIF_MAX_TOTAL_PIXELS (a long timeline: its animated SVG has no such limit)."""
    steps = len(doc["timeline"])
    before = framed_svg(doc, step=-1, **options)
    scale = fitted_scale(before, scale, min(GIF_MAX_FRAME_PIXELS,
                                            GIF_MAX_TOTAL_PIXELS / (steps + 1)))
    final = ET.fromstring(framed_svg(doc, step=None, **options))
    # The last frame has every colour the others use (values, grads, the highlight).
    last = rgba(framed_svg(doc, step=steps - 1, **options), scale) if steps else None
    # Maximum coverage keeps the large flat areas exact (median cut greys the white).
    palette = (last or rgba(before, scale)).convert("RGB").quantize(
        colors=255, method=Image.Quantize.MAXCOVERAGE, dither=Image.Dither.NONE)
    canvas = rgba(before, scale)
    frames = [indexed(canvas, palette)]
    for k in range(steps):
        if k:
            draw_over(canvas, texts_of_step(final, k - 1), scale)
        undo = draw_over(canvas, highlights(final, k, active_elements(doc, k)), scale)
        frames.append(indexed(canvas, palette))
        undo()
    step_ms = round(STEP_SECONDS * 1000)
    durations = [step_ms] * (len(frames) - 1) + [step_ms * (1 + FINAL_HOLD_STEPS)]
    output = io.BytesIO()
    frames[0].save(output, "GIF", save_all=True, append_images=frames[1:],
                   duration=durations, loop=0)
    return output.getvalue()


def indexed(image, palette):
    return image.convert("RGB").quantize(palette=palette, dither=Image.Dither.NONE)


def rgba(svg_text, scale):
    """An SVG drawn into a Pillow RGBA image (no PNG encoding in between)."""
    surface = PNGSurface(Tree(bytestring=svg_text.encode("utf-8")), None, CSS_DPI, scale=scale)
    cairo_surface = surface.cairo
    cairo_surface.flush()
    return Image.frombuffer("RGBA", (surface.width, surface.height),
                            bytes(cairo_surface.get_data()), "raw", "BGRa",
                            cairo_surface.get_stride(), 1)


def q(tag):
    return f"{{{SVG_NS}}}{tag}"


SHAPES = {q("polygon"), q("path"), q("ellipse"), q("polyline")}


def drawing_groups(root):
    """The node and edge groups of a parsed drawing (docs/svg.md)."""
    return [g for g in root.find(q("g")).findall(q("g"))
            if g.get("class", "").split()[:1] in (["node"], ["edge"])]


def texts_of_step(root, k):
    """A transparent layer: only the texts that appear at step k, as they look afterwards."""
    def pick(group, child):
        if child.tag == q("text") and child.get("data-step") == str(k):
            return copy.deepcopy(child)
        return None
    return layer(root, pick)


def highlights(root, k, active_ids):
    """A transparent layer: step k's texts and the outlines of the groups it is about, with
    the `active` class render.to_svg(step=k) gives them (docs/svg.md); node fills are left
    out so that they do not cover the texts beneath."""
    def pick(group, child):
        if child.tag == q("text"):
            if child.get("data-step") != str(k):
                return None
            text = copy.deepcopy(child)
            text.set("class", text.get("class", "") + " active")
            return text
        if group.get("id") not in active_ids or child.tag not in SHAPES:
            return None
        shape = copy.deepcopy(child)
        if group.get("class", "").startswith("node"):
            shape.set("fill", "none")
        return shape
    return layer(root, pick, active_ids)


def layer(root, pick, active_ids=frozenset()):
    """A new drawing with the root, its style and the graph group of `root`, holding only
    what `pick(group, child)` returns for each child of each node and edge group (groups
    left empty are left out: cairosvg would still walk them)."""
    graph = root.find(q("g"))
    new_root = ET.Element(root.tag, root.attrib)
    new_root.extend(copy.deepcopy(style) for style in root.findall(q("style")))
    new_graph = ET.SubElement(new_root, graph.tag, graph.attrib)
    for group in drawing_groups(root):
        picked = [element for element in (pick(group, child) for child in group
                                          if child.tag != q("title")) if element is not None]
        if picked:
            new_group = ET.SubElement(new_graph, group.tag, group.attrib)
            if group.get("id") in active_ids:
                new_group.set("class", group.get("class", "") + " active")
            new_group.extend(picked)
    return serialise(new_root)


def draw_over(canvas, layer_svg, scale):
    """Draw a transparent layer over `canvas` in place, touching only the layer's pixels;
    returns a function that puts those pixels back."""
    drawn = rgba(layer_svg, scale)
    box = drawn.getbbox()
    if box is None:
        return lambda: None
    saved = canvas.crop(box)
    canvas.alpha_composite(drawn.crop(box), dest=box[:2])
    return lambda: canvas.paste(saved, box[:2])
