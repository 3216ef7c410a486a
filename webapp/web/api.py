"""The /api blueprint's graph endpoints, the HTTP contract of DESIGN.md: POST /api/graph,
GET /api/graph.json and GET /api/graph.svg (drawn by drawings.py; POSTed too, for long programs).

Errors are application/problem+json (problems.py); nothing a user sends produces a 500.
"""
from flask import Blueprint, Response, request

from webapp.pipeline import evaluation as pipeline
from webapp.web import drawings
from webapp.web.program import json_body, live_inputs, program_parameters

bp = Blueprint("api", __name__)


@bp.post("/api/graph")
def post_graph():
    return graph_json(json_body())


@bp.get("/api/graph.json")
def get_graph_json():
    return graph_json(request.args)


def graph_json(parameters):
    """The graph document as JSON, encoded once (a large one in the drawing pool)."""
    source, output, seed = program_parameters(parameters)
    return Response(pipeline.graph_json(source, output, seed, live_inputs(parameters)),
                    mimetype="application/json")


@bp.get("/api/graph.svg")
def get_graph_svg():
    return drawings.svg(request.args)


@bp.post("/api/graph.svg")
def post_graph_svg():
    """The same picture for a program too long for an address (limits.MAX_QUERY_BYTES): the
    page sends it so. A still picture: the animation is an export, asked for by its link."""
    return drawings.svg({k: v for k, v in json_body().items() if k != "animate"})
