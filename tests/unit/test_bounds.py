"""The bounds of the graph JSON, each at its limit: listed paths (graph/paths.py), warnings
(graph/bounds.py, execution/entry.py), summarised values (execution/capture/values.py) and the
document's size (graph/bounds.py)."""
import json

import pytest
import torch

from tests.support.documents import GRAD_X, document_of, run
from tests.support.numbers import close
from webapp.core import limits
from webapp.core.errors import LimitExceeded
from webapp.execution.capture import values
from webapp.graph import bounds, model

# Two inputs, one path each of 3 nodes (input, mul, add): 6 node ids listed in all.
TWO_PATHS = ("a = torch.tensor(2.0, requires_grad=True)\n"
             "b = torch.tensor(3.0, requires_grad=True)\ny = a * 2 + b * 3\ny.backward()\n")


def listed_ids(doc):
    return sum(len(p["nodes"]) for info in doc["paths"].values() for p in info["paths"])


def with_path_budget(monkeypatch, budget):
    monkeypatch.setattr(limits, "LISTED_PATH_NODES_PER_NODE", 0)
    monkeypatch.setattr(limits, "MIN_LISTED_PATH_NODES", budget)


def test_paths_that_fill_the_budget_exactly_are_all_listed(monkeypatch):
    with_path_budget(monkeypatch, 6)
    doc = document_of(TWO_PATHS)
    assert listed_ids(doc) == 6
    assert all(info["truncated"] is False for info in doc["paths"].values())


def test_one_node_id_less_lists_one_path_less_and_keeps_the_count_and_sum(monkeypatch):
    with_path_budget(monkeypatch, 5)
    doc = document_of(TWO_PATHS)
    first, second = (doc["paths"][k] for k in sorted(doc["paths"], key=lambda n: int(n[1:])))
    assert len(first["paths"]) == 1 and second["paths"] == []
    assert second["count"] == 1 and second["truncated"] is True
    assert close(second["sum"], 3.0) and close(first["sum"], 2.0)


def test_the_budget_is_shared_out_among_the_inputs_in_turn(monkeypatch):
    source = GRAD_X + "w = torch.tensor(1.0, requires_grad=True)\n" \
        "y = x\nfor i in range(6):\n    y = torch.sin(y) + torch.cos(y) + w\ny.backward()\n"
    with_path_budget(monkeypatch, 400)
    doc = document_of(source)
    assert all(info["paths"] for info in doc["paths"].values())
    assert listed_ids(doc) <= 400
    x, w = doc["paths"].values()
    assert x["count"] == 2 ** 6 and w["count"] == sum(2 ** k for k in range(6))


def test_warnings_at_the_limit_of_kinds_are_all_kept(monkeypatch):
    monkeypatch.setattr(limits, "MAX_WARNINGS", 3)
    assert bounds.capped_warnings(["a", "b", "a", "c"]) == ["a", "b", "c"]


def test_one_kind_of_warning_more_is_said_in_one_line(monkeypatch):
    monkeypatch.setattr(limits, "MAX_WARNINGS", 3)
    kept = bounds.capped_warnings(["a", "b", "c", "d", "e"])
    assert kept[:3] == ["a", "b", "c"] and kept[3] == "... and 2 other kinds of warning."


def test_a_long_warning_is_cut_at_its_limit():
    exact = "w" * limits.MAX_WARNING_CHARS
    (kept,) = bounds.capped_warnings([exact])
    assert kept == exact
    (cut,) = bounds.capped_warnings([exact + "w"])
    assert len(cut) == limits.MAX_WARNING_CHARS and cut.endswith("…")


def test_repeated_warnings_are_counted_in_the_sandbox_child():
    source = "import torchviz\n" + GRAD_X + "y = x * 2\nfor i in range(3):\n" \
        "    torchviz.make_dot(y)\ny.backward()\n"
    assert run(source)["warnings"] == ["make_dot: the graph is drawn by this page. (3 times)"]


def test_a_pytorch_warning_given_again_and_again_is_counted():
    source = GRAD_X + "y = x * 2\nfor i in range(4):\n    g = y.grad\ny.backward()\n"
    (warning,) = run(source)["warnings"]
    assert "not a leaf Tensor" in warning and warning.endswith("(4 times)")


@pytest.mark.parametrize("sizes, budget, most", [
    ([1, 5, 5, 9], 20, limits.MAX_VALUE_ELEMENTS),     # 20 numbers: all fit exactly
    ([1, 5, 5, 9], 19, 8),                             # the 9 summarised: 13 numbers
    ([1, 5, 5, 9], 13, 8),
    ([1, 5, 5, 9], 12, 4),                             # the 5s too: 7 numbers
    ([1, 2, 2], 0, limits.MAX_VALUE_ELEMENTS),         # none larger than a summary
])
def test_the_listed_threshold_at_its_limit(sizes, budget, most, monkeypatch):
    monkeypatch.setattr(values, "SUMMARY_NUMBERS", 2)
    assert values.listed_threshold(sizes, budget) == most


def test_a_summary_holds_pytorchs_first_elements_min_and_max():
    tensor = torch.linspace(-3, 5, 40).reshape(4, 10)
    summary = values.summary(tensor)
    assert summary["shape"] == [4, 10] and summary["elements"] == 40
    assert close(summary["first"], tensor.reshape(-1)[:limits.SUMMARY_FIRST_ELEMENTS])
    assert close(summary["min"], tensor.min()) and close(summary["max"], tensor.max())


def test_values_past_the_document_budget_are_summarised_largest_first(monkeypatch):
    monkeypatch.setattr(limits, "VALUE_NUMBERS_PER_ITEM", 0)
    monkeypatch.setattr(limits, "MIN_VALUE_NUMBERS", 60)
    doc = document_of("x = torch.ones(30, requires_grad=True)\nc = torch.ones(3)\n"
                      "y = (x.sum() * c).sum()\ny.backward()\n")
    shapes = {n["label"]: n for n in doc["graph"]["nodes"]}
    assert shapes["x"]["value"]["summary"] is True and shapes["x"]["grad"]["summary"] is True
    assert shapes["c"]["value"] == [1.0, 1.0, 1.0]


def test_a_document_at_its_size_limit_passes_and_one_byte_over_is_refused(monkeypatch):
    answer = run(GRAD_X + "y = torch.sin(x) * x\ny.backward()\n")
    size = len(json.dumps(model.build(answer), separators=(",", ":")))
    items = len(answer["trace"]["nodes"]) + len(answer["trace"]["edges"])
    monkeypatch.setattr(limits, "DOCUMENT_BYTES_PER_ITEM", 0)
    monkeypatch.setattr(limits, "MIN_DOCUMENT_BYTES", size)
    assert model.build(answer)["output"] is not None
    monkeypatch.setattr(limits, "MIN_DOCUMENT_BYTES", size - 1)
    with pytest.raises(LimitExceeded) as refused:
        model.build(answer)
    assert "DOCUMENT_BYTES_PER_ITEM" in refused.value.detail and str(items) in \
        refused.value.detail
