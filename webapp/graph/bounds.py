"""The graph JSON's bounds: its size is proportional to the graph, never to what the program
repeated or to how many paths it made (docs/graph-json.md, "Bounds").

- `capped_warnings`: each warning once (a repeated one carries its count in its text, written
  by the sandbox child, execution/entry.py), at most MAX_WARNINGS kinds (then one line saying
  how many more) and MAX_WARNING_CHARS each.
- `bounded`: the document made JSON-safe (NaN and infinities as strings) and checked against
  DOCUMENT_BYTES_PER_ITEM × (nodes + edges) + MIN_DOCUMENT_BYTES, encoded as the app sends
  it; a 422 naming the limit past it. The values (capture/values.py) and the listed paths
  (paths.py) have budgets of their own, so only Jacobians on every edge come near it.
"""
import json

from webapp.core import limits
from webapp.core.errors import LimitExceeded
from webapp.core.jsonsafe import json_safe


def capped_warnings(warnings):
    """`warnings` as the document lists them: each text once (the sandbox child already
    wrote a repeated one's count into it), at most MAX_WARNINGS kinds, each cut short."""
    kinds = list(dict.fromkeys(warnings))
    kept = [cut(text) for text in kinds[:limits.MAX_WARNINGS]]
    if len(kinds) > limits.MAX_WARNINGS:
        kept.append(f"... and {len(kinds) - limits.MAX_WARNINGS:,} other kinds of warning.")
    return kept


def cut(text):
    if len(text) <= limits.MAX_WARNING_CHARS:
        return text
    return text[:limits.MAX_WARNING_CHARS - 1] + "…"


def bounded(document, items):
    """`document`, JSON-safe, or LimitExceeded when its encoding passes the limit for a graph
    of `items` nodes and edges. One encoding in C checks both (non-finite numbers raise)."""
    try:
        size = len(json.dumps(document, allow_nan=False, separators=(",", ":")))
    except ValueError:                          # NaN or an infinity somewhere: rare
        document = json_safe(document)
        size = len(json.dumps(document, separators=(",", ":")))
    most = limits.DOCUMENT_BYTES_PER_ITEM * items + limits.MIN_DOCUMENT_BYTES
    if size > most:
        raise LimitExceeded.message("document-too-large", size=size, most=most, items=items,
                                    per_item=limits.DOCUMENT_BYTES_PER_ITEM,
                                    floor=limits.MIN_DOCUMENT_BYTES)
    return document
