"""render.saved_view: the lines a `saved=1` drawing writes into each op node, from the node's
`saved` list (what PyTorch saved is checked against `_saved_*` in tests/unit/test_saved.py and,
as drawn, in tests/http/test_view_drawings.py)."""
import pytest

from tests.support.documents import document_of
from webapp.render.saved_view import size_text, with_saved
from webapp.render.steps import text_steps

SIN_TIMES_EXP = ("x = torch.tensor(0.7, requires_grad=True)\n"
                 "y = torch.sin(x) * torch.exp(x)\ny.backward()\n")


def lines_of(doc, name_or_label):
    node = next(n for n in doc["graph"]["nodes"] if name_or_label in (n.get("name"), n.get("label")))
    return [text for role, text in node["lines"] if role.startswith("saved")], node


@pytest.mark.parametrize("lang, words", [
    ("en", ["saved 8 B", "other = exp · 4 B", "self = sin · 4 B"]),
    ("ja", ["保存 8 B", "other = exp · 4 B", "self = sin · 4 B"])])
def test_a_product_lists_its_two_operands_and_their_bytes(lang, words):
    doc = with_saved(document_of(SIN_TIMES_EXP), lang)
    assert lines_of(doc, "y")[0] == words


def test_exp_saves_its_own_result_and_the_lines_appear_with_its_value():
    source_doc = document_of(SIN_TIMES_EXP)
    doc = with_saved(source_doc, "en")
    lines, node = lines_of(doc, "exp")
    assert lines == ["saved 4 B", "result = its own output · 4 B"]
    forward = text_steps(source_doc)[node["id"]]["value"]
    assert doc["view_steps"][node["id"]]["saved"] == forward
    assert doc["view_steps"][node["id"]]["grad"] == text_steps(source_doc)[node["id"]]["grad"]


def test_one_storage_saved_twice_is_counted_once_and_said_so():
    doc = with_saved(document_of("a = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)\n"
                                 "b = a[0] * a\nb.sum().backward()\n"), "en")
    lines, _ = lines_of(doc, "b")
    assert lines[0] == "saved 12 B"
    assert sorted(lines[1:]) == ["other = a · 12 B", "self = [0] · 4 B · same memory as other"]


def test_inputs_and_constants_are_drawn_as_before_and_the_document_is_not_changed():
    source_doc = document_of(SIN_TIMES_EXP)
    before = repr(source_doc)
    doc = with_saved(source_doc, "en")
    assert repr(source_doc) == before
    x = next(n for n in doc["graph"]["nodes"] if n["kind"] == "input")
    assert "lines" not in x


def test_scalars_sizes_and_nothing():
    doc = with_saved(document_of("x = torch.tensor([1.0, 2.0], requires_grad=True)\n"
                                 "y = (-(x ** 3)).sum()\ny.backward()\n"), "en")
    assert lines_of(doc, "neg")[0] == ["saves nothing"]
    assert lines_of(doc, "pow")[0] == ["saved 8 B", "exponent = 3", "self = x · 8 B"]
    assert lines_of(doc, "y")[0] == ["saved 0 B", "self_sym_sizes = (2)"]


@pytest.mark.parametrize("count, text", [(0, "0 B"), (1023, "1023 B"), (1024, "1.0 KiB"),
                                         (4000, "3.9 KiB"), (3 << 20, "3.0 MiB")])
def test_sizes_are_written_in_bytes_kib_and_mib(count, text):
    assert size_text(count) == text
