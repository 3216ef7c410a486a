"""Every answer is bounded by the graph's size (webapp/graph/bounds.py, paths.py,
execution/capture/values.py, execution/entry.py's warnings): issue 13's programs over real
HTTP through the sandbox, their numbers against PyTorch run directly."""
import json

import requests
import torch

from tests.support.bounded_programs import (MANY_WARNINGS, PATHS_BOMB, PATHS_BOMB_DIAMONDS,
                                            PATHS_BOMB_INPUTS)
from tests.support.documents import document_of
from tests.support.numbers import close
from tests.support.problems import assert_problem
from webapp.core import limits

TIMEOUT = 60
MEGABYTES_5 = 5_000_000


def post(live_server, source):
    return requests.post(f"{live_server}/api/graph", json={"source": source}, timeout=TIMEOUT)


def pytorch_bomb_grads():
    """The paths bomb run by PyTorch directly: each input's gradient."""
    xs = [torch.tensor(0.001 * i, dtype=torch.float64, requires_grad=True)
          for i in range(PATHS_BOMB_INPUTS)]
    s = xs[0]
    for x in xs[1:]:
        s = s + x
    for _ in range(PATHS_BOMB_DIAMONDS):
        s = torch.sin(s) + torch.cos(s)
    s.backward()
    return [x.grad for x in xs]


def assert_a_path(doc, start, path):
    """`path` goes from `start` to the output along the document's edges."""
    edges = {e["id"]: e for e in doc["graph"]["edges"]}
    assert path["nodes"][0] == start and path["nodes"][-1] == doc["output"]
    assert [(edges[e]["source"], edges[e]["target"]) for e in path["edges"]] == \
        list(zip(path["nodes"], path["nodes"][1:]))


def test_the_paths_bomb_answers_small_with_every_path_counted_and_summed(live_server):
    answer = post(live_server, PATHS_BOMB)
    assert answer.status_code == 200, answer.text
    assert len(answer.content) < MEGABYTES_5
    doc = answer.json()
    inputs = [n["id"] for n in doc["graph"]["nodes"] if n["kind"] == "input"]
    assert len(inputs) == PATHS_BOMB_INPUTS
    grads = pytorch_bomb_grads()
    nodes = len(doc["graph"]["nodes"])
    budget = limits.LISTED_PATH_NODES_PER_NODE * nodes + limits.MIN_LISTED_PATH_NODES
    listed = [p for node in inputs for p in doc["paths"][node]["paths"]]
    assert 0 < sum(len(p["nodes"]) for p in listed) <= budget
    for node, grad in zip(inputs, grads):
        paths = doc["paths"][node]
        assert paths["count"] == 2 ** PATHS_BOMB_DIAMONDS       # exact: an int of 133 digits
        assert close(paths["sum"], grad, rel=1e-9, abs_=0)       # ~6e-85, not 0
        assert close(paths["grad"], grad, rel=1e-12, abs_=0)
        assert paths["truncated"] is True
        for path in paths["paths"]:
            assert_a_path(doc, node, path)


def test_many_repeats_of_one_warning_answer_one_warning_with_its_count(live_server):
    source = MANY_WARNINGS.replace("range(900000)", "range(50000)")
    answer = post(live_server, source)
    assert answer.status_code == 200, answer.text
    assert answer.json()["warnings"] == ["make_dot: the graph is drawn by this page. "
                                         "(50,000 times)"]
    assert len(answer.content) < 20_000


def test_the_900000_warnings_program_answers_one_warning_in_a_small_document():
    doc = document_of(MANY_WARNINGS)          # in-process: its 900,000 calls take seconds
    assert doc["warnings"] == ["make_dot: the graph is drawn by this page. (900,000 times)"]
    assert len(json.dumps(doc)) < 20_000


LARGE_VALUES = """x = torch.linspace(-1, 1, 1023, requires_grad=True)
y = x
for i in range(100):
    y = torch.sin(y) * 1.01
y.sum().backward()
"""


def test_large_values_are_summarised_with_pytorchs_numbers(live_server):
    answer = post(live_server, LARGE_VALUES)
    assert answer.status_code == 200, answer.text
    assert len(answer.content) < MEGABYTES_5 // 5
    doc = answer.json()
    x = torch.linspace(-1, 1, 1023, requires_grad=True)
    y, values = x, []
    for _ in range(100):
        y = torch.sin(y) * 1.01
        values.append(y)
    muls = [n for n in doc["graph"]["nodes"] if n["label"] == "mul"]
    assert len(muls) == len(values)
    for node, value in zip(muls, values):
        summary = node["value"]
        assert summary["summary"] is True and summary["shape"] == [1023]
        assert summary["elements"] == 1023
        assert close(summary["first"], value.detach()[:limits.SUMMARY_FIRST_ELEMENTS])
        assert close(summary["min"], value.min().item())
        assert close(summary["max"], value.max().item())


def test_a_document_past_its_size_limit_is_a_422_naming_the_limit(client, monkeypatch):
    monkeypatch.setattr(limits, "DOCUMENT_BYTES_PER_ITEM", 1)
    monkeypatch.setattr(limits, "MIN_DOCUMENT_BYTES", 100)
    source = "x = torch.tensor(2.0, requires_grad=True)\ny = torch.sin(x) * x\ny.backward()\n"
    for lang, words in (("en", "DOCUMENT_BYTES_PER_ITEM"), ("ja", "上限")):
        answer = client.post("/api/graph", json={"source": source, "lang": lang})
        assert_problem(answer, 422)
        assert words in answer.json["detail"] and "DOCUMENT_BYTES_PER_ITEM" in \
            answer.json["detail"]
