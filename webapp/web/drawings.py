"""The export endpoints: /api/graph.png, .pdf, .gif, .dot, /api/openapi.json, and the two
variants of /api/graph.svg that api.get_graph_svg hands over (`animate=1`, `style=torchviz`).

Each takes the program as /api/graph.json does (`source`, `output`, `seed`) and the drawing
options of /api/graph.svg (`theme`, `lang`, `direction`); errors are problem+json through
api's handlers. What each format holds: webapp/exports.py; the contract: webapp/openapi.py.
"""
import math

from flask import Blueprint, Response, jsonify, request

from webapp.pipeline import evaluation as pipeline
from webapp.render import drawing as render
from webapp.render import exports, torchviz_view
from webapp.web import api, openapi
from webapp.render.raster import TooMuchToExport

bp = Blueprint("exports", __name__)

SVG_STYLES = ("autograd", "torchviz")
FLAGS = {"0": False, "1": True, "false": False, "true": True}


class ExportTooLarge(api.NotDrawable):
    status, slug, title = 422, "export-too-large", "The export would take too long"


@bp.get("/api/graph.png")
def get_graph_png():
    return exported("png")


@bp.get("/api/graph.pdf")
def get_graph_pdf():
    pages = request.args.get("pages", "final")
    if pages not in ("final", "steps"):
        raise api.BadRequest("'pages' must be final (one page) or steps (one page per step).")
    if pages == "steps" and request.args.get("step") is not None:
        raise api.BadRequest("'step' picks one page; leave it out with pages=steps.")
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


def special_svg(parameters):
    """The response for /api/graph.svg with `animate=1` or `style=torchviz`, or None when
    neither is asked for (the ordinary drawing)."""
    animate = flag(parameters, "animate")
    style = parameters.get("style", "autograd")
    if style not in SVG_STYLES:
        raise api.BadRequest(f"'style' must be one of {', '.join(SVG_STYLES)}.")
    if style == "torchviz":
        if animate:
            raise api.BadRequest("The torchviz view is a still picture: leave out 'animate'.")
        return torchviz_svg(parameters)
    return exported("animated-svg") if animate else None


def exported(kind, **options):
    """Evaluate the program in the query, render it as `kind` (both cached, through
    api.drawing), answer with it."""
    document = api.document_for(request.args)
    options.update(api.drawing_options(request.args))
    if exports.EXPORTS[kind].stepped:
        options["step"] = api.step_parameter(request.args, document)
    if exports.EXPORTS[kind].scaled:
        options["scale"] = scale_parameter(request.args)

    def make(doc):
        try:
            return exports.export(doc, kind, **options)[0]
        except TooMuchToExport as error:
            raise ExportTooLarge(str(error)) from None

    response = Response(api.drawing(kind, request.args, options, make),
                        mimetype=exports.EXPORTS[kind].media_type)
    name = exports.file_name(document, kind, options.get("step"))
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    return response


def torchviz_svg(parameters):
    source, output, seed = api.program_parameters(parameters)
    dot_source = pipeline.torchviz_dot(source, output=output, seed=seed)
    try:
        svg = torchviz_view.to_svg(dot_source)
    except render.RenderError as error:
        raise api.NotDrawable(str(error)) from None
    return Response(svg, mimetype="image/svg+xml")


def flag(parameters, name):
    value = parameters.get(name, "0")
    if value not in FLAGS:
        raise api.BadRequest(f"'{name}' must be 1 or 0.")
    return FLAGS[value]


def scale_parameter(parameters):
    text = parameters.get("scale", "1")
    try:
        scale = float(text)
    except ValueError:
        scale = math.nan
    if not exports.MIN_SCALE <= scale <= exports.MAX_SCALE:   # NaN fails this too
        raise api.BadRequest(f"'scale' must be a number from {exports.MIN_SCALE} "
                             f"to {exports.MAX_SCALE}.")
    return scale
