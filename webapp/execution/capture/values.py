"""The tensors of a trace as numbers, within a budget proportional to the graph.

The trace's nodes keep their `value` and `grad`, its edges their `grad`, as tensors until the
whole graph is known; `settle(nodes, edges)` then lists each one as numbers (nested lists) when
it has at most K elements and summarises the others (`summary`). K is MAX_VALUE_ELEMENTS,
lowered for a graph whose listed numbers would otherwise pass
VALUE_NUMBERS_PER_ITEM × (nodes + edges) + MIN_VALUE_NUMBERS: the tensors with the most
elements are summarised first, tensors of one size alike, never one that its summary would
not make smaller. So 300 nodes of
1,023-element values answer in kilobytes instead of 18 MB, and the lecture's small vectors are
listed as always. Runs inside the sandbox child (torch).
"""
import torch

from webapp.core import limits
from webapp.execution.capture.nodes import plain

FIELDS = (("value", "grad"), ("grad",))          # of a node, of an edge
SUMMARY_NUMBERS = limits.SUMMARY_FIRST_ELEMENTS + 2   # what a summary lists: first, min, max


def settle(nodes, edges):
    """Replace every tensor in the fields of `nodes` and `edges` by its numbers or summary."""
    held = [(record, field) for records, fields in zip((nodes, edges), FIELDS)
            for record in records for field in fields
            if isinstance(record[field], torch.Tensor)]
    sizes = [record[field].numel() for record, field in held]
    budget = limits.VALUE_NUMBERS_PER_ITEM * (len(nodes) + len(edges)) + \
        limits.MIN_VALUE_NUMBERS
    most = listed_threshold(sizes, budget)
    for (record, field), size in zip(held, sizes):
        record[field] = plain(record[field]) if size <= most else summary(record[field])


def listed_threshold(sizes, budget):
    """The largest K <= MAX_VALUE_ELEMENTS such that listing the tensors of at most K
    elements and summarising the others takes at most `budget` numbers, or as near as
    summaries get: a tensor no larger than its summary is always listed."""
    most = limits.MAX_VALUE_ELEMENTS
    count = {}
    for size in sizes:
        count[size] = count.get(size, 0) + 1
    total = sum(size * n if size <= most else SUMMARY_NUMBERS * n for size, n in count.items())
    for size in sorted((s for s in count if SUMMARY_NUMBERS < s <= most), reverse=True):
        if total <= budget:
            break
        total -= (size - SUMMARY_NUMBERS) * count[size]
        most = size - 1
    return most


def summary(tensor):
    """What the JSON says of a tensor too large to list: its shape, element count, first
    elements (row-major) and, for real numbers, the smallest and largest."""
    flat = tensor.detach().reshape(-1)
    real = not (tensor.is_complex() or tensor.dtype == torch.bool)
    first = flat[:limits.SUMMARY_FIRST_ELEMENTS]
    return {"summary": True, "shape": list(tensor.shape), "elements": flat.numel(),
            "first": str(first.tolist()) if tensor.is_complex() else first.tolist(),
            "min": flat.min().item() if real and flat.numel() else None,
            "max": flat.max().item() if real and flat.numel() else None}
