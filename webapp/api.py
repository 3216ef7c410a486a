"""The /api blueprint (and /healthz)."""
from flask import Blueprint, jsonify

bp = Blueprint("api", __name__)


@bp.get("/healthz")
def healthz():
    return jsonify(status="ok")
