"""The drawing pool's limits through the API: a costly export is a 422 problem+json naming
its limit, in the asker's language, kept 30 s (the same request does not draw again); the
graph JSON of a large document is encoded in the pool, byte for byte what Flask writes."""
import os
import pickle

import pytest

from webapp.pool import supervisor

HUNDRED_NODES = ("x = torch.tensor(0.5, requires_grad=True)\ny = x\n"
                 "for i in range(25):\n    y = torch.sin(y) * x + 1\ny.backward()\n")
# A long chain: a large tensor's values are summarised now (graph/bounds.py), a graph's
# nodes are not.
WIDE = ("x = torch.tensor(0.5, requires_grad=True)\ny = x\nfor i in range(900):\n"
        "    y = y * 1.01\ny.backward()\n")


@pytest.fixture
def one_second_pool(monkeypatch):
    pool = supervisor.DrawingPool(1, cpu_limit_s=1)
    monkeypatch.setitem(supervisor._shared, "pool", pool)
    monkeypatch.setitem(supervisor._shared, "pid", os.getpid())
    yield pool
    pool.stop()


@pytest.mark.parametrize("lang, words", [("ja", "処理時間の上限"), ("en", "processor time")])
def test_a_gif_past_the_cpu_limit_is_a_422_naming_it(client, one_second_pool, lang, words):
    query = {"source": HUNDRED_NODES, "scale": "2", "lang": lang}
    response = client.get("/api/graph.gif", query_string=query)
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    problem = response.json
    assert problem["type"] == "/problems/drawing-limit"
    assert problem["limit"] == "RENDER_CPU_LIMIT_S"
    assert words in problem["detail"] and "RENDER_CPU_LIMIT_S" in problem["detail"]
    pids = one_second_pool.pids()
    again = client.get("/api/graph.gif", query_string=query)
    assert again.status_code == 422 and one_second_pool.pids() == pids   # kept, not redrawn


def test_a_large_document_is_encoded_in_the_pool_as_flask_would(app, client):
    from webapp.core import limits
    from webapp.pipeline import evaluation as pipeline
    response = client.get("/api/graph.json", query_string={"source": WIDE})
    assert response.status_code == 200 and response.mimetype == "application/json"
    document = pipeline.graph_document(WIDE)
    assert len(pickle.dumps(document)) > limits.INLINE_JSON_MAX_BYTES      # the pool's path
    with app.app_context():
        assert response.data == app.json.response(document).get_data()
    assert response.json == document
