"""webapp.render: DOT source and the annotated SVG of docs/svg.md, from hand-built graph docs."""
import subprocess
import xml.etree.ElementTree as ET

import pytest

from benchmarks.bench_layout import fan_in_doc, skip_chain_doc
from webapp.render import drawing as render
from webapp.render import dot as render_dot
from webapp.render.dot import format_value

SVG = "{http://www.w3.org/2000/svg}"


def scalar(index, kind, label, value, grad, name=None, output=False):
    return {"id": f"n{index}", "kind": kind, "label": label, "name": name, "shape": [],
            "dtype": "float32", "value": value, "grad": grad, "is_output": output,
            "op": {"add": "AddBackward0", "mul": "MulBackward0",
                   "pow": "PowBackward0"}.get(label) if kind == "op" else None}


def link(index, source, target, local, grad, constant=False):
    return {"id": f"e{index}", "source": f"n{source}", "target": f"n{target}",
            "local": local, "grad": grad, "constant": constant}


def document(nodes, edges, output, timeline):
    return {"version": 1, "output": output, "paths": {}, "timeline": timeline, "stdout": "",
            "warnings": [], "graph": {"directed": True, "multigraph": False, "graph": {},
                                      "nodes": nodes, "edges": edges}}


def forward(count):
    return [{"phase": "forward", "node": f"n{index}"} for index in range(count)]


@pytest.fixture
def lecture_doc():
    """t = x + y; z = x * t with x = 2, y = 3: x feeds two ops, so its grad accumulates."""
    nodes = [scalar(0, "input", "x", 2.0, 7.0, name="x"),
             scalar(1, "input", "y", 3.0, 2.0, name="y"),
             scalar(2, "op", "add", 5.0, 2.0, name="t"),
             scalar(3, "op", "mul", 10.0, 1.0, name="z", output=True)]
    edges = [link(0, 0, 2, 1.0, 2.0), link(1, 1, 2, 1.0, 2.0),
             link(2, 0, 3, 5.0, 5.0), link(3, 2, 3, 2.0, 2.0)]
    timeline = forward(4) + [
        {"phase": "seed", "node": "n3"},                          # 4
        {"phase": "backward", "edge": "e2", "node": "n0"},        # 5
        {"phase": "backward", "edge": "e3", "node": "n2"},        # 6
        {"phase": "backward", "edge": "e0", "node": "n0"},        # 7
        {"phase": "accumulate", "node": "n0", "edges": ["e0", "e2"]},  # 8
        {"phase": "backward", "edge": "e1", "node": "n1"},        # 9
    ]
    return document(nodes, edges, "n3", timeline)


# Where each labelled text of the lecture graph must appear (docs/svg.md).
LECTURE_STEPS = {
    ("n0", "value"): 0, ("n1", "value"): 1, ("n2", "value"): 2, ("n3", "value"): 3,
    ("n3", "grad"): 4, ("n2", "grad"): 6, ("n0", "grad"): 8, ("n1", "grad"): 9,
    ("e2", "local"): 5, ("e2", "flow"): 5, ("e3", "local"): 6, ("e3", "flow"): 6,
    ("e0", "local"): 7, ("e0", "flow"): 7, ("e1", "local"): 9, ("e1", "flow"): 9,
}


@pytest.fixture
def chain_doc():
    """y = x ** 2; z = 2 * y + 3 at x = 2 (the lecture's chain rule example), with constants."""
    nodes = [scalar(0, "input", "x", 2.0, 8.0, name="x"), scalar(1, "constant", "2", 2.0, None),
             scalar(2, "op", "pow", 4.0, 2.0, name="y"), scalar(3, "constant", "2", 2.0, None),
             scalar(4, "op", "mul", 8.0, 1.0), scalar(5, "constant", "3", 3.0, None),
             scalar(6, "op", "add", 11.0, 1.0, name="z", output=True)]
    edges = [link(0, 0, 2, 4.0, 8.0), link(1, 1, 2, None, None, constant=True),
             link(2, 2, 4, 2.0, 2.0), link(3, 3, 4, None, None, constant=True),
             link(4, 4, 6, 1.0, 1.0), link(5, 5, 6, None, None, constant=True)]
    timeline = forward(7) + [{"phase": "seed", "node": "n6"},
                             {"phase": "backward", "edge": "e4", "node": "n4"},
                             {"phase": "backward", "edge": "e2", "node": "n2"},
                             {"phase": "backward", "edge": "e0", "node": "n0"}]
    return document(nodes, edges, "n6", timeline)


