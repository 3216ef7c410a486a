"""The OpenAPI 3.1 description of the HTTP interface, served at /api/openapi.json.

Every endpoint (the page, /healthz, the graph JSON, the drawings and exports), every
parameter, and the problem+json errors, with graph.schema's JSON Schema for the graph
document. tests/http/test_openapi.py checks the running API against it.
"""
from webapp.core import limits
from webapp.graph.schema import SCHEMAS
from webapp.web.parameters import EXAMPLE_SOURCE, PARAMETERS
from webapp.web.parameters import schema as parameter_schema

ERRORS = {
    "400": "The program does not parse or uses something not allowed (with `line` and "
           "`column` of the first refused construct, and `errors` listing every one), or a "
           "parameter is not valid.",
    "413": "The program or the request is too large.",
    "414": "The address's query is longer than MAX_QUERY_BYTES (POST the program instead).",
    "422": "The program ran and failed (PyTorch's own message), hit a limit (which one), has "
           "no graph, or the graph is too large to draw or export.",
    "429": "Too many requests from this client; see Retry-After.",
    "503": "The server is busy; see Retry-After.",
}


def query(name, schema, description, required=False, **extra):
    return {"name": name, "in": "query", "required": required, "schema": schema,
            "description": description, **extra}


def query_parameter(name):
    """components.parameters[name], from its declaration in web/parameters.py."""
    parameter = PARAMETERS[name]
    extra = {"example": EXAMPLE_SOURCE} if parameter.kind == "program" else {}
    return query(name, parameter_schema(name), parameter.help, required=parameter.required,
                 **extra)


def body_properties(names):
    """JSON-body properties for the parameters `names` (web/parameters.py)."""
    return {name: {**parameter_schema(name, in_body=True), "description": PARAMETERS[name].help}
            for name in names}


# Which parameters each endpoint reads (tests/http/test_parameters.py checks this against
# what the endpoints accept).
PROGRAM = ["source", "output", "seed", "lang"]
LIVE = ["inputs"]         # live inputs: the graph and everything drawn from it
DRAWING = ["theme", "direction", "aspect", "gradient", "saved"]
QUERIES = {
    "/api/graph.json": PROGRAM + LIVE,
    "/api/graph.svg": PROGRAM + ["step"] + DRAWING + ["animate", "style", "group"] + LIVE,
    "/api/graph.png": PROGRAM + ["step", "scale", "framing"] + DRAWING + LIVE,
    "/api/graph.pdf": PROGRAM + ["step", "pages", "framing"] + DRAWING + LIVE,
    "/api/graph.gif": PROGRAM + ["scale", "framing"] + DRAWING + LIVE,
    "/api/graph.dot": PROGRAM + DRAWING + LIVE,
}
BODIES = {
    "/api/graph": PROGRAM + LIVE,
    "/api/numerics": PROGRAM + ["input", "dtype"],
    "/api/descent": PROGRAM + ["lr", "steps", "start"],
    "/api/forward": PROGRAM + ["input", "entry"] + LIVE,
    "/api/graph.svg": PROGRAM + ["step"] + DRAWING + ["style", "group"] + LIVE,
}


GRAPH = {"$ref": "#/components/schemas/Graph"}
BINARY = {"type": "string", "contentMediaType": "application/octet-stream"}
# The page's own parameters (its script reads them from the address).
PAGE = {"get": {
    "summary": "The page, opened on a view", "operationId": "page",
    "parameters": [
        query("source", {"type": "string"}, "Program to run."),
        query("step", {"type": "integer"}, "Animation step."),
        query("input", {"type": "string"}, "Input whose paths show."),
        query("present", {"enum": ["0", "1"]}, "Presentation mode."),
        {"$ref": "#/components/parameters/lang"},
        {"$ref": "#/components/parameters/theme"},
        {"$ref": "#/components/parameters/direction"}],
    "responses": {"200": {"description": "The app.", "content": {
        "text/html": {"schema": {"type": "string"}}}}}}}
PROBLEM = {
    "type": "object", "description": "RFC 9457 problem details.",
    "required": ["type", "title", "status", "detail"],
    "properties": {"type": {"type": "string"}, "title": {"type": "string"},
                   "status": {"type": "integer"}, "detail": {"type": "string"},
                   "line": {"type": "integer", "minimum": 1},
                   "column": {"type": "integer", "minimum": 1},
                   "errors": {"type": "array", "items": {"$ref": "#/components/schemas/Refusal"},
                              "description": "Every construct the checker refused, in order of "
                                             "position (the first is also `line`, `column` and "
                                             f"`detail`), at most "
                                             f"{limits.MAX_REPORTED_PROBLEMS}; each detail in the "
                                             "request's language (`lang`, else "
                                             "Accept-Language)."},
                   "errors_total": {"type": "integer", "description": "How many constructs "
                                    "were refused, when more than `errors` lists."}}}
