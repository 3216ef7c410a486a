"""What autograd saves, on the page (static/js/views/saved-view.js; the lines drawn by
webapp/render/saved_view.py): "Saved tensors too" in the drawing's select lists on every op
node what its grad_fn saved, the panel gives the memory with each storage once, and at a
backward step the saved values that edge's local derivative uses are marked and named.

What PyTorch saved is read here from `grad_fn._saved_*` of the same program run directly."""
import json

import pytest
import torch

from tests.browser.test_legibility import LAPTOP, MIN_LABEL_PX, programs
from tests.browser.test_page import open_graph, share_link
from tests.browser.test_teaching_page import api_graph, open_page
from tests.support.browser import wait_until

pytestmark = pytest.mark.filterwarnings("ignore:`torch.jit.script` is deprecated")


def square(a):
    return a * a


def sin_times(x, y):
    return torch.sin(x) * y


def first_times(a):
    return a[0] * a


# name: (program for the page, the node's variable, the function and its inputs for PyTorch)
PROGRAMS = {
    "a*a": ("a = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)\nb = a * a\n"
            "b.sum().backward()\n", "b", square, ([1.0, 2.0, 3.0],)),
    "sin(x)*y": ("x = torch.tensor(0.5, requires_grad=True)\n"
                 "y = torch.tensor(2.0, requires_grad=True)\nz = torch.sin(x) * y\n"
                 "z.backward()\n", "z", sin_times, (0.5, 2.0)),
    "a[0]*a": ("a = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)\nb = a[0] * a\n"
               "b.sum().backward()\n", "b", first_times, ([1.0, 2.0, 3.0],)),
}


def pytorch_run(function, values):
    """The result of `function` on leaves made of `values`, its graph kept (no backward)."""
    leaves = [torch.tensor(v, requires_grad=True) for v in values]
    return function(*leaves), leaves


def saved_by_pytorch(grad_fn):
    """{name without _saved_: the saved tensor} of one autograd node."""
    return {name.removeprefix("_saved_"): getattr(grad_fn, name)
            for name in dir(grad_fn) if name.startswith("_saved_")}


def distinct_storage_bytes(result):
    """Bytes of every storage the graph's nodes saved tensors in, each storage once."""
    storages, stack, seen = {}, [result.grad_fn], set()
    while stack:
        node = stack.pop()
        if node is None or node in seen:
            continue
        seen.add(node)
        for value in saved_by_pytorch(node).values():
            if isinstance(value, torch.Tensor):
                storages[value.untyped_storage().data_ptr()] = value.untyped_storage().nbytes()
        stack.extend(next_node for next_node, _ in node.next_functions)
    return sum(storages.values()), len(storages)


def show_saved(page):
    page.select_option("#style-select", "saved")
    page.wait_for_selector("#graph svg text.saved")
    page.wait_for_selector("#saved-panel:not([hidden])")


def node_lines(page, node_id, role="saved"):
    return page.eval_on_selector_all(f"#graph svg g#{node_id} text.{role}",
                                     "els => els.map((e) => e.textContent)")


@pytest.mark.parametrize("case", sorted(PROGRAMS))
def test_the_listed_saved_tensors_are_pytorchs_and_the_memory_counts_storages_once(
        page, live_server, case):
    source, name, function, values = PROGRAMS[case]
    doc = api_graph(live_server, source)
    node = next(n for n in doc["graph"]["nodes"] if n["name"] == name)
    open_page(page, live_server, source, lang="en")
    show_saved(page)
    result, _ = pytorch_run(function, values)
    expected = saved_by_pytorch(result.grad_fn)
    lines = node_lines(page, node["id"])
    assert sorted(line.split(" = ")[0] for line in lines) == sorted(expected)
    for line in lines:
        tensor = expected[line.split(" = ")[0]]
        assert f"{tensor.nbytes} B" in line, line
    storages = {t.untyped_storage().data_ptr(): t.untyped_storage().nbytes()
                for t in expected.values()}
    assert node_lines(page, node["id"], "saved-total") == [f"saved {sum(storages.values())} B"]
    assert sum("same memory as" in line for line in lines) == len(expected) - len(storages)
    total, count = distinct_storage_bytes(result)
    assert page.text_content("#saved-total").startswith(
        f"Saved for backward: {total} B in {count} storages")