@pytest.fixture
def vector_doc():
    """x = [1, 2, 3]; z = (x * x).sum(): tensor values, a Jacobian, flows without `×`."""
    nodes = [{**scalar(0, "input", "x", [1.0, 2.0, 3.0], [2.0, 4.0, 6.0], name="x"), "shape": [3]},
             {**scalar(1, "op", "mul", [1.0, 4.0, 9.0], [1.0, 1.0, 1.0]), "shape": [3]},
             scalar(2, "op", "sum", 14.0, 1.0, name="z", output=True)]
    jacobian = [[2.0, 0.0, 0.0], [0.0, 4.0, 0.0], [0.0, 0.0, 6.0]]
    edges = [link(0, 0, 1, jacobian, [2.0, 4.0, 6.0]), link(1, 1, 2, [1.0, 1.0, 1.0], [1.0, 1.0, 1.0])]
    timeline = forward(3) + [{"phase": "seed", "node": "n2"},
                             {"phase": "backward", "edge": "e1", "node": "n1"},
                             {"phase": "backward", "edge": "e0", "node": "n0"}]
    return document(nodes, edges, "n2", timeline)


def parse(svg_text):
    return ET.fromstring(svg_text)


def groups(root):
    return {group.get("id"): group for group in root.iter(f"{SVG}g") if group.get("id")}


def texts_by_role(root):
    """{(element id, role): text element} for every classed <text> in a node/edge group."""
    found = {}
    for identifier, group in groups(root).items():
        for text in group.findall(f"{SVG}text"):
            role = text.get("class").split()[0]
            assert (identifier, role) not in found, f"two {role} texts in {identifier}"
            found[identifier, role] = text
    return found


def test_svg_is_inline_ready_xml(lecture_doc):
    svg_text = render.to_svg(lecture_doc)
    assert svg_text.startswith("<svg")
    assert "<?xml" not in svg_text and "<!DOCTYPE" not in svg_text and "<!--" not in svg_text
    root = parse(svg_text)
    assert root.get("class") == "autograd-graph theme-light"
    assert root.get("data-steps") == "10" and root.get("data-output") == "n3"
    tags = {element.tag.removeprefix(SVG) for element in root.iter()}
    assert "script" not in tags and "a" not in tags and "image" not in tags
    assert "href" not in svg_text
    style = root.find(f"{SVG}style").text
    for selector in (".value", ".grad", ".local", ".flow", ".active", ".theme-dark",
                     '"Noto Sans CJK JP", "Noto Sans JP", sans-serif'):
        assert selector in style


def test_every_node_and_edge_is_a_group_with_its_classes(chain_doc):
    found = groups(parse(render.to_svg(chain_doc)))
    expected = {"n0": "node input", "n1": "node constant", "n2": "node op",
                "n3": "node constant", "n4": "node op", "n5": "node constant",
                "n6": "node op output", "e0": "edge", "e1": "edge constant", "e2": "edge",
                "e3": "edge constant", "e4": "edge", "e5": "edge constant"}
    assert {identifier: found[identifier].get("class") for identifier in expected} == expected


def test_texts_carry_roles_and_timeline_steps(lecture_doc):
    texts = texts_by_role(parse(render.to_svg(lecture_doc)))
    steps = {key: int(text.get("data-step")) for key, text in texts.items()
             if text.get("data-step") is not None}
    assert steps == LECTURE_STEPS
    always_visible = {key for key in texts if key not in LECTURE_STEPS}
    assert always_visible == {("n0", "label"), ("n1", "label"), ("n2", "label"),
                              ("n3", "label"), ("n2", "name"), ("n3", "name")}
    assert all(text.get("visibility") is None for text in texts.values())


def test_label_texts(lecture_doc):
    texts = {key: text.text for key, text in texts_by_role(parse(render.to_svg(lecture_doc))).items()}
    assert texts["n2", "label"] == "add" and texts["n2", "name"] == "t"
    assert texts["n3", "value"] == "10" and texts["n0", "grad"] == "grad 7"
    assert texts["e2", "local"] == "local 5" and texts["e2", "flow"] == "1 × 5 = 5"
    assert texts["e3", "flow"] == "1 × 2 = 2"


@pytest.mark.parametrize("step", range(-1, 10))
def test_step_hides_exactly_the_later_texts(lecture_doc, step):
    texts = texts_by_role(parse(render.to_svg(lecture_doc, step=step)))
    hidden = {key for key, text in texts.items() if text.get("visibility") == "hidden"}
    active = {key for key, text in texts.items() if "active" in text.get("class").split()}
    assert hidden == {key for key, at in LECTURE_STEPS.items() if at > step}
    assert active == {key for key, at in LECTURE_STEPS.items() if at == step}


