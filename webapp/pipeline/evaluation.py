"""Source text -> graph JSON document: check, evaluate in the sandbox, build the graph.

The one entry point the API (and every rendering) calls, so that anything the page shows,
the JSON holds. Results are cached (`cache.results`): the same program and options cost one
evaluation, and `rendering` caches what is drawn from a document.
"""
from webapp import language
from webapp.graph import model as graph
from webapp.pipeline.cache import results
from webapp.core.errors import ProblemError
from webapp.sandbox.client import shared_sandbox


def graph_document(source, output=None, seed=0):
    """The graph JSON for a program, or a `ProblemError` (4xx/503) saying what is wrong."""
    return results.get_or_compute(("graph", source, output, seed),
                                  lambda: evaluate(source, output, seed))


def rendering(kind, source, output, seed, options, draw):
    """`draw(document)` for this program, cached under `kind` and the drawing `options`."""
    key = (kind, source, output, seed, tuple(sorted(options.items())))
    return results.get_or_compute(
        key, lambda: draw(graph_document(source, output=output, seed=seed)))


def evaluate(source, output, seed):
    language.check(source)           # refuse early, without spending a sandbox child
    request = {"source": source, "seed": seed}
    if output:
        request["output"] = output
    answer = shared_sandbox().evaluate(request)
    if "problem" in answer:
        raise ProblemError.from_dict(answer["problem"])
    return graph.build(answer)


def torchviz_dot(source, output=None, seed=0):
    """torchviz's `make_dot` DOT source for the program, made in the sandbox child (it needs
    the real tensors), or a `ProblemError` as for `graph_document`."""
    language.check(source)
    request = {"source": source, "seed": seed, "torchviz": True}
    if output:
        request["output"] = output
    answer = shared_sandbox().evaluate(request)
    if "problem" in answer:
        raise ProblemError.from_dict(answer["problem"])
    return answer["torchviz_dot"]
