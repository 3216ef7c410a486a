"""The lecture's endpoints (POST, JSON in and out; errors are problem+json like /api/graph):

- `/api/numerics` `{"source", "output"?, "seed"?, "input"?, "dtype"?}`: forward and central
  differences with h = 1e-6 against autograd, evaluation counts, the error-vs-h sweep
  (`numerics.py`, run in a sandbox child);
- `/api/descent` `{"source", "output"?, "seed"?, "lr"?, "steps"?, "start"?}`: the gradient-descent
  trajectory, loss per step and the function's curve (`descent.py`, in a sandbox child);
- `/api/forward` `{"source", "output"?, "seed"?, "input"?, "entry"?}`: forward-mode tangents on
  the graph of /api/graph (`forward_mode.py`, from the cached graph document).

The web process never imports torch: numerics and descent run in the child.
"""
import math

from flask import Blueprint, jsonify

from webapp import language
from webapp.graph import forward_mode
from webapp.web.api import document_for, json_body, name_parameter, program_parameters
from webapp.pipeline.cache import results
from webapp.core.errors import BadRequest, ProblemError
from webapp.core.jsonsafe import json_safe
from webapp.sandbox.client import shared_sandbox

bp = Blueprint("teaching_api", __name__)

MAX_STEPS = 1_000
MAX_LR = 100.0
DTYPES = ("float64", "float32")


@bp.post("/api/numerics")
def post_numerics():
    body = json_body()
    lesson = common(body, "numerics")
    lesson["dtype"] = choice(body, "dtype", DTYPES)
    lesson["input"] = name_parameter(body, "input")
    return jsonify(run_lesson(lesson))


@bp.post("/api/descent")
def post_descent():
    body = json_body()
    lesson = common(body, "descent")
    lesson["lr"] = number(body, "lr", 0.1, low=0.0, high=MAX_LR, open_low=True)
    lesson["steps"] = integer(body, "steps", 50, low=1, high=MAX_STEPS)
    if body.get("start") is not None:
        lesson["start"] = number(body, "start", None, low=-1e6, high=1e6)
    return jsonify(run_lesson(lesson))


@bp.post("/api/forward")
def post_forward():
    body = json_body()
    document = document_for(body)
    entry = integer(body, "entry", 0, low=0, high=10**9)
    return jsonify(json_safe(forward_mode.tangents(document, name_parameter(body, "input"),
                                                   entry)))


def common(body, lesson):
    source, output, seed = program_parameters(body)
    language.check(source)              # refuse early, without spending a sandbox child
    found = {"lesson": lesson, "source": source, "seed": seed}
    if output:
        found["output"] = output
    return found


def run_lesson(lesson):
    key = ("lesson",) + tuple(sorted((k, str(v)) for k, v in lesson.items()))

    def compute():
        answer = shared_sandbox().evaluate(lesson)
        if "problem" in answer:
            raise ProblemError.from_dict(answer["problem"])
        return json_safe(answer["lesson"])
    return results.get_or_compute(key, compute)


def choice(body, name, allowed):
    value = body.get(name, allowed[0])
    if value not in allowed:
        raise BadRequest(f"'{name}' must be one of {', '.join(allowed)}.")
    return value


def number(body, name, default, low, high, open_low=False):
    value = body.get(name, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or \
            not math.isfinite(value) or not low <= value <= high or (open_low and value == low):
        raise BadRequest(f"'{name}' must be a number {'above' if open_low else 'from'} {low:g} "
                         f"{'up to' if open_low else 'to'} {high:g}.")
    return float(value)


def integer(body, name, default, low, high):
    value = body.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise BadRequest(f"'{name}' must be an integer from {low} to {high}.")
    return value
