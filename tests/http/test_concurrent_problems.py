"""Two identical requests at once (Flask client, two threads): the second waits on the first's
computation in the result cache (webapp/pipeline/cache.py) and must get the same answer, the
same status, problem type and Retry-After, as the first did."""
import threading

import pytest

from tests.support.waiting import watch_waiters
from webapp import create_app
from webapp.core.errors import SandboxUnavailable
from webapp.pipeline import evaluation
from webapp.render import exports, raster

# 24 chained operations: a timeline whose steps × (nodes + edges) is over MAX_PDF_STEP_WORK.
LONG_CHAIN = "x = torch.tensor(1.0, requires_grad=True)\ny = x\n" + \
    "y = y * 1.01 + x\n" * 24 + "y.backward()\n# the concurrent export test\n"


@pytest.fixture
def app():
    return create_app({"TESTING": True, "AUTOGRAD_RATE_LIMIT": "100000 per minute"})


@pytest.fixture
def second_waits(monkeypatch):
    """An Event set once a request waits for an identical one's result."""
    return watch_waiters(monkeypatch)


def two_at_once(app, path, query):
    """The two responses to the same GET sent from two threads at once."""
    responses = [None, None]

    def send(index):
        responses[index] = app.test_client().get(path, query_string=query)
    threads = [threading.Thread(target=send, args=(index,)) for index in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return responses


def assert_same_answer(first, second):
    assert first.status_code == second.status_code
    assert first.mimetype == second.mimetype == "application/problem+json"
    assert first.json["type"] == second.json["type"]
    assert first.headers.get("Retry-After") == second.headers.get("Retry-After")


def test_a_too_large_export_is_422_for_both(app, client, second_waits, monkeypatch,
                                            drawing_in_process):
    document = client.get("/api/graph.json", query_string={"source": LONG_CHAIN})
    assert document.status_code == 200, document.json     # cached: only the PDF is shared
    steps, graph = len(document.json["timeline"]), document.json["graph"]
    assert steps * (len(graph["nodes"]) + len(graph["edges"])) > raster.MAX_PDF_STEP_WORK
    export = exports.export

    def held(*args, **options):
        assert second_waits.wait(30), "the second request never waited"
        return export(*args, **options)
    monkeypatch.setattr(exports, "export", held)
    first, second = two_at_once(app, "/api/graph.pdf",
                                {"source": LONG_CHAIN, "pages": "steps"})
    assert first.status_code == 422 and first.json["type"] == "/problems/export-too-large"
    assert_same_answer(first, second)


def test_an_unavailable_sandbox_is_503_with_retry_after_for_both(app, second_waits,
                                                                 monkeypatch):
    class Starting:
        def evaluate(self, request):
            assert second_waits.wait(30), "the second request never waited"
            raise SandboxUnavailable("The evaluation service did not start.")
    monkeypatch.setattr(evaluation, "shared_sandbox", Starting)
    source = "x = torch.tensor(3.0, requires_grad=True)\n(x * 2).backward()\n# unavailable\n"
    first, second = two_at_once(app, "/api/graph.json", {"source": source})
    assert first.status_code == 503 and first.headers["Retry-After"]
    assert first.json["type"] == "/problems/sandbox-unavailable"
    assert_same_answer(first, second)
