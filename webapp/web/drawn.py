"""Which document a drawing shows (`gradient`) and how (`saved`), for every drawing endpoint.

`gradient=N`: the graph of the N-th gradient the program made with create_graph=True (the
JSON's `higher_order[N].document`, docs/graph-json.md, "Higher order"); a program that kept
fewer is a 400 saying how many it has. `saved=1`: every op node lists what autograd saved for
its backward (render.saved_view). Both change what is drawn, so both are part of a drawing's
cache key (`view_key`).
"""
from webapp.core.errors import BadRequest
from webapp.render.saved_view import with_saved
from webapp.web.parameters import parse


def view_key(parameters):
    """The view parameters a request sets, {name: value} (empty: the program's own graph)."""
    view, gradient = {}, parse(parameters, "gradient")
    if gradient is not None:
        view["gradient"] = gradient
    if parse(parameters, "saved"):
        view["saved"] = True
    return view


def drawn_document(document, parameters):
    """The document drawn for `parameters`: the program's graph or a gradient's, with or
    without what autograd saved (in the request's `lang`)."""
    view = view_key(parameters)
    if "gradient" in view:
        document = gradient_document(document, view["gradient"])
    if view.get("saved"):
        document = with_saved(document, parse(parameters, "lang"))
    return document


def gradient_document(document, number):
    """`higher_order[number].document`, or the 400 saying how many gradient graphs there are."""
    entries = document.get("higher_order") or []
    if number >= len(entries) or entries[number].get("document") is None:
        raise BadRequest.message("no-gradient-graph", number=number, count=len(entries))
    return entries[number]["document"]
