"""Every request parameter of the API, declared once: its name, kind, bounds or choices,
default and help. `parse(parameters, name)` checks one (from a query string or a JSON body)
and returns its value or raises the 400 that says what it must be; web/openapi.py documents
each from the same entry (`schema`), so what the API accepts is what its description says.
"""
import dataclasses
import math
import re

from webapp.core import limits
from webapp.core.errors import BadRequest, LiveInputRefused
from webapp.render.exports import MAX_SCALE, MIN_SCALE

MAX_SEED = 2**63 - 1
NAME_PATTERN = "^[A-Za-z_][A-Za-z0-9_]*$"
FLAGS = {"0": False, "1": True, "false": False, "true": True}
# Numbers written as text: ASCII digits, a sign, a point and an exponent only. Python's int()
# and float() also read "١" (Arabic-Indic one), " 1", "1_0" and "²" is a digit to isdigit():
# each would be a value, and a cache key, of its own.
INTEGER_TEXT = re.compile(r"-?[0-9]+")
NUMBER_TEXT = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
# Live inputs in a query string: name:number pairs joined by commas (x:1.5,w:-2).
INPUT_TEXT = NAME_PATTERN[1:-1] + ":" + NUMBER_TEXT.pattern
INPUTS_TEXT = f"^(?:{INPUT_TEXT}(?:,{INPUT_TEXT})*)?$"


@dataclasses.dataclass(frozen=True)
class Parameter:
    """One parameter. `kind`: program, name, integer, number, choice or flag. `low`/`high`:
    bounds (a program's length, a number's range); `open_low`: `low` itself is refused.
    `text`: the number may come written as text (a query string). Absent means `default`;
    JSON null too where the default is None."""
    name: str
    kind: str
    help: str
    default: object = None
    low: object = None
    high: object = None
    choices: tuple = ()
    open_low: bool = False
    text: bool = False
    required: bool = False
    message: str = ""          # instead of the kind's own wording
    quantum: float = 0         # a number is rounded to a multiple of this (one cache key each)


EXAMPLE_SOURCE = ("x = torch.tensor(2.0, requires_grad=True)\n"
                  "y = torch.sin((x + 2) + (1 + torch.exp(x ** 2)))\ny.backward()\n")

