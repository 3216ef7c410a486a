"""The OpenAPI 3.1 description of the HTTP interface, served at /api/openapi.json.

Every endpoint (the page, /healthz, the graph JSON, the drawings and exports), every
parameter, and the problem+json errors, with graph_schema's JSON Schema for the graph
document. tests/test_openapi.py checks the running API against it.
"""
from webapp.core import limits
from webapp.render.exports import MAX_SCALE, MIN_SCALE
from webapp.graph.schema import SCHEMAS

MAX_SEED = 2**63 - 1
EXAMPLE_SOURCE = ("x = torch.tensor(2.0, requires_grad=True)\n"
                  "y = torch.sin((x + 2) + (1 + torch.exp(x ** 2)))\ny.backward()\n")
ERRORS = {
    "400": "The program does not parse or uses something not allowed (with `line` and "
           "`column`), or a parameter is not valid.",
    "413": "The program or the request is too large.",
    "422": "The program ran and failed (PyTorch's own message), hit a limit (which one), has "
           "no graph, or the graph is too large to draw or export.",
    "429": "Too many requests from this client; see Retry-After.",
    "503": "The server is busy; see Retry-After.",
}


def query(name, schema, description, required=False, **extra):
    return {"name": name, "in": "query", "required": required, "schema": schema,
            "description": description, **extra}


PARAMETERS = {
    "source": query("source", {"type": "string", "minLength": 1,
                               "maxLength": limits.MAX_SOURCE_CHARS},
                    "The PyTorch program (REPL pastes welcome).", required=True,
                    example=EXAMPLE_SOURCE),
    "output": query("output", {"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]*$"},
                    "The variable to differentiate (default: the tensor .backward() was "
                    "called on, else the last one with a graph)."),
    "seed": query("seed", {"type": "integer", "minimum": 0, "maximum": MAX_SEED},
                  "Seed for torch's random functions (default 0)."),
    "step": query("step", {"type": "integer", "minimum": -1},
                  "Timeline step to show (-1: before the first step; default: the final "
                  "picture). At most the timeline's length - 1."),
    "theme": query("theme", {"enum": ["light", "dark"]}, "Colours (default light)."),
    "lang": query("lang", {"enum": ["en", "ja"]}, "Language of the drawing's words."),
    "direction": query("direction", {"enum": ["LR", "TB"]},
                       "Layout: left to right (default) or top to bottom."),
    "scale": query("scale", {"type": "number", "minimum": MIN_SCALE, "maximum": MAX_SCALE},
                   "Pixel scale (2 doubles the width). Reduced where the image would be "
                   "too large (PNG: 16,384 px a side, 32 megapixels; GIF: 2 megapixels a "
                   "frame, 150 in all)."),
    "pages": query("pages", {"enum": ["final", "steps"]},
                   "final: one page (the final picture, or `step`); steps: one page per "
                   "timeline step, for Beamer overlays (not with `step`)."),
    "animate": query("animate", {"enum": ["0", "1"]},
                     "1: the whole timeline as a looping CSS animation, no script (plays in "
                     "<img> and HTML slides); `step` is ignored."),
    "style": query("style", {"enum": ["autograd", "torchviz"]},
                   "torchviz: the program as torchviz's make_dot draws it (not with "
                   "animate=1)."),
}
PROGRAM = ["source", "output", "seed"]
DRAWING = ["theme", "lang", "direction"]


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


def post(summary, operation_id, properties, answer, description=""):
    """A POST taking a JSON object with `source` (and `output`, `seed`) plus `properties`."""
    body = {"type": "object", "required": ["source"], "properties": {
        "source": PARAMETERS["source"]["schema"], "output": PARAMETERS["output"]["schema"],
        "seed": PARAMETERS["seed"]["schema"], **properties}}
    return {"post": {
        "summary": summary, "operationId": operation_id, "description": description,
        "requestBody": {"required": True, "content": {"application/json": {
            "schema": body, "example": {"source": EXAMPLE_SOURCE}}}},
        "responses": {"200": {"description": summary, "content": {
            "application/json": {"schema": answer}}},
            **problems("400", "413", "422", "429", "503"),
            "415": {"description": "The body is not JSON.", "content": {
                "application/problem+json": {"schema": {
                    "$ref": "#/components/schemas/Problem"}}}}},
    }}


