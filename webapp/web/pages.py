"""The page blueprint: the single-page app that animates the graph.

In: GET / (the page reads ?source=, step, input, present, lang, theme itself, in the browser).
Out: templates/index.html with the lecture examples and the URLs the scripts call, both as
JSON blocks (no inline script: the Content-Security-Policy allows scripts from 'self' only).
"""
from flask import Blueprint, jsonify, render_template, url_for

from webapp.web.examples import lecture_examples

bp = Blueprint("pages", __name__)


def page_urls():
    """The addresses the page's scripts use (static files and the /api renderings)."""
    return {
        "static": url_for("static", filename=""),
        "graph": url_for("api.post_graph"),
        "svg": url_for("api.get_graph_svg"),
        "json": url_for("api.get_graph_json"),
    }


@bp.get("/")
def index():
    return render_template("index.html", examples=lecture_examples(), urls=page_urls())


@bp.get("/healthz")
def healthz():
    return jsonify(status="ok")
