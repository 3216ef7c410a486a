"""Long programs in addresses: a GET whose query is longer than MAX_QUERY_BYTES is a 414
problem+json in the asked language (webapp/web/protection.py), gunicorn reads request lines up
to its own maximum, and a longer line is a problem+json too, not gunicorn's HTML page
(webapp/web/serving.py); the same program POSTed is drawn. Against gunicorn over real HTTP."""
import sys
import urllib.parse

import pytest
import requests

from tests.support.paths import REPO
from tests.support.problems import assert_problem
from webapp.core import limits

sys.path.insert(0, str(REPO / "benchmarks"))
import load  # noqa: E402  (benchmarks/ is not a package)

HEAD = "x = torch.tensor(2.0, requires_grad=True)\ny = x * x\n"


def program(chars):
    """A program of exactly `chars` characters: the graph, then a comment of arithmetic (as a
    student's notes are) to fill, much of which is sent as %XX."""
    filler = "# y = x * (x + 1), " * chars
    return HEAD + filler[:chars - len(HEAD)]


def query_of(length, **more):
    """A query string of exactly `length` bytes carrying a program (plain letters need no %XX)."""
    others = urllib.parse.urlencode(more)
    fixed = len(urllib.parse.urlencode({"source": HEAD + "# "})) + (len(others) + 1 if more
                                                                     else 0)
    source = HEAD + "# " + "a" * (length - fixed)
    query = urllib.parse.urlencode({"source": source, **more})
    assert len(query) == length
    return query


def test_a_query_at_the_limit_is_read_and_one_byte_more_is_a_414(client):
    assert client.get(f"/api/graph.json?{query_of(limits.MAX_QUERY_BYTES)}").status_code == 413
    body = assert_problem(client.get(f"/api/graph.json?{query_of(limits.MAX_QUERY_BYTES + 1)}"),
                          414, slug="query-too-long")
    assert f"{limits.MAX_QUERY_BYTES:,}" in body["detail"] and "POST" in body["detail"]


def test_the_414_speaks_the_asked_language(client):
    answer = client.get(f"/api/graph.svg?{query_of(limits.MAX_QUERY_BYTES + 10, lang='ja')}")
    assert "上限は 8,000 バイト" in assert_problem(answer, 414)["detail"]
    answer = client.get(f"/api/graph.svg?{query_of(limits.MAX_QUERY_BYTES + 10)}",
                        headers={"Accept-Language": "ja-JP,en;q=0.5"})
    assert "上限" in assert_problem(answer, 414)["detail"]


@pytest.fixture(scope="module")
def gunicorn():
    server = load.Server(workers=1)
    yield server.base
    server.stop()


@pytest.mark.slow
def test_a_long_program_in_an_address_is_drawn_by_gunicorn(gunicorn):
    # Over gunicorn's default line of 4,094 bytes (its HTML 414 before), inside MAX_QUERY_BYTES.
    source = program(limits.MAX_SOURCE_CHARS)
    query = urllib.parse.urlencode({"source": source})
    assert 4_094 < len(query) < limits.MAX_QUERY_BYTES
    answer = requests.get(f"{gunicorn}/api/graph.svg?{query}", timeout=60)
    assert answer.status_code == 200 and answer.text.lstrip().startswith("<"), answer.text[:200]


@pytest.mark.slow
@pytest.mark.parametrize("length", [limits.MAX_QUERY_BYTES + 1, limits.LONGEST_REQUEST_LINE,
                                    limits.LONGEST_REQUEST_LINE + 1, 30_000])
def test_every_over_long_address_is_problem_json_from_gunicorn(gunicorn, length):
    answer = requests.get(f"{gunicorn}/api/graph.svg?{query_of(length)}", timeout=60)
    body = assert_problem(answer, 414, slug="query-too-long")
    assert "POST" in body["detail"]


@pytest.mark.slow
def test_the_same_long_program_posted_is_drawn(gunicorn):
    source = program(limits.MAX_SOURCE_CHARS)
    answer = requests.post(f"{gunicorn}/api/graph", json={"source": source}, timeout=60)
    assert answer.status_code == 200 and answer.json()["graph"]["nodes"], answer.text[:200]
