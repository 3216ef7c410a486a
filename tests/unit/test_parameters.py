"""The parameter table (webapp/web/parameters.py): what each kind accepts, the 400 it gives
otherwise, and the JSON Schema it documents."""
import pytest

from webapp.core.errors import BadRequest
from webapp.web.parameters import MAX_SEED, PARAMETERS, parse, schema


@pytest.mark.parametrize("name, given, expected", [
    ("seed", {}, 0),
    ("seed", {"seed": "12"}, 12),                # a query string
    ("seed", {"seed": 12}, 12),                  # a JSON body
    ("seed", {"seed": str(MAX_SEED)}, MAX_SEED),
    ("step", {"step": "-1"}, -1),
    ("step", {"step": "4"}, 4),
    ("step", {}, None),
    ("scale", {"scale": "2.5"}, 2.5),
    ("scale", {"scale": "1.000137"}, 1.0),       # one cache key per quarter, not per float
    ("scale", {"scale": "3.13"}, 3.25),
    ("scale", {"scale": "1e0"}, 1.0),
    ("scale", {"scale": 3.9}, 4.0),
    ("scale", {}, 1.0),
    ("lr", {"lr": 100}, 100.0),
    ("start", {"start": None}, None),
    ("output", {"output": None}, None),
    ("theme", {}, "light"),
    ("animate", {"animate": "true"}, True),
    ("animate", {}, False),
])
def test_accepted_values(name, given, expected):
    bounds = {"high": 4} if name == "step" else {}
    assert parse(given, name, **bounds) == expected


@pytest.mark.parametrize("name, value, message", [
    ("seed", True, f"'seed' must be an integer from 0 to {MAX_SEED}."),
    ("seed", "-1", f"'seed' must be an integer from 0 to {MAX_SEED}."),
    ("seed", "²", f"'seed' must be an integer from 0 to {MAX_SEED}."),   # isdigit, not int
    ("seed", "--5", f"'seed' must be an integer from 0 to {MAX_SEED}."),
    ("seed", None, f"'seed' must be an integer from 0 to {MAX_SEED}."),
    ("seed", " 1", f"'seed' must be an integer from 0 to {MAX_SEED}."),     # int() reads these
    ("seed", "1_0", f"'seed' must be an integer from 0 to {MAX_SEED}."),
    ("seed", "\u0661", f"'seed' must be an integer from 0 to {MAX_SEED}."),  # Arabic-Indic 1
    ("step", "\u00b3", "'step' must be an integer from -1 to 4."),
    ("scale", "1_0", "'scale' must be a number from 1 to 4."),               # float() reads
    ("scale", "\u0662", "'scale' must be a number from 1 to 4."),
    ("scale", "2 ", "'scale' must be a number from 1 to 4."),
    ("scale", "inf", "'scale' must be a number from 1 to 4."),
    ("step", "5", "'step' must be an integer from -1 to 4."),
    ("step", "1.5", "'step' must be an integer from -1 to 4."),
    ("steps", "50", "'steps' must be an integer from 1 to 1000."),   # JSON only: no text
    ("scale", "nan", "'scale' must be a number from 1 to 4."),
    ("scale", "5", "'scale' must be a number from 1 to 4."),
    ("lr", 0, "'lr' must be a number above 0 up to 100."),
    ("lr", "0.1", "'lr' must be a number above 0 up to 100."),
    ("start", 1e300, "'start' must be a number from -1e+06 to 1e+06."),
    ("dtype", "float16", "'dtype' must be one of float64, float32."),
    ("pages", "all", "'pages' must be final (one page) or steps (one page per step)."),
    ("animate", "yes", "'animate' must be 1 or 0."),
    ("output", "1x", "'output' must be a variable name."),
    ("source", "  ", "'source' must be a non-empty string holding the program."),
])
def test_refused_values_say_what_is_expected(name, value, message):
    bounds = {"high": 4} if name == "step" else {}
    with pytest.raises(BadRequest) as refused:
        parse({name: value}, name, **bounds)
    assert refused.value.detail == message


def test_the_source_is_required():
    with pytest.raises(BadRequest, match="'source' must be"):
        parse({}, "source")


@pytest.mark.parametrize("name, documented", [
    ("seed", {"type": "integer", "minimum": 0, "maximum": MAX_SEED}),
    ("step", {"type": "integer", "minimum": -1}),
    ("lr", {"type": "number", "exclusiveMinimum": 0, "maximum": 100}),
    ("theme", {"enum": ["light", "dark"]}),
    ("animate", {"enum": ["0", "1"]}),
])
def test_schemas(name, documented):
    assert schema(name) == documented


def test_null_is_documented_in_bodies_where_it_means_the_default():
    assert schema("start", in_body=True)["type"] == ["number", "null"]
    assert schema("output", in_body=True)["type"] == ["string", "null"]
    assert schema("output")["type"] == "string"
    assert schema("seed", in_body=True)["type"] == "integer"


def test_every_parameter_has_help():
    assert all(parameter.help for parameter in PARAMETERS.values())
