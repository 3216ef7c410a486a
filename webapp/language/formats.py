"""Format specs and `str.format` templates a program may write, bounded.

A spec is Python's mini-language (`>10.3f`) with width and precision at most the limits; a
`.format` template's fields name a position or a keyword, never an attribute or an index
(`{0.__class__}` would reach past the allowlist). Each function returns None when the text is
fine, else what is wrong with it, as (message id, fields).
"""
import re
import string

from webapp.core import limits

SPEC = re.compile(r"(?:.?[<>=^])?[-+ ]?z?#?0?(?P<width>\d+)?[_,]?(?:\.(?P<precision>\d+))?"
                  r"[bcdeEfFgGnosxX%]?")
CONVERSIONS = (None, "s", "r")


def spec_problem(spec):
    match = SPEC.fullmatch(spec)
    if match is None:
        return "format-spec", {"spec": spec}
    width, precision = match.group("width"), match.group("precision")
    if width and int(width) > limits.MAX_FORMAT_WIDTH:
        return "format-width", {"limit": limits.MAX_FORMAT_WIDTH}
    if precision and int(precision) > limits.MAX_FORMAT_PRECISION:
        return "format-precision", {"limit": limits.MAX_FORMAT_PRECISION}
    return None


def template_problem(template):
    """What is wrong with a `.format` template, or None; its keyword fields go in `names`."""
    try:
        fields = [f for f in string.Formatter().parse(template) if f[1] is not None]
    except ValueError as error:
        return "format-template", {"error": str(error)}
    for _, name, spec, conversion in fields:
        if name and not (name.isdigit() or name.isidentifier()) or name.startswith("_"):
            return "format-field", {"field": name}
        if conversion not in CONVERSIONS:
            return "format-conversion", {"conversion": conversion}
        if "{" in spec:
            return "format-nested", {}
        problem = spec_problem(spec)
        if problem:
            return problem
    return None


def template_keywords(template):
    """The keyword fields of a template that `template_problem` accepted."""
    return {name for _, name, _, _ in string.Formatter().parse(template)
            if name and not name.isdigit()}
