"""f-strings and `str.format`, with Python's own formatting and bounded specs.

Each replacement field is formatted by Python's `format(value, spec)` (a 0-d tensor as its
number, as PyTorch's `Tensor.__format__` does; any other tensor as `str(x)`), after its spec is
read with Python's format-spec grammar and its width and precision checked against
MAX_FORMAT_WIDTH and MAX_FORMAT_PRECISION, so that `f"{x:>999999999}"` is refused before
anything is made. `str.format` reads its template with `string.Formatter.parse` (the parser
only; nothing of `Formatter.get_field`): a field names an argument by position or keyword,
never an attribute or an item of one (`{0.__class__}`, `{0[0]}` are refused).
Runs inside the sandbox child.
"""
import ast
import re
import string

from webapp.core import limits
from webapp.core.errors import LimitExceeded, NotAllowed
from webapp.execution.interpreter.flow import position, run_failed
from webapp.execution.interpreter.printing import without_addresses

# [[fill]align][sign][z][#][0][width][grouping][.precision][type], Python 3.11's grammar.
SPEC = re.compile(r"(?:.?[<>=^])?[-+ ]?z?#?0?(?P<width>\d*)[,_]?(?:\.(?P<precision>\d*))?"
                  r"[bcdeEfFgGnosxX%]?", re.DOTALL)
CONVERSIONS = {"s": str, "r": repr, "a": ascii}
PARSER = string.Formatter()


def check_spec(spec, node):
    """Refuse a spec whose width or precision passes its limit (every run of digits in a spec
    that is not Python's grammar, which Python would refuse anyway)."""
    match = SPEC.fullmatch(spec)
    if match is not None:
        numbers = [(match["width"], limits.MAX_FORMAT_WIDTH, "widths"),
                   (match["precision"], limits.MAX_FORMAT_PRECISION, "precisions")]
    else:
        numbers = [(digits, limits.MAX_FORMAT_WIDTH, "widths")
                   for digits in re.findall(r"\d+", spec)]
    for digits, most, what in numbers:
        if digits and (len(digits) > 6 or int(digits) > most):
            raise LimitExceeded(f"Format {what} are limited to {most}.", **position(node))


def format_value(value, conversion, spec, node):
    """One replacement field: `value`, converted (`!r`, `!s`, `!a` or None), then formatted
    with `spec`, as Python does it."""
    check_spec(spec, node)
    try:
        converted = value if conversion is None else CONVERSIONS[conversion](value)
        text = format(converted, spec)
    except (TypeError, ValueError, OverflowError, RuntimeError) as error:
        raise run_failed(error, node) from None
    # An object's text without its address, as print shows it (printing.py).
    return bounded(text if type(value) is str else without_addresses(text), node)


def bounded(text, node):
    if len(text) > limits.MAX_BUILT_STRING_CHARS:
        raise LimitExceeded(f"Strings the program builds are limited to "
                            f"{limits.MAX_BUILT_STRING_CHARS:,} characters.", **position(node))
    return text


def joined(parts, node):
    """An f-string's text from its parts, each already a string; bounded."""
    return bounded("".join(parts), node)


class Arguments:
    """The arguments of one `str.format` call and its field numbering (automatic or manual,
    never both, as in Python)."""

    def __init__(self, args, kwargs, node):
        self.args, self.kwargs, self.node = args, kwargs, node
        self.next_index, self.numbering = 0, None

    def lookup(self, field):
        if field == "":
            self.switch("automatic")
            field = str(self.next_index)
            self.next_index += 1
        elif field.isdigit():
            self.switch("manual")
        if not (field.isdigit() or field.isidentifier()):
            raise NotAllowed("Inside the braces of '.format', name an argument by position or "
                             "keyword only: no attribute or index access.",
                             **position(self.node))
        if field.isdigit():
            index = int(field)
            if index >= len(self.args):
                raise run_failed(IndexError(f"Replacement index {index} out of range for "
                                            f"positional args tuple"), self.node)
            return self.args[index]
        if field not in self.kwargs:
            raise run_failed(KeyError(field), self.node)
        return self.kwargs[field]

    def switch(self, numbering):
        if self.numbering not in (None, numbering):
            words = {"automatic": "automatic field numbering",
                     "manual": "manual field specification"}
            raise run_failed(ValueError(f"cannot switch from {words[self.numbering]} to "
                                        f"{words[numbering]}"), self.node)
        self.numbering = numbering


def format_method(interpreter, template, args, kwargs, node):
    """`template.format(*args, **kwargs)` with Python's results and errors."""
    return bounded(render(template, Arguments(args, kwargs, node), node, depth=2), node)


def render(template, arguments, node, depth):
    """The template with its fields replaced; a spec may hold fields itself, one level deep
    (Python allows as much)."""
    if depth == 0:
        raise run_failed(ValueError("Max string recursion exceeded"), node)
    try:
        pieces = list(PARSER.parse(template))
    except ValueError as error:
        raise run_failed(error, node) from None
    parts, size = [], 0
    for literal, field, spec, conversion in pieces:
        parts.append(literal)
        if field is not None:
            if conversion is not None and conversion not in CONVERSIONS:
                raise run_failed(ValueError(f"Unknown conversion specifier {conversion}"), node)
            value = arguments.lookup(field)
            spec = render(spec, arguments, node, depth - 1) if "{" in spec else spec
            parts.append(format_value(value, conversion, spec, node))
        size += len(literal) + (len(parts[-1]) if field is not None else 0)
        if size > limits.MAX_BUILT_STRING_CHARS:      # stop before joining a huge text
            raise LimitExceeded(f"Strings the program builds are limited to "
                                f"{limits.MAX_BUILT_STRING_CHARS:,} characters.",
                                **position(node))
    return "".join(parts)


class FormatCompiler:
    """The compiler's handlers for f-strings (`ExpressionCompiler` inherits them)."""

    def joined_string(self, node):
        parts = [self.string_part(value) for value in node.values]
        return lambda: joined([part() for part in parts], node)

    def string_part(self, node):
        if type(node) is not ast.FormattedValue:
            return self.expression(node)                # a literal piece of text
        return self.formatted_value(node)

    def formatted_value(self, node):
        value = self.expression(node.value)
        conversion = None if node.conversion == -1 else chr(node.conversion)
        spec = self.joined_string(node.format_spec) if node.format_spec is not None \
            else (lambda: "")
        return lambda: format_value(value(), conversion, spec(), node)
