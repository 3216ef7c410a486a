"""What the program endpoints share: reading the request (a JSON body, the program and its
parameters), the graph document, the drawing options, and a cached drawing.

Used by api.py (the graph JSON and SVG), drawings.py (the exports) and lessons.py; errors are
`ProblemError`s, answered as problem+json by problems.py.
"""
from flask import request

from webapp.core.errors import BadRequest, NotDrawable, UnsupportedMediaType
from webapp.pipeline import evaluation as pipeline
from webapp.render import drawing as render
from webapp.pool.supervisor import shared_pool
from webapp.web.drawn import drawn_document, view_key
from webapp.web.parameters import parse

DRAWING_OPTIONS = ("theme", "lang", "direction")


def json_body():
    """The request's JSON object, or the 415/400 that says what is wrong with it."""
    if not request.is_json:
        raise UnsupportedMediaType("Send the request as JSON: {\"source\": \"...\"} with "
                                   "Content-Type: application/json.")
    try:
        body = request.get_json(silent=True)
    except RecursionError:          # [[[[...]]]]: the decoder stops at Python's recursion limit
        raise BadRequest("The JSON body is nested too deeply.") from None
    if not isinstance(body, dict):
        raise BadRequest("The body must be a JSON object such as {\"source\": \"...\"}.")
    return body


def program_parameters(parameters):
    """The program, the variable to differentiate and the seed of a request, checked (and
    the language of its messages, which problems.py reads itself)."""
    parse(parameters, "lang")
    return parse(parameters, "source"), parse(parameters, "output"), parse(parameters, "seed")


def live_inputs(parameters):
    """The live inputs a request sets: (name, number) pairs, sorted, or ()."""
    return parse(parameters, "inputs") or ()


def document_for(parameters):
    """The graph document of the program in `parameters` (cached by the pipeline)."""
    source, output, seed = program_parameters(parameters)
    return pipeline.graph_document(source, output=output, seed=seed,
                                   inputs=live_inputs(parameters))


def drawn_document_for(parameters):
    """The document a drawing of the program in `parameters` shows: its graph, or a
    gradient's (`gradient`), with what autograd saved (`saved`; drawn.py)."""
    return drawn_document(document_for(parameters), parameters)


def drawing_options(parameters, document):
    """theme, lang and direction, checked, defaults filled in; direction=auto becomes the
    layout that suits a panel of `aspect` (render.orientation, laid out in the pool)."""
    options = {name: parse(parameters, name) for name in DRAWING_OPTIONS}
    aspect = parse(parameters, "aspect")
    if options["direction"] == "auto":
        try:
            options["direction"] = shared_pool().run("direction", document, aspect,
                                                     options["lang"])
        except render.GraphTooLargeToDraw as error:
            raise NotDrawable(f"{error} The JSON export still has the whole graph.") from None
    return options


def step_parameter(parameters, document):
    """The timeline step asked for (-1 up to the document's last step), or None."""
    return parse(parameters, "step", high=len(document["timeline"]) - 1)


def drawing(kind, parameters, options, draw):
    """A rendering of the program in `parameters`, cached; too large to draw is a 422."""
    def draw_or_explain(document):
        try:
            return draw(drawn_document(document, parameters))
        except render.GraphTooLargeToDraw as error:
            raise NotDrawable(f"{error} The JSON export still has the whole graph.") from None
        except render.RenderError as error:
            raise NotDrawable(str(error)) from None
    return pipeline.rendering(kind, parameters["source"], parameters.get("output"),
                              parse(parameters, "seed"), {**options, **view_key(parameters)},
                              draw_or_explain, inputs=live_inputs(parameters))
