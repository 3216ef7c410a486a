"""One comparison of numbers for every test: JSON values (nested lists, "NaN" and
"±Infinity" strings) against what PyTorch computed directly (floats, lists or tensors)."""
import math

SPECIAL = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}


def close(actual, expected, rel=1e-6, abs_=1e-9):
    """True when `actual` and `expected` have the same nesting (list lengths at every level)
    and every pair of numbers is within both math.isclose(rel_tol=rel, abs_tol=abs_) and
    torch.allclose's |a - b| <= abs_ + rel * |b|. NaN equals NaN, an infinity only itself.

    Either side may be a number, a nested list, a JSON special string or anything with
    .tolist() (a tensor)."""
    actual, expected = plain(actual), plain(expected)
    if isinstance(actual, list) or isinstance(expected, list):
        return (isinstance(actual, list) and isinstance(expected, list)
                and len(actual) == len(expected)
                and all(close(a, e, rel, abs_) for a, e in zip(actual, expected)))
    if isinstance(actual, str) or isinstance(expected, str) or actual is None \
            or expected is None:
        return actual == expected
    if math.isnan(actual) or math.isnan(expected):
        return math.isnan(actual) and math.isnan(expected)
    if math.isinf(actual) or math.isinf(expected):
        return actual == expected
    return (math.isclose(actual, expected, rel_tol=rel, abs_tol=abs_)
            and abs(actual - expected) <= abs_ + rel * abs(expected))


def plain(value):
    """A tensor as nested lists, a JSON special string as its float, anything else as is."""
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, str) and value in SPECIAL:
        return SPECIAL[value]
    return value
