"""The bounds on what the document lists of the saved tensors (webapp/core/limits.py):
a saved tensor's values up to MAX_SAVED_VALUE_ELEMENTS (larger: min, max and mean, as PyTorch
computes them), and all listed saved values of one answer together up to
MAX_SAVED_LISTED_ELEMENTS (then shapes and bytes only). Both tested at the limit."""
import torch

from tests.support.documents import document_of
from tests.support.numbers import close
from webapp.core import limits


def saved_entries(doc):
    return [item for node in doc["graph"]["nodes"] for item in node["saved"] or ()
            if item["kind"] == "tensor"]


def program_of_size(n):
    return (f"x = torch.linspace(-1.0, 2.0, {n}).requires_grad_()\n"
            "y = torch.sin(x).sum()\ny.backward()\n")


def test_a_saved_tensor_at_the_limit_is_listed():
    n = limits.MAX_SAVED_VALUE_ELEMENTS
    (item,) = saved_entries(document_of(program_of_size(n)))
    assert close(item["value"], torch.linspace(-1.0, 2.0, n)) and item["summary"] is None
    assert item["bytes"] == 4 * n


def test_a_saved_tensor_past_the_limit_is_summarised():
    n = limits.MAX_SAVED_VALUE_ELEMENTS + 1
    (item,) = saved_entries(document_of(program_of_size(n)))
    expected = torch.linspace(-1.0, 2.0, n)
    assert item["value"] is None and item["shape"] == [n] and item["bytes"] == 4 * n
    assert close([item["summary"][k] for k in ("min", "max", "mean")],
                 [expected.min(), expected.max(), expected.mean()])


def test_the_answers_listed_saved_values_stop_at_the_total_limit():
    """Each product saves two tensors of MAX_SAVED_VALUE_ELEMENTS: one more product than
    the total holds; exactly the total's worth is listed, the rest by shape and bytes."""
    size = limits.MAX_SAVED_VALUE_ELEMENTS
    fitting = limits.MAX_SAVED_LISTED_ELEMENTS // size
    products = fitting // 2 + 1
    doc = document_of(f"w = torch.ones({size}, requires_grad=True)\ny = w\n"
                      f"for i in range({products}):\n    y = y * w\n"
                      "z = y.sum()\nz.backward()\n")
    entries = saved_entries(doc)
    assert len(entries) == 2 * products > fitting
    listed = [item for item in entries if item["value"] is not None]
    assert len(listed) == fitting
    assert all(item["bytes"] == 4 * size for item in entries)
