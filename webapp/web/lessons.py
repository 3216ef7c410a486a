"""The lecture's endpoints (POST, JSON in and out; errors are problem+json like /api/graph):

- `/api/numerics` `{"source", "output"?, "seed"?, "input"?, "dtype"?}`: forward and central
  differences with h = 1e-6 against autograd, evaluation counts, the error-vs-h sweep
  (execution/lessons/numerics.py, run in a sandbox child);
- `/api/descent` `{"source", "output"?, "seed"?, "lr"?, "steps"?, "start"?}`: the
  gradient-descent trajectory, loss per step and the function's curve
  (execution/lessons/descent.py, in a sandbox child);
- `/api/forward` `{"source", "output"?, "seed"?, "input"?, "entry"?}`: forward-mode tangents on
  the graph of /api/graph (graph/forward_mode.py, from the cached graph document).

The web process never imports torch: numerics and descent run in the child (pipeline.lesson).
"""
from flask import Blueprint, jsonify

from webapp.core.jsonsafe import json_safe
from webapp.graph import forward_mode
from webapp.pipeline import evaluation as pipeline
from webapp.web.parameters import parse
from webapp.web.program import document_for, json_body, program_parameters

bp = Blueprint("lessons", __name__)


@bp.post("/api/numerics")
def post_numerics():
    body = json_body()
    lesson = common(body, "numerics")
    lesson["dtype"] = parse(body, "dtype")
    lesson["input"] = parse(body, "input")
    return jsonify(pipeline.lesson(lesson))


@bp.post("/api/descent")
def post_descent():
    body = json_body()
    lesson = common(body, "descent")
    lesson["lr"] = parse(body, "lr")
    lesson["steps"] = parse(body, "steps")
    start = parse(body, "start")
    if start is not None:
        lesson["start"] = start
    return jsonify(pipeline.lesson(lesson))


@bp.post("/api/forward")
def post_forward():
    body = json_body()
    document = document_for(body)
    entry = parse(body, "entry")
    return jsonify(json_safe(forward_mode.tangents(document, parse(body, "input"), entry)))


def common(body, lesson):
    """The lesson request's program part: `lesson`, `source`, `seed` and `output` if given."""
    source, output, seed = program_parameters(body)
    found = {"lesson": lesson, "source": source, "seed": seed}
    if output:
        found["output"] = output
    return found
