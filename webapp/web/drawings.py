"""The drawings: /api/graph.svg (answered here for api.py: the step picture, `animate=1`,
`style=torchviz`), the exports /api/graph.png, .pdf, .gif, .dot, and /api/openapi.json.

Each takes the program as /api/graph.json does (`source`, `output`, `seed`) and the drawing
options (`theme`, `lang`, `direction`); errors are problem+json (problems.py). What each
format holds: webapp/render/exports.py; the contract: web/openapi.py. Every drawing is made
in the drawing pool (webapp/pool), never on the request thread.
"""
from flask import Blueprint, Response, jsonify, request

from webapp.core.errors import BadRequest, ExportTooLarge, NotDrawable
from webapp.pipeline import evaluation as pipeline
from webapp.pool.supervisor import client_connection, shared_pool
from webapp.render import drawing as render
from webapp.render import exports
from webapp.render.raster import TooMuchToExport
from webapp.web import openapi
from webapp.web.parameters import parse
from webapp.web.program import (drawing, drawing_options, drawn_document_for, live_inputs,
                                program_parameters, step_parameter)

bp = Blueprint("drawings", __name__)


@bp.before_app_request
def watch_the_client():
    """Hand the request's socket to the drawing pool, which cancels a job whose client has
    gone (gunicorn's environ names it gunicorn.socket, werkzeug's werkzeug.socket)."""
    environ = request.environ
    client_connection.set(environ.get("gunicorn.socket") or environ.get("werkzeug.socket"))


@bp.get("/api/graph.png")
def get_graph_png():
    return exported("png")


@bp.get("/api/graph.pdf")
def get_graph_pdf():
    pages = parse(request.args, "pages")
    if pages == "steps" and request.args.get("step") is not None:
        raise BadRequest("'step' picks one page; leave it out with pages=steps.")
    return exported("pdf", pages=pages)


@bp.get("/api/graph.gif")
def get_graph_gif():
    return exported("gif")


@bp.get("/api/graph.dot")
def get_graph_dot():
    return exported("dot")


@bp.get("/api/openapi.json")
def get_openapi():
    return jsonify(openapi.document())


def svg(parameters):
    """The response to /api/graph.svg: the torchviz view (`style=torchviz`), the animation
    (`animate=1`), or the picture at `step`."""
    animate = parse(parameters, "animate")
    if parse(parameters, "style") == "torchviz":
        if animate:
            raise BadRequest("The torchviz view is a still picture: leave out 'animate'.")
        return torchviz_svg(parameters)
    if animate:
        return exported("animated-svg")
    document = drawn_document_for(parameters)
    options = drawing_options(parameters, document)
    options["step"] = step_parameter(parameters, document)
    options["group"] = group_parameter(parameters, document)
    picture = drawing("svg", parameters, options,
                      lambda doc: shared_pool().run("svg", doc, options))
    return Response(picture, mimetype="image/svg+xml")


def group_parameter(parameters, document):
    """The group whose inside is asked for (None: the whole drawing); 400 if there is none."""
    group = parse(parameters, "group")
    if group is not None and group not in {g["id"] for g in document.get("groups", [])}:
        raise BadRequest(f"The graph has no group {group!r} (its groups: the JSON's 'groups').")
    return group


def exported(kind, **options):
    """Evaluate the program in the query, render it as `kind` (both cached), answer with it."""
    document = drawn_document_for(request.args)
    options.update(drawing_options(request.args, document))
    if exports.EXPORTS[kind].stepped:
        options["step"] = step_parameter(request.args, document)
    if exports.EXPORTS[kind].scaled:
        options["scale"] = parse(request.args, "scale")
    if exports.EXPORTS[kind].framed:
        options["framing"] = parse(request.args, "framing")

    def make(doc):
        try:
            return shared_pool().run("export", doc, kind, options)
        except TooMuchToExport as error:
            raise ExportTooLarge(str(error)) from None

    response = Response(drawing(kind, request.args, options, make),
                        mimetype=exports.EXPORTS[kind].media_type)
    name = exports.file_name(document, kind, options.get("step"))
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    return response


def torchviz_svg(parameters):
    source, output, seed = program_parameters(parameters)

    def draw(dot_source):
        try:
            return shared_pool().run("torchviz-svg", dot_source)
        except render.RenderError as error:
            raise NotDrawable(str(error)) from None
    return Response(pipeline.torchviz_picture(source, output, seed, draw,
                                              live_inputs(parameters)),
                    mimetype="image/svg+xml")
