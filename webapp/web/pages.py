"""The page blueprint: the single-page app that animates the graph.

In: GET / (the page reads ?source=, step, input, present, lang, theme itself, in the browser).
Out: templates/index.html with the lecture examples and the page config, both as JSON blocks
(no inline script: the Content-Security-Policy allows scripts from 'self' only).
"""
from flask import Blueprint, jsonify, render_template, url_for

from webapp.render.steps import page_steps
from webapp.web.examples import lecture_examples

bp = Blueprint("pages", __name__)

LANGUAGES = ("ja", "en")  # the page's message catalogs, static/i18n/<lang>.json


def page_config():
    """What the page's scripts are told (#page-config): every address they call (the
    renderings, the lessons, the message catalogs) and the player's rhythm and marking rule
    (render.steps), so that none of it is copied into the JavaScript."""
    return {
        "graph": url_for("api.post_graph"),
        "svg": url_for("api.get_graph_svg"),
        "json": url_for("api.get_graph_json"),
        "png": url_for("drawings.get_graph_png"),
        "pdf": url_for("drawings.get_graph_pdf"),
        "gif": url_for("drawings.get_graph_gif"),
        "dot": url_for("drawings.get_graph_dot"),
        "lessons": {
            "numerics": url_for("lessons.post_numerics"),
            "descent": url_for("lessons.post_descent"),
            "forward": url_for("lessons.post_forward"),
        },
        "catalogs": {lang: url_for("static", filename=f"i18n/{lang}.json") for lang in LANGUAGES},
        "steps": page_steps(),
    }


@bp.get("/")
def index():
    return render_template("index.html", examples=lecture_examples(), config=page_config())


@bp.get("/healthz")
def healthz():
    return jsonify(status="ok")