def test_a_backward_step_marks_the_saved_value_its_local_derivative_uses(
        page, live_server, screenshots):
    source, name, _, _ = PROGRAMS["sin(x)*y"]
    doc = api_graph(live_server, source)
    nodes = {n["id"]: n for n in doc["graph"]["nodes"]}
    z = next(n for n in nodes.values() if n["name"] == name)
    # PyTorch: z = s * y with s = sin(x); the local derivatives along the two edges into z.
    x, y = torch.tensor(0.5, requires_grad=True), torch.tensor(2.0, requires_grad=True)
    s = torch.sin(x)
    product = s * y
    saved = saved_by_pytorch(product.grad_fn)
    d_s, d_y = torch.autograd.grad(product, (s, y), retain_graph=True)
    open_page(page, live_server, source, lang="en")
    show_saved(page)
    checked = 0
    for k, step in enumerate(doc["timeline"]):
        if step["phase"] != "backward" or doc_edge(doc, step["edge"])["target"] != z["id"]:
            continue
        source_node = nodes[doc_edge(doc, step["edge"])["source"]]
        go_to_step(page, k, len(doc["timeline"]))
        (used,) = node_lines(page, z["id"], "saved-used")
        used_name = used.split(" = ")[0]
        # d(s·y)/ds = y and d(s·y)/dy = s: the saved value marked is this edge's local
        # derivative, as PyTorch computes it.
        local = d_y if source_node["name"] == "y" else d_s
        assert torch.equal(saved[used_name], local), (used, source_node)
        note = page.text_content("#saved-note")
        assert note.startswith(f"The local derivative ∂z/∂{source_node['name'] or 'sin'}")
        assert f"uses the saved {used_name} = " in note
        checked += 1
        if source_node["name"] == "y":
            page.screenshot(path=str(screenshots / "saved-tensors-uses.png"))
    assert checked == 2


def go_to_step(page, k, count):
    page.eval_on_selector("#scrubber", """(e, k) => { e.value = String(k);
        e.dispatchEvent(new Event('input', {bubbles: true})); }""", k)
    wait_until(page, f"document.getElementById('step-counter').textContent === '{k + 1} / {count}'")


def doc_edge(doc, edge_id):
    return next(e for e in doc["graph"]["edges"] if e["id"] == edge_id)


def test_the_saved_view_speaks_japanese_and_follows_the_forward_steps(page, live_server):
    source = PROGRAMS["a[0]*a"][0]
    doc = api_graph(live_server, source)
    b = next(n for n in doc["graph"]["nodes"] if n["name"] == "b")
    forward = next(k for k, s in enumerate(doc["timeline"])
                   if s["phase"] == "forward" and s["node"] == b["id"])
    open_page(page, live_server, source, lang="ja", step=forward)
    show_saved(page)
    assert node_lines(page, b["id"], "saved-total") == ["保存 12 B"]
    assert any("とメモリ共有" in line for line in node_lines(page, b["id"]))
    assert page.text_content("#saved-note").startswith("MulBackward0 は ")
    assert page.text_content("#saved-total").startswith("逆伝播用の保存: 12 B")
    go_to_step(page, forward - 1, len(doc["timeline"]))  # before b: its lines are not shown yet
    wait_until(page, f"getComputedStyle(document.querySelector('#graph svg g#{b['id']} "
                     "text.saved')).visibility === 'hidden'")


# The smallest on-screen size of the saved lines and of the values and grads beside them.
SAVED_LABEL_PX = """() => {
  const svg = document.querySelector('#graph svg');
  const scale = svg.getScreenCTM().a;
  const texts = [...svg.querySelectorAll('g.node text.saved, g.node text.saved-total, ' +
                                         'g.node text.value, g.node text.grad')];
  return Math.min(...texts.map((t) => parseFloat(getComputedStyle(t).fontSize) * scale));
}"""


def test_the_saved_lines_are_legible_on_a_laptop_for_every_lecture_program(
        page, live_server, lecture_examples, screenshots):
    page.set_viewport_size(LAPTOP)
    found = {}
    for example in programs(lecture_examples):
        open_graph(page, share_link(live_server, example["source"], lang="en"))
        show_saved(page)
        found[example["id"]] = round(page.evaluate(SAVED_LABEL_PX), 1)
    (screenshots / "legibility-saved-laptop.json").write_text(json.dumps(found, indent=1))
    assert {k: v for k, v in found.items() if v < MIN_LABEL_PX["laptop"]} == {}