REFUSAL = {
    "type": "object", "description": "One refused construct.",
    "required": ["line", "column", "detail", "message", "arguments"],
    "properties": {"line": {"type": ["integer", "null"], "minimum": 1, "description":
                            "null: a request parameter or a limit, not a place in the program"},
                   "column": {"type": ["integer", "null"], "minimum": 1},
                   "detail": {"type": "string", "description": "What is refused and what to "
                              "write instead."},
                   "message": {"type": "string", "description": "The message's id in the "
                               "catalog (webapp/core/messages.py), stable across languages."},
                   "arguments": {"type": "object", "description": "The values filled into "
                                 "the message."}}}


def problems(*statuses):
    answers = {}
    for status in statuses:
        answers[status] = {
            "description": ERRORS[status],
            "content": {"application/problem+json": {"schema": {"$ref":
                                                                 "#/components/schemas/Problem"}}},
        }
        if status in ("429", "503"):
            answers[status]["headers"] = {"Retry-After": {
                "description": "Seconds to wait.", "schema": {"type": "integer"}}}
    return answers


def get(summary, parameters, media_type, schema=None, description="", errors=True):
    content = {media_type: {"schema": schema or {"type": "string"}}}
    responses = {"200": {"description": description or summary, "content": content}}
    if errors:
        responses.update(problems("400", "413", "422", "429", "503"))
    return {"get": {"summary": summary, "operationId": summary_id(summary),
                    "parameters": [{"$ref": f"#/components/parameters/{name}"}
                                   for name in parameters],
                    "responses": responses}}


def summary_id(summary):
    return "".join(word.capitalize() for word in summary.split()[:4] if word.isalpha())


def post(summary, operation_id, parameters, answer, description="",
         media_type="application/json"):
    """A POST taking a JSON object with `parameters` (`source` required)."""
    body = {"type": "object", "required": ["source"], "properties": body_properties(parameters)}
    return {"post": {
        "summary": summary, "operationId": operation_id, "description": description,
        "requestBody": {"required": True, "content": {"application/json": {
            "schema": body, "example": {"source": EXAMPLE_SOURCE}}}},
        "responses": {"200": {"description": summary, "content": {
            media_type: {"schema": answer}}},
            **problems("400", "413", "422", "429", "503"),
            "415": {"description": "The body is not JSON.", "content": {
                "application/problem+json": {"schema": {
                    "$ref": "#/components/schemas/Problem"}}}}},
    }}


def lessons():
    """The teaching endpoints (web/lessons.py)."""
    lesson = {"type": "object"}
    return {
        "/api/numerics": post(
            "Numerical against automatic differentiation", "postNumerics",
            BODIES["/api/numerics"], lesson,
            "Forward and central differences (h = 1e-6) against autograd, evaluation "
            "counts, the error against h."),
        "/api/descent": post(
            "Gradient descent on the program", "postDescent", BODIES["/api/descent"], lesson,
            "The trajectory, the loss per step and the function's curve."),
        "/api/forward": post(
            "Forward-mode tangents on the graph", "postForward", BODIES["/api/forward"],
            lesson, "Tangents on the graph of /api/graph, passes per mode."),
    }


def document():
    """The OpenAPI 3.1 document (a plain dict, ready for JSON)."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "Autograd graph", "version": "1",
                 "description": "Run a short PyTorch program in a sandbox; get the graph "
                                "autograd recorded as JSON, SVG, PNG, PDF, GIF or DOT. "
                                "Errors are RFC 9457 problem+json."},
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "paths": {
            "/": PAGE,
            "/healthz": get("Health check", [], "application/json", {
                "type": "object", "required": ["status"],
                "properties": {"status": {"const": "ok"}}}, errors=False),
            "/api/graph": post("Graph JSON for a program", "postGraph", BODIES["/api/graph"],
                               GRAPH, "The graph (docs/graph-json.md)."),
            **lessons(),
            "/api/graph.json": get("Graph JSON for a program", QUERIES["/api/graph.json"],
                                   "application/json", GRAPH,
                                   "The graph (docs/graph-json.md)."),
            "/api/graph.svg": {
                **get("SVG drawing of the graph", QUERIES["/api/graph.svg"], "image/svg+xml",
                      description="docs/svg.md"),
                **post("SVG drawing of a long program", "postGraphSvg",
                       BODIES["/api/graph.svg"], {"type": "string"},
                       "The still picture of GET /api/graph.svg, for a program whose address "
                       "would be longer than MAX_QUERY_BYTES.", media_type="image/svg+xml")},
            "/api/graph.png": get("PNG image of the graph", QUERIES["/api/graph.png"],
                                  "image/png", BINARY),
            "/api/graph.pdf": get("PDF of the graph", QUERIES["/api/graph.pdf"],
                                  "application/pdf", BINARY),
            "/api/graph.gif": get("GIF animation of the timeline", QUERIES["/api/graph.gif"],
                                  "image/gif", BINARY),
            "/api/graph.dot": get("Graphviz DOT source of the drawing",
                                  QUERIES["/api/graph.dot"], "text/vnd.graphviz"),
            "/api/openapi.json": get("This OpenAPI document", [], "application/json",
                                     {"type": "object"}, errors=False),
        },
        "components": {
            "parameters": {name: query_parameter(name)
                           for name in dict.fromkeys(sum(QUERIES.values(), []))},
            "schemas": {**SCHEMAS, "Problem": PROBLEM, "Refusal": REFUSAL},
        },
    }
