"""Source text -> graph JSON document (or torchviz DOT, or a lesson): check, evaluate in the
sandbox, build.

The one way to the sandbox (`evaluated`), which the API, every rendering and the lessons call,
so that anything the page shows, the JSON holds. Results are cached (`cache.results`): the same
program and options cost one evaluation, and `rendering` caches what is drawn from a document.
"""
from webapp import language
from webapp.core.errors import ProblemError
from webapp.core.jsonsafe import json_safe
from webapp.graph import model as graph
from webapp.pipeline.cache import results
from webapp.sandbox.client import shared_sandbox


def graph_document(source, output=None, seed=0):
    """The graph JSON for a program, or a `ProblemError` (4xx/503) saying what is wrong."""
    return results.get_or_compute(
        ("graph", source, output, seed),
        lambda: graph.build(evaluated(program_request(source, output, seed))))


def rendering(kind, source, output, seed, options, draw):
    """`draw(document)` for this program, cached under `kind` and the drawing `options`."""
    key = (kind, source, output, seed, tuple(sorted(options.items())))
    return results.get_or_compute(
        key, lambda: draw(graph_document(source, output=output, seed=seed)))


def torchviz_dot(source, output=None, seed=0):
    """torchviz's `make_dot` DOT source for the program, made in the sandbox child (it needs
    the real tensors), or a `ProblemError` as for `graph_document`."""
    request = {**program_request(source, output, seed), "torchviz": True}
    return evaluated(request)["torchviz_dot"]


def lesson(request):
    """A lesson's answer (JSON-safe), cached: `request` holds `lesson` ("numerics" or
    "descent"), `source`, `seed`, optionally `output`, and the lesson's own parameters."""
    # Typed values, not their text: "input": "None" (a variable named None) is not the
    # absent input, whose value is None.
    key = ("lesson",) + tuple(sorted((k, type(v).__name__, v) for k, v in request.items()))
    return results.get_or_compute(key, lambda: json_safe(evaluated(request)["lesson"]))


def program_request(source, output, seed):
    request = {"source": source, "seed": seed}
    if output:
        request["output"] = output
    return request


def evaluated(request):
    """The sandbox child's answer to `request` (a dict with `source`), or the `ProblemError`
    it reported. The program is checked here first: a refused program costs no child."""
    language.check(request["source"])
    answer = shared_sandbox().evaluate(request)
    if "problem" in answer:
        raise ProblemError.from_dict(answer["problem"])
    return answer