def lessons():
    """The teaching endpoints of issue 6 (webapp/teaching_api.py)."""
    name = PARAMETERS["output"]["schema"]
    lesson = {"type": "object"}
    return {
        "/api/numerics": post(
            "Numerical against automatic differentiation", "postNumerics",
            {"input": name, "dtype": {"enum": ["float64", "float32"]}}, lesson,
            "Forward and central differences (h = 1e-6) against autograd, evaluation "
            "counts, the error against h."),
        "/api/descent": post(
            "Gradient descent on the program", "postDescent",
            {"lr": {"type": "number", "exclusiveMinimum": 0, "maximum": 100},
             "steps": {"type": "integer", "minimum": 1, "maximum": 1000},
             "start": {"type": ["number", "null"], "minimum": -1e6, "maximum": 1e6}}, lesson,
            "The trajectory, the loss per step and the function's curve."),
        "/api/forward": post(
            "Forward-mode tangents on the graph", "postForward",
            {"input": name, "entry": {"type": "integer", "minimum": 0, "maximum": 10**9}},
            lesson, "Tangents on the graph of /api/graph, passes per mode."),
    }


def document():
    """The OpenAPI 3.1 document (a plain dict, ready for JSON)."""
    graph = {"$ref": "#/components/schemas/Graph"}
    binary = {"type": "string", "contentMediaType": "application/octet-stream"}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Autograd graph", "version": "1",
                 "description": "Run a short PyTorch program in a sandbox; get the graph "
                                "autograd recorded as JSON, SVG, PNG, PDF, GIF or DOT. "
                                "Errors are RFC 9457 problem+json."},
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "paths": {
            "/": {"get": {"summary": "The page, opened on a view", "operationId": "page",
                          "parameters": [
                              query("source", {"type": "string"}, "Program to run."),
                              query("step", {"type": "integer"}, "Animation step."),
                              query("input", {"type": "string"}, "Input whose paths show."),
                              query("present", {"enum": ["0", "1"]}, "Presentation mode."),
                              {"$ref": "#/components/parameters/lang"},
                              {"$ref": "#/components/parameters/theme"},
                              {"$ref": "#/components/parameters/direction"}],
                          "responses": {"200": {"description": "The app.", "content": {
                              "text/html": {"schema": {"type": "string"}}}}}}},
            "/healthz": get("Health check", [], "application/json", {
                "type": "object", "required": ["status"],
                "properties": {"status": {"const": "ok"}}}, errors=False),
            "/api/graph": post("Graph JSON for a program", "postGraph", {}, graph,
                               "The graph (docs/graph-json.md)."),
            **lessons(),
            "/api/graph.json": get("Graph JSON for a program", PROGRAM, "application/json",
                                   graph, "The graph (docs/graph-json.md)."),
            "/api/graph.svg": get("SVG drawing of the graph",
                                  PROGRAM + ["step"] + DRAWING + ["animate", "style"],
                                  "image/svg+xml", description="docs/svg.md"),
            "/api/graph.png": get("PNG image of the graph",
                                  PROGRAM + ["step", "scale"] + DRAWING, "image/png", binary),
            "/api/graph.pdf": get("PDF of the graph", PROGRAM + ["step", "pages"] + DRAWING,
                                  "application/pdf", binary),
            "/api/graph.gif": get("GIF animation of the timeline",
                                  PROGRAM + ["scale"] + DRAWING, "image/gif", binary),
            "/api/graph.dot": get("Graphviz DOT source of the drawing", PROGRAM + DRAWING,
                                  "text/vnd.graphviz"),
            "/api/openapi.json": get("This OpenAPI document", [], "application/json",
                                     {"type": "object"}, errors=False),
        },
        "components": {
            "parameters": PARAMETERS,
            "schemas": {**SCHEMAS, "Problem": {
                "type": "object", "description": "RFC 9457 problem details.",
                "required": ["type", "title", "status", "detail"],
                "properties": {"type": {"type": "string"}, "title": {"type": "string"},
                               "status": {"type": "integer"}, "detail": {"type": "string"},
                               "line": {"type": "integer", "minimum": 1},
                               "column": {"type": "integer", "minimum": 1}}}},
        },
    }
