"""The whole timeline as one self-contained, looping SVG: CSS @keyframes, no script.

In: the graph JSON document and the drawing options of render.to_svg. Out: SVG markup (str)
that plays in an <img>, in HTML slides (reveal.js, Marp) or opened on its own.

The drawing is render.to_svg's final picture (docs/svg.md), so labels, layout and theme are
exactly the page's. One slot of STEP_SECONDS per timeline step, after one slot showing the
picture before the first step and before FINAL_HOLD_STEPS slots holding the final picture;
then it starts again. A text with data-step k is hidden until its slot, and highlighted (the
style of `text.active`) during it; the groups a step is about (render.steps.active_elements)
get the `g.active` look, in the theme's `active` colour (render.theme), during its slot. Each
highlight is one animation per step that leaves the property alone outside its slot (no
0%/100% keyframe for it), so an element active at several steps simply lists several
animations.
"""
import re

from webapp.render import drawing as render
from webapp.render.steps import STEP_SECONDS, active_elements
from webapp.render.theme import THEMES

FINAL_HOLD_STEPS = 3
STYLE_END = "</style>"


def slots(doc):
    """Number of slots in one loop: before-the-start, one per step, the final hold."""
    return 1 + len(doc.get("timeline", [])) + FINAL_HOLD_STEPS


def percent(value):
    return f"{value:.4f}".rstrip("0").rstrip(".") + "%"


def keyframes(doc, theme):
    """@keyframes show-k, text-k, shape-k, arrow-k for every step k."""
    total, accent, rules = slots(doc), THEMES[theme]["active"], []
    for k in range(len(doc.get("timeline", []))):
        start, end = percent(100 * (k + 1) / total), percent(100 * (k + 2) / total)
        rules.append(f"@keyframes show-{k} {{ 0% {{ visibility: hidden }} "
                     f"{start}, 100% {{ visibility: visible }} }}")
        for name, declarations in (
                ("text", f"fill: {accent}; font-weight: bold"),
                ("shape", f"stroke: {accent}; stroke-width: 3px"),
                ("arrow", f"fill: {accent}; stroke: {accent}; stroke-width: 3px")):
            rules.append(
                f"@keyframes {name}-{k} {{ "
                f"{start} {{ {declarations}; animation-timing-function: step-end }} "
                f"{end} {{ {declarations}; animation-timing-function: step-start }} }}")
    return rules


def animation_rules(doc):
    """Which elements play which keyframes."""
    duration = f"{slots(doc) * STEP_SECONDS:.2f}s"

    def play(names):
        return ", ".join(f"{name} {duration} step-end infinite" for name in names)

    rules = []
    for k in range(len(doc.get("timeline", []))):
        rules.append(f'svg.autograd-graph text[data-step="{k}"] '
                     f"{{ animation: {play([f'show-{k}', f'text-{k}'])}; }}")
    active_at = {}
    for k in range(len(doc.get("timeline", []))):
        for identifier in active_elements(doc, k):
            active_at.setdefault(identifier, []).append(k)
    edges = {edge["id"] for edge in doc["graph"]["edges"]}
    for identifier, steps in sorted(active_at.items()):
        shapes = [f"shape-{k}" for k in steps]
        if identifier in edges:
            rules.append(f"svg.autograd-graph g#{identifier} > path {{ animation: {play(shapes)}; }}")
            rules.append(f"svg.autograd-graph g#{identifier} > polygon "
                         f"{{ animation: {play(f'arrow-{k}' for k in steps)}; }}")
        else:
            rules.append(f"svg.autograd-graph g#{identifier} > polygon, "
                         f"svg.autograd-graph g#{identifier} > path "
                         f"{{ animation: {play(shapes)}; }}")
    # Someone who asked for less motion sees the final picture, still.
    rules.append("@media (prefers-reduced-motion: reduce) { svg.autograd-graph * "
                 "{ animation: none !important; } }")
    return rules


def animated_svg(doc, *, direction="LR", theme="light", lang="en"):
    """The looping CSS-animated SVG of `doc` (raises what render.to_svg raises)."""
    svg = render.to_svg(doc, step=None, direction=direction, theme=theme, lang=lang)
    css = "\n".join(keyframes(doc, theme) + animation_rules(doc))
    if svg.count(STYLE_END) != 1:
        raise render.LayoutFailed("the drawing has no single style element to animate")
    svg = svg.replace(STYLE_END, "\n" + css + STYLE_END, 1)
    # Mark the root so that a reader (or a test) can tell the animated drawing apart.
    return re.sub(r'class="autograd-graph ', 'class="autograd-graph animated ', svg, count=1)