PARAMETERS = {parameter.name: parameter for parameter in (
    Parameter("source", "program", "The PyTorch program (REPL pastes welcome).", low=1,
              high=limits.MAX_SOURCE_CHARS, required=True),
    Parameter("output", "name", "The variable to differentiate (default: the tensor "
              ".backward() was called on, else the last one with a graph)."),
    Parameter("seed", "integer", "Seed for torch's random functions (default 0).", default=0,
              low=0, high=MAX_SEED, text=True),
    Parameter("step", "integer", "Timeline step to show (-1: before the first step; default: "
              "the final picture). At most the timeline's length - 1.", low=-1, text=True),
    Parameter("theme", "choice", "Colours (default light).", "light",
              choices=("light", "dark")),
    Parameter("lang", "choice", "Language of the drawing's words and of the checker's "
              "messages (those default to Accept-Language's choice).", "en",
              choices=("en", "ja")),
    Parameter("direction", "choice", "Layout: left to right (default), top to bottom, or auto: "
              "whichever shows the whole graph larger in a panel of `aspect`.", "LR",
              choices=("LR", "TB", "auto")),
    Parameter("aspect", "number", "The panel's width / height, for direction=auto (default "
              "16:9, a slide). Rounded to a multiple of 0.05 (one cache key per step).",
              low=0.1, high=10, text=True, quantum=0.05),
    Parameter("scale", "number", "Pixel scale (2 doubles the width). Reduced where the image "
              "would be too large (PNG: 16,384 px a side, 32 megapixels; GIF: 2 megapixels a "
              "frame, 150 in all). Rounded to a multiple of 0.25.", 1, low=MIN_SCALE,
              high=MAX_SCALE, text=True, quantum=0.25),
    Parameter("pages", "choice", "final: one page (the final picture, or `step`); steps: one "
              "page per timeline step, for Beamer overlays (not with `step`).", "final",
              choices=("final", "steps"),
              message="'pages' must be final (one page) or steps (one page per step)."),
    Parameter("animate", "flag", "1: the whole timeline as a looping CSS animation, no script "
              "(plays in <img> and HTML slides); `step` is ignored.", "0"),
    Parameter("framing", "choice", "fit: the picture is the drawing with margins of at least 5% "
              "(default); slide: the same picture widened to 16:9 (with direction=auto the "
              "graph is also laid out for it).", "fit", choices=("fit", "slide")),
    Parameter("style", "choice", "torchviz: the program as torchviz's make_dot draws it (not "
              "with animate=1).", "autograd", choices=("autograd", "torchviz")),
    Parameter("group", "name", "A group of a grouped graph (`g3`, from the JSON's `groups`): "
              "its inside alone, each group within it one box (docs/svg.md, Groups)."),
    Parameter("gradient", "integer", "Draw the graph of a gradient the program made with "
              "create_graph=True instead: the JSON's `higher_order[N].document` (0: the oldest "
              "kept), its inputs' grads the second derivatives.", low=0,
              high=limits.MAX_HIGHER_ORDER_GRAPHS - 1, text=True),
    Parameter("saved", "flag", "1: every op node also lists what autograd saved for its "
              "backward (`grad_fn._saved_*`: name, which node's value, bytes) and how much "
              "memory that is, each storage counted once.", "0"),
    Parameter("input", "name", "The input whose derivative is shown (default: the first)."),
    Parameter("dtype", "choice", "Floating-point type of the numerical differences.",
              "float64", choices=("float64", "float32")),
    Parameter("lr", "number", "Learning rate.", 0.1, low=0, high=100, open_low=True),
    Parameter("steps", "integer", "Number of descent steps.", 50, low=1, high=1_000),
    Parameter("start", "number", "Starting value of the input (default: the program's).",
              low=-1e6, high=1e6),
    Parameter("entry", "integer", "Which entry of the input gets tangent 1 (flat index).", 0,
              low=0, high=10**9),
    Parameter("inputs", "inputs", "Live inputs: a new value for some of the program's scalar "
              "leaves, by name ({\"x\": 1.5}; in a query x:1.5,w:-2), each set when the "
              "program makes it (the graph's `live_inputs` lists the names; docs/graph-json.md). "
              f"At most {limits.MAX_LIVE_INPUTS}, finite numbers.", high=limits.MAX_LIVE_INPUTS),
)}


def parse(parameters, name, **bounds):
    """The checked value of parameter `name` in `parameters` (request.args or a JSON object),
    its default when absent; `bounds` (`high=...`) replace the declared ones for this
    request. Raises BadRequest with the parameter's message."""
    parameter = PARAMETERS[name]
    if bounds:
        parameter = dataclasses.replace(parameter, **bounds)
    value = parameters.get(name, parameter.default)
    if value is None and parameter.default is None and not parameter.required:
        return None
    return KINDS[parameter.kind][0](parameter, value)


def refused(parameter, wording):
    return BadRequest(parameter.message or f"'{parameter.name}' must be {wording}.")


def parse_program(parameter, value):
    if not isinstance(value, str) or not value.strip():
        raise refused(parameter, "a non-empty string holding the program")
    return value


def parse_name(parameter, value):
    if not isinstance(value, str) or not value.isidentifier():
        raise refused(parameter, "a variable name")
    return value


def parse_integer(parameter, value):
    if parameter.text and isinstance(value, str) and INTEGER_TEXT.fullmatch(value):
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or \
            not parameter.low <= value <= parameter.high:
        raise refused(parameter, f"an integer from {parameter.low} to {parameter.high}")
    return value