@pytest.mark.parametrize("step, active", [
    (None, set()), (-1, set()), (2, {"n2"}), (4, {"n3"}), (5, {"e2", "n0"}),
    (8, {"n0", "e0", "e2"})])
def test_step_marks_the_groups_of_its_timeline_entry(lecture_doc, step, active):
    found = groups(parse(render.to_svg(lecture_doc, step=step)))
    assert {i for i, g in found.items() if "active" in g.get("class", "").split()} == active


@pytest.mark.parametrize("step", [-2, 10, 1.5, True, "3"])
def test_step_outside_the_timeline_is_refused(lecture_doc, step):
    with pytest.raises(ValueError, match="step"):
        render.to_svg(lecture_doc, step=step)


def test_dot_source_has_ids_and_classes(chain_doc):
    source = render.to_dot(chain_doc, direction="TB")
    for identifier in [f"n{i}" for i in range(7)] + [f"e{i}" for i in range(6)]:
        assert f'id="{identifier}"' in source
    assert 'class="op output"' in source and 'class="constant"' in source
    assert 'rankdir="TB"' in source and 'fontname="Noto Sans CJK JP"' in source
    canon = subprocess.run(["dot", "-Tcanon"], input=source, capture_output=True, text=True,
                           check=True)
    assert canon.returncode == 0


def test_dark_theme(lecture_doc):
    root = parse(render.to_svg(lecture_doc, theme="dark"))
    assert root.get("class") == "autograd-graph theme-dark"
    assert 'bgcolor="#121212"' in render.to_dot(lecture_doc, theme="dark")


def test_japanese_labels(chain_doc):
    texts = texts_by_role(parse(render.to_svg(chain_doc, lang="ja")))
    assert texts["n0", "grad"].text == "勾配 8"
    assert texts["e0", "local"].text == "局所微分 4"
    assert texts["e0", "flow"].text == "2 × 4 = 8"
    assert "勾配" in render.to_dot(chain_doc, lang="ja")


def test_constants_show_once_and_have_no_grad(chain_doc):
    texts = texts_by_role(parse(render.to_svg(chain_doc)))
    assert [role for (identifier, role) in texts if identifier == "n5"] == ["label"]
    assert not [role for (identifier, role) in texts if identifier == "e5"]


def test_tensors_are_abbreviated(vector_doc):
    texts = {key: text.text for key, text in texts_by_role(parse(render.to_svg(vector_doc))).items()}
    assert texts["n0", "value"] == "[1, 2, 3]" and texts["n0", "grad"] == "grad [2, 4, 6]"
    assert texts["e0", "local"] == "local 3×3 [2, 0, 0, …]"
    assert texts["e0", "flow"] == "[2, 4, 6]"


@pytest.mark.parametrize("value, shape, shown", [
    (3.14159265, [], "3.142"), (10.0, [], "10"), (-0.0, [], "0"), (123456.0, [], "1.235e5"),
    (1e-7, [], "1e-7"), ("NaN", [], "NaN"), ("Infinity", [], "∞"), ("-Infinity", [], "−∞"),
    (None, [], "—"), (None, [2, 3], "2×3 tensor"), ([1, 2, 3, 4], [4], "[1, 2, 3, 4]"),
    ([1, 2, 3, 4, 5], [5], "5 [1, 2, 3, …]"), ([[1, 2], [3, 4]], [2, 2], "2×2 [1, 2, 3, …]"),
    ([[1.5, "NaN"]], None, "1×2 [1.5, NaN]"), ([], [0], "[]"),
])
def test_format_value(value, shape, shown):
    assert format_value(value, shape) == shown


HOSTILE_NAMES = ['<script>alert(1)</script>', '"]; x [label="', "a\\Nb\\G\\", "&amp; &lt;",
                 "<b>bold</b>", "]]>", "名前"]


@pytest.mark.parametrize("hostile", HOSTILE_NAMES)
def test_hostile_names_are_escaped(lecture_doc, hostile):
    lecture_doc["graph"]["nodes"][2]["name"] = hostile
    lecture_doc["graph"]["nodes"][0]["label"] = hostile
    svg_text = render.to_svg(lecture_doc)
    root = parse(svg_text)
    assert not [element for element in root.iter() if element.tag == f"{SVG}script"]
    texts = texts_by_role(root)
    assert texts["n2", "name"].text == hostile and texts["n0", "label"].text == hostile
    assert len([g for g in groups(root).values() if "node" in g.get("class", "")]) == 4
    canon = subprocess.run(["dot", "-Tcanon"], input=render.to_dot(lecture_doc),
                           capture_output=True, text=True)
    assert canon.returncode == 0 and canon.stdout.count("class=") == 4


