"""Source text -> graph JSON document (or torchviz DOT, or a lesson): check, evaluate in the
sandbox, build.

The one way to the sandbox (`evaluated`), which the API, every rendering and the lessons call,
so that anything the page shows, the JSON holds. Results are cached (`cache.results`): the same
program and options cost one evaluation, and `rendering` caches what is drawn from a document.
"""
import pickle

from webapp import language
from webapp.core import limits
from webapp.core.errors import ProblemError
from webapp.core.jsonsafe import json_safe
from webapp.graph import model as graph
from webapp.pipeline.cache import results
from webapp.pool import jobs
from webapp.pool.supervisor import shared_pool
from webapp.sandbox.client import current_client, shared_sandbox


def graph_document(source, output=None, seed=0, inputs=()):
    """The graph JSON for a program (`inputs`: its live inputs set, (name, number) pairs),
    or a `ProblemError` (4xx/503) saying what is wrong."""
    return results.get_or_compute(
        ("graph", source, output, seed, live_key(inputs)),
        lambda: graph.build(evaluated(program_request(source, output, seed, inputs))))


def graph_json(source, output=None, seed=0, inputs=()):
    """The graph document as the API's JSON (bytes), encoded once and cached; a large one is
    encoded in the drawing pool, under its limits (json.dumps of a document holding large
    tensors takes seconds, pickling it to the pool a few hundredths)."""
    def encoded():
        document = graph_document(source, output=output, seed=seed, inputs=inputs)
        if len(pickle.dumps(document)) > limits.INLINE_JSON_MAX_BYTES:
            return shared_pool().run("graph-json", document)
        return jobs.graph_json(document)
    return results.get_or_compute(("graph-json", source, output, seed, live_key(inputs)),
                                  encoded)


def rendering(kind, source, output, seed, options, draw, inputs=()):
    """`draw(document)` for this program, cached under `kind` and the drawing `options`."""
    key = (kind, source, output, seed, live_key(inputs), tuple(sorted(options.items())))
    return results.get_or_compute(
        key, lambda: draw(graph_document(source, output=output, seed=seed, inputs=inputs)))


def live_key(inputs):
    """Live inputs in a cache key: each number exactly, -0.0 apart from 0.0 (they compare
    equal, but 1 / x differs)."""
    return tuple((name, float(value).hex()) for name, value in inputs)


def torchviz_dot(source, output=None, seed=0, inputs=()):
    """torchviz's `make_dot` DOT source for the program, made in the sandbox child (it needs
    the real tensors), cached; or a `ProblemError` as for `graph_document`."""
    request = {**program_request(source, output, seed, inputs), "torchviz": True}
    return results.get_or_compute(("torchviz-dot", source, output, seed, live_key(inputs)),
                                  lambda: evaluated(request)["torchviz_dot"])


def torchviz_picture(source, output, seed, draw, inputs=()):
    """`draw(dot_source)` of the program's torchviz DOT, cached (dot takes seconds on large
    graphs: each request used to spend a child and the whole layout again)."""
    return results.get_or_compute(("torchviz-svg", source, output, seed, live_key(inputs)),
                                  lambda: draw(torchviz_dot(source, output, seed, inputs)))


def lesson(request):
    """A lesson's answer (JSON-safe), cached: `request` holds `lesson` ("numerics" or
    "descent"), `source`, `seed`, optionally `output`, and the lesson's own parameters."""
    # Typed values, not their text: "input": "None" (a variable named None) is not the
    # absent input, whose value is None.
    key = ("lesson",) + tuple(sorted((k, type(v).__name__, v) for k, v in request.items()))
    return results.get_or_compute(key, lambda: json_safe(evaluated(request)["lesson"]))


def program_request(source, output, seed, inputs=()):
    request = {"source": source, "seed": seed}
    if output:
        request["output"] = output
    if inputs:
        request["inputs"] = dict(inputs)
    return request


def on_behalf_of(client):
    """The client the evaluations of this request (this thread's context) are charged to in
    the fork server's fair sharing (its address, as the web tier sees it)."""
    current_client.set(client)


def evaluated(request):
    """The sandbox child's answer to `request` (a dict with `source`), or the `ProblemError`
    it reported. The program is checked here first: a refused program costs no child."""
    language.check(request["source"])
    answer = shared_sandbox().evaluate(request)
    if "problem" in answer:
        raise ProblemError.from_dict(answer["problem"])
    return answer
