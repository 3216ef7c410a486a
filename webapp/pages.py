"""The page blueprint: the single-page app that animates the graph."""
from flask import Blueprint, render_template

from .examples import lecture_examples

bp = Blueprint("pages", __name__)


@bp.get("/")
def index():
    return render_template("index.html", examples=lecture_examples())
