"""The /api blueprint's graph endpoints, the HTTP contract of DESIGN.md: POST /api/graph,
GET /api/graph.json and GET /api/graph.svg (drawn by drawings.py).

Errors are application/problem+json (problems.py); nothing a user sends produces a 500.
"""
from flask import Blueprint, jsonify, request

from webapp.web import drawings
from webapp.web.program import document_for, json_body

bp = Blueprint("api", __name__)


@bp.post("/api/graph")
def post_graph():
    return jsonify(document_for(json_body()))


@bp.get("/api/graph.json")
def get_graph_json():
    return jsonify(document_for(request.args))


@bp.get("/api/graph.svg")
def get_graph_svg():
    return drawings.svg(request.args)
