"""Numbers as JSON can carry them: NaN and infinities become "NaN", "Infinity", "-Infinity"."""
import math

NON_FINITE = {"nan": "NaN", "inf": "Infinity", "-inf": "-Infinity"}


def json_safe(value):
    """A copy of `value` (dicts, lists, numbers, strings) without bare NaN or infinities."""
    if isinstance(value, float):
        return value if math.isfinite(value) else NON_FINITE[repr(value)]
    if isinstance(value, dict):
        return {key: json_safe(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(item) for item in value]
    return value
