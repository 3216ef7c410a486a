"""render.theme and render.steps: the one table of colours read by every drawing, and the one
rule of which elements a step marks, with the rhythm handed to the page."""
import re

import pytest

from webapp.render import animate, svg
from webapp.render import dot as render_dot
from webapp.render.steps import ACTIVE_FIELDS, STEP_SECONDS, active_elements, page_steps
from webapp.render.theme import THEMES

RULE = re.compile(r"^(.+?) \{ (.+) \}$")
DOC = {
    "graph": {"nodes": [{"id": "n0", "kind": "input", "label": "x", "value": 2.0, "grad": 3.0},
                        {"id": "n1", "kind": "op", "label": "mul", "value": 4.0, "grad": 1.0},
                        {"id": "n2", "kind": "op", "label": "add", "value": 5.0, "grad": 1.0,
                         "is_output": True}],
              "edges": [{"id": "e0", "source": "n0", "target": "n1", "local": 3.0, "grad": 1.0},
                        {"id": "e1", "source": "n1", "target": "n2", "local": 1.0,
                         "grad": 1.0}]},
    "output": "n2",
    "timeline": [{"phase": "forward", "node": "n0"}, {"phase": "forward", "node": "n1"},
                 {"phase": "forward", "node": "n2"}, {"phase": "seed", "node": "n2"},
                 {"phase": "backward", "edge": "e1", "node": "n1"},
                 {"phase": "backward", "edge": "e0", "node": "n0"},
                 {"phase": "accumulate", "node": "n0", "edges": ["e0"]}],
}


def theme_rules(theme):
    """{selector with the theme's name taken out: declarations} of render.svg.STYLE."""
    rules = {}
    for line in svg.STYLE.splitlines():
        selector, declarations = RULE.match(line).groups()
        if f"svg.theme-{theme} " in selector:
            rules[selector.replace(f"svg.theme-{theme} ", "svg.theme ")] = declarations
    return rules


@pytest.mark.parametrize("theme", THEMES)
def test_the_drawing_style_colours_come_from_the_theme_table(theme):
    colours = THEMES[theme]
    assert theme_rules(theme) == {
        "svg.theme text.value": f"fill: {colours['value_text']};",
        "svg.theme text.grad, svg.theme text.flow": f"fill: {colours['grad_text']};",
        "svg.theme text.local": f"fill: {colours['local_text']};",
        "svg.theme text.saved, svg.theme text.saved-total": f"fill: {colours['local_text']};",
        "svg.theme g.active polygon, svg.theme g.active path": f"stroke: {colours['active']};",
        "svg.theme text.active, svg.theme g.edge.active polygon": f"fill: {colours['active']};",
    }


@pytest.mark.parametrize("theme", THEMES)
def test_dot_and_the_animation_paint_with_the_theme_table(theme):
    colours = THEMES[theme]
    source = render_dot.dot_drawing(DOC, theme=theme).source
    for role in ("bg", "fg", "edge", "input_fill", "input_line", "op_fill", "op_line",
                 "output_line"):
        assert f'"{colours[role]}"' in source, role
    highlights = [rule for rule in animate.keyframes(DOC, theme) if "@keyframes text-" in rule]
    assert highlights and all(f"fill: {colours['active']}" in rule for rule in highlights)


@pytest.mark.parametrize("step, active", [
    (None, set()), (-1, set()), (7, set()), (0, {"n0"}), (3, {"n2"}), (4, {"e1", "n1"}),
    (6, {"n0", "e0"})])
def test_a_step_marks_the_fields_of_its_phase(step, active):
    assert active_elements(DOC, step) == active


def test_the_page_gets_the_rhythm_and_the_rule():
    assert page_steps() == {"step_ms": round(STEP_SECONDS * 1000), "active_fields": ACTIVE_FIELDS}
    assert set(ACTIVE_FIELDS) == {"forward", "seed", "backward", "accumulate"}