def parse_number(parameter, value):
    if parameter.text and isinstance(value, str):
        value = float(value) if NUMBER_TEXT.fullmatch(value) else math.nan
    low, high = parameter.low, parameter.high
    if isinstance(value, bool) or not isinstance(value, (int, float)) or \
            not math.isfinite(value) or not low <= value <= high or \
            (parameter.open_low and value == low):
        raise refused(parameter, f"a number above {low:g} up to {high:g}" if parameter.open_low
                      else f"a number from {low:g} to {high:g}")
    if parameter.quantum:
        value = min(max(round(round(value / parameter.quantum) * parameter.quantum, 6), low),
                    high)
    return float(value)


def parse_choice(parameter, value):
    if value not in parameter.choices:
        raise refused(parameter, f"one of {', '.join(parameter.choices)}")
    return value


def parse_flag(parameter, value):
    if value not in FLAGS:
        raise refused(parameter, "1 or 0")
    return FLAGS[value]


def parse_inputs(parameter, value):
    """Live inputs: a JSON object {name: number} or the text "x:1.5,w:-2", as a tuple of
    (name, float) pairs sorted by name (one cache key however they were written)."""
    if isinstance(value, str):
        pairs = [pair.partition(":") for pair in value.split(",")] if value else []
        if any(not sep for _, sep, _ in pairs):
            raise LiveInputRefused.of("live-inputs-not-an-object")
        value = {name: float(number) if NUMBER_TEXT.fullmatch(number) else number
                 for name, _, number in pairs}
    if not isinstance(value, dict) or not all(re.fullmatch(NAME_PATTERN, name) for name in value):
        raise LiveInputRefused.of("live-inputs-not-an-object")
    if len(value) > parameter.high:
        raise LiveInputRefused.of("too-many-live-inputs", count=len(value), limit=parameter.high)
    for name, number in value.items():
        if isinstance(number, bool) or not isinstance(number, (int, float)) or \
                not math.isfinite(number):
            raise LiveInputRefused.of("live-input-not-a-number", name=name,
                                      value=str(number)[:20])
    return tuple(sorted((name, float(number)) for name, number in value.items()))


def schema(name, in_body=False):
    """The JSON Schema of parameter `name`, for a query string or (`in_body`) a JSON body,
    where null is accepted as 'absent' for the parameters whose default is None."""
    parameter = PARAMETERS[name]
    described = KINDS[parameter.kind][1](parameter)
    if parameter.kind == "inputs" and not in_body:
        described = {"type": "string", "pattern": INPUTS_TEXT}
    nullable = parameter.default is None and not parameter.required
    if in_body and nullable and "type" in described:
        described["type"] = [described["type"], "null"]
    return described


def program_schema(parameter):
    return {"type": "string", "minLength": parameter.low, "maxLength": parameter.high}


def name_schema(parameter):
    return {"type": "string", "pattern": NAME_PATTERN}


def range_schema(parameter, kind):
    described = {"type": kind}
    if parameter.low is not None:
        described["exclusiveMinimum" if parameter.open_low else "minimum"] = parameter.low
    if parameter.high is not None:
        described["maximum"] = parameter.high
    return described


def choice_schema(parameter):
    return {"enum": list(parameter.choices)}


def flag_schema(parameter):
    return {"enum": ["0", "1"]}


def inputs_schema(parameter):
    """An object in a body; a query string's text is described by its pattern."""
    return {"type": "object", "maxProperties": parameter.high,
            "propertyNames": {"pattern": NAME_PATTERN},
            "additionalProperties": {"type": "number"}}


# kind -> (parser, schema)
KINDS = {
    "program": (parse_program, program_schema),
    "name": (parse_name, name_schema),
    "integer": (parse_integer, lambda parameter: range_schema(parameter, "integer")),
    "number": (parse_number, lambda parameter: range_schema(parameter, "number")),
    "choice": (parse_choice, choice_schema),
    "flag": (parse_flag, flag_schema),
    "inputs": (parse_inputs, inputs_schema),
}