def test_unexpected_graphviz_output_is_a_layout_failure(lecture_doc, monkeypatch):
    monkeypatch.setattr(render, "run_dot", lambda source, *, timeout: subprocess.run(
        ["dot", "-Tsvg"], input=source.replace("\\ngrad", " grad"), capture_output=True,
        text=True, check=True).stdout)
    with pytest.raises(render.LayoutFailed, match="unexpected"):
        render.to_svg(lecture_doc)


def test_malformed_ids_are_refused(lecture_doc):
    lecture_doc["graph"]["nodes"][0]["id"] = 'n0" onload="x'
    with pytest.raises(ValueError, match="id"):
        render.to_dot(lecture_doc)


def test_hundred_way_fan_in_is_drawn():
    doc = fan_in_doc(100)
    root = parse(render.to_svg(doc, step=len(doc["timeline"]) - 1))
    assert len(groups(root)) >= len(doc["graph"]["nodes"]) + len(doc["graph"]["edges"])


@pytest.mark.parametrize("doc, effort", [
    (fan_in_doc(10), render_dot.BOUNDED_EFFORT), (fan_in_doc(100), render_dot.LARGE_EFFORT),
    (skip_chain_doc(600), render_dot.CHEAP_EFFORT)])
def test_effort_follows_the_long_edges(doc, effort):
    assert render_dot.automatic_effort(doc["graph"]["nodes"], doc["graph"]["edges"]) == effort


def test_only_the_graph_limit_refuses_a_drawing(monkeypatch):
    monkeypatch.setattr(render.limits, "MAX_GRAPH_NODES", 30)
    with pytest.raises(render.GraphTooLargeToDraw, match="32 nodes.*stop at 30"):
        render.to_svg(fan_in_doc(10))  # 32 nodes
    assert render.to_dot(fan_in_doc(10))  # the DOT source is only text: still given


def test_graphs_past_dot_are_drawn_by_the_layered_layout(monkeypatch):
    doc = fan_in_doc(200)  # 602 nodes: refused before ("drawings stop at 600")
    monkeypatch.setattr(render, "run_dot", lambda *a, **k: pytest.fail("dot was asked"))
    root = parse(render.to_svg(doc, step=len(doc["timeline"]) - 1))
    drawn = set(groups(root)) - {"graph0"}
    assert drawn == {element["id"] for element in doc["graph"]["nodes"] + doc["graph"]["edges"]}
    texts = texts_by_role(root)
    last = doc["graph"]["nodes"][-1]["id"]
    assert texts[last, "value"].text == render_dot.format_number(doc["graph"]["nodes"][-1]["value"])


@pytest.mark.parametrize("failure", [
    subprocess.TimeoutExpired(["dot"], 5), subprocess.CalledProcessError(1, ["dot"])])
def test_a_failed_layout_falls_back_to_the_cheap_one(lecture_doc, monkeypatch, failure):
    attempts = []
    real_run_dot = render.run_dot

    def first_attempt_fails(source, *, timeout):
        attempts.append(source)
        if len(attempts) == 1:
            raise failure
        return real_run_dot(source, timeout=timeout)

    monkeypatch.setattr(render, "run_dot", first_attempt_fails)
    texts = texts_by_role(parse(render.to_svg(lecture_doc, step=5)))
    assert len(attempts) == 2 and 'nslimit1="0"' in attempts[1] and "xlabel=" in attempts[1]
    assert texts["e2", "flow"].get("data-step") == "5" and "active" in texts["e2", "flow"].get("class")
    assert texts["e1", "flow"].get("visibility") == "hidden"


def test_a_real_dot_timeout_ends_in_the_layered_layout(lecture_doc, monkeypatch):
    monkeypatch.setattr(render, "LAYOUT_TIMEOUT_S", 1e-6)
    texts = texts_by_role(parse(render.to_svg(lecture_doc, step=5)))
    assert texts["e2", "flow"].get("data-step") == "5" and "active" in texts["e2", "flow"].get("class")
    assert texts["e1", "flow"].get("visibility") == "hidden"


@pytest.mark.parametrize("option", [{"direction": "RL"}, {"theme": "blue"}, {"lang": "fr"}])
def test_unknown_options_are_refused(lecture_doc, option):
    with pytest.raises(ValueError):
        render.to_svg(lecture_doc, **option)
