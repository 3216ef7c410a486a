"""The export formats of a graph document: what each one is called, its media type, and the
function that makes it (docs in README.md's API table and /api/openapi.json).

In: the graph JSON document and options. Out: (bytes or str, media type). The drawings all
come from render.to_svg (docs/svg.md); raster.py turns them into PNG, PDF and GIF, animate.py
into the CSS-animated SVG.
"""
from dataclasses import dataclass
from typing import Callable

from webapp.render import animate, raster
from webapp.render import drawing as render


@dataclass(frozen=True)
class Export:
    media_type: str
    make: Callable      # make(doc, **options) -> bytes | str
    stepped: bool       # takes `step`
    scaled: bool        # takes `scale`
    framed: bool = False  # takes `framing` (a picture with margins, raster.framed)


EXPORTS = {
    "png": Export("image/png", raster.to_png, stepped=True, scaled=True, framed=True),
    "pdf": Export("application/pdf", raster.to_pdf, stepped=True, scaled=False, framed=True),
    "gif": Export("image/gif", raster.to_gif, stepped=False, scaled=True, framed=True),
    "dot": Export("text/vnd.graphviz", render.to_dot, stepped=False, scaled=False),
    "animated-svg": Export("image/svg+xml", animate.animated_svg, stepped=False, scaled=False),
}
MIN_SCALE, MAX_SCALE = 1, 4


def export(doc, kind, **options):
    """(content, media type) of `doc` as `kind` (a key of EXPORTS)."""
    chosen = EXPORTS[kind]
    return chosen.make(doc, **options), chosen.media_type


def file_name(doc, kind, step=None):
    """A download name that says what it holds: graph-y.png, graph-y-step12.pdf, numbered
    as the page counts its steps (timeline index 11 is step 12; before the first, step 0)."""
    output = next((node for node in doc["graph"]["nodes"] if node["id"] == doc["output"]), {})
    name = output.get("name") or output.get("label") or "graph"
    name = "".join(ch for ch in name if ch.isascii() and (ch.isalnum() or ch in "_-")) or "graph"
    suffix = f"-step{step + 1}" if step is not None else ""
    extension = {"animated-svg": "svg"}.get(kind, kind)
    return f"graph-{name}{suffix}.{extension}"
