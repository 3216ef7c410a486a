"""Source text -> graph JSON document: check, evaluate in the sandbox, build the graph.

The one entry point the API (and every rendering) calls, so that anything the page shows,
the JSON holds.
"""
from . import graph, language
from .errors import ProblemError
from .sandbox import shared_sandbox


def graph_document(source, output=None, seed=0):
    """The graph JSON for a program, or a `ProblemError` (4xx/503) saying what is wrong."""
    language.check(source)           # refuse early, without spending a sandbox child
    request = {"source": source, "seed": seed}
    if output:
        request["output"] = output
    answer = shared_sandbox().evaluate(request)
    if "problem" in answer:
        raise ProblemError.from_dict(answer["problem"])
    return graph.build(answer)
