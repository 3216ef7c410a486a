"""The /api blueprint: the HTTP contract of DESIGN.md.

Every error leaves as application/problem+json (RFC 9457) through `problem_response`; nothing
a user sends produces a 500.
"""
from flask import Blueprint, Response, current_app, jsonify, request
from werkzeug.exceptions import HTTPException

from webapp.pipeline import evaluation as pipeline
from webapp.render import drawing as render
from webapp.web import protection
from webapp.core.errors import BadRequest, NotDrawable, ProblemError, UnsupportedMediaType
from webapp.web.protection import RateLimited

bp = Blueprint("api", __name__)

MAX_SEED = 2**63 - 1
OPTIONS = {"theme": ("light", "dark"), "lang": ("en", "ja"), "direction": ("LR", "TB")}


@bp.post("/api/graph")
def post_graph():
    return jsonify(document_for(json_body()))


def json_body():
    """The request's JSON object, or the 415/400 that says what is wrong with it."""
    if not request.is_json:
        raise UnsupportedMediaType("Send the request as JSON: {\"source\": \"...\"} with "
                                   "Content-Type: application/json.")
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BadRequest("The body must be a JSON object such as {\"source\": \"...\"}.")
    return body


@bp.get("/api/graph.json")
def get_graph_json():
    return jsonify(document_for(request.args))


@bp.get("/api/graph.svg")
def get_graph_svg():
    from webapp.web.drawings import special_svg   # animate=1 and style=torchviz (issue 4)
    special = special_svg(request.args)
    if special is not None:
        return special
    document = document_for(request.args)
    options = drawing_options(request.args)
    options["step"] = step_parameter(request.args, document)
    svg = drawing("svg", request.args, options, lambda doc: render.to_svg(doc, **options))
    return Response(svg, mimetype="image/svg+xml")


def drawing(kind, parameters, options, draw):
    """A rendering of the program in `parameters`, cached; too large to draw is a 422."""
    def draw_or_explain(document):
        try:
            return draw(document)
        except render.GraphTooLargeToDraw as error:
            raise NotDrawable(f"{error} The JSON export still has the whole graph.") from None
        except render.RenderError as error:
            raise NotDrawable(str(error)) from None
    return pipeline.rendering(kind, parameters["source"], parameters.get("output"),
                              seed_parameter(parameters), options, draw_or_explain)


def document_for(parameters):
    source, output, seed = program_parameters(parameters)
    return pipeline.graph_document(source, output=output, seed=seed)


def program_parameters(parameters):
    """The program, the variable to differentiate and the seed of a request, checked."""
    source = parameters.get("source")
    if not isinstance(source, str) or not source.strip():
        raise BadRequest("'source' must be a non-empty string holding the program.")
    return source, name_parameter(parameters, "output"), seed_parameter(parameters)


def name_parameter(parameters, name):
    value = parameters.get(name)
    if value is not None and (not isinstance(value, str) or not value.isidentifier()):
        raise BadRequest(f"'{name}' must be a variable name.")
    return value


def seed_parameter(parameters):
    seed = parameters.get("seed", 0)
    if isinstance(seed, str) and seed.strip().lstrip("-").isdigit():
        seed = int(seed)
    if not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed <= MAX_SEED:
        raise BadRequest(f"'seed' must be an integer from 0 to {MAX_SEED}.")
    return seed


def step_parameter(parameters, document):
    step = parameters.get("step")
    if step is None:
        return None
    last = len(document["timeline"]) - 1
    if not step.lstrip("-").isdigit() or not -1 <= int(step) <= last:
        raise BadRequest(f"'step' must be an integer from -1 to {last}.")
    return int(step)


def drawing_options(parameters):
    options = {}
    for name, allowed in OPTIONS.items():
        value = parameters.get(name, allowed[0])
        if value not in allowed:
            raise BadRequest(f"'{name}' must be one of {', '.join(allowed)}.")
        options[name] = value
    return options


def problem_response(problem):
    response = jsonify(problem.to_dict())
    response.status_code = problem.status
    response.mimetype = "application/problem+json"
    retry_after = problem.extra.get("retry_after")
    if problem.status == 503 or retry_after:
        response.headers["Retry-After"] = str(retry_after or 2)
    return response


@bp.app_errorhandler(ProblemError)
def handle_problem(problem):
    return problem_response(problem)


@bp.app_errorhandler(429)
def handle_rate_limited(error):
    return problem_response(RateLimited(
        f"Too many requests from your address (the limit is {error.description}); "
        "please wait a moment.", extra={"retry_after": protection.seconds_until_allowed()}))


@bp.app_errorhandler(HTTPException)
def handle_http_error(error):
    problem = ProblemError(error.description)
    problem.status, problem.slug, problem.title = error.code, "http-error", error.name
    return problem_response(problem)


@bp.app_errorhandler(Exception)
def handle_unexpected(error):
    current_app.logger.exception("unexpected error")
    problem = ProblemError("Something went wrong on the server; it has been logged.")
    problem.status, problem.slug, problem.title = 500, "internal-error", "Internal error"
    return problem_response(problem)
