"""Which language a refused program is answered in (webapp/web/problems.py): `lang` in the
JSON body, else in the query, else the most preferred language of Accept-Language that the
catalog has, else English; and an unknown `lang` is refused by name."""
import pytest

from tests.support.problems import assert_problem

SOURCE = "class A:\n    pass\n"
JAPANESE = "class は使えません"
ENGLISH = "class is not allowed"


@pytest.mark.parametrize("body, query, accept, expected", [
    ({"lang": "ja"}, {}, None, JAPANESE),
    ({"lang": "en"}, {}, "ja", ENGLISH),
    ({}, {"lang": "ja"}, None, JAPANESE),
    ({}, {}, "ja", JAPANESE),
    ({}, {}, "ja-JP,en;q=0.5", JAPANESE),
    ({}, {}, "en-US,en;q=0.9,ja;q=0.8", ENGLISH),
    ({}, {}, "fr-FR,ja;q=0.5", JAPANESE),
    ({}, {}, "fr", ENGLISH),
    ({}, {}, None, ENGLISH),
])
def test_the_answer_s_language(client, body, query, accept, expected):
    headers = {"Accept-Language": accept} if accept else {}
    answer = client.post("/api/graph", json={"source": SOURCE, **body}, query_string=query,
                         headers=headers)
    problem = assert_problem(answer, 400, slug="not-allowed")
    assert problem["detail"].startswith(expected), problem
    assert problem["errors"][0]["detail"] == problem["detail"]
    assert "Accept-Language" in answer.headers["Vary"]


def test_the_same_in_a_get_and_a_drawing(client):
    for path in ("/api/graph.json", "/api/graph.svg", "/api/graph.png"):
        answer = client.get(path, query_string={"source": SOURCE, "lang": "ja"})
        assert assert_problem(answer, 400)["detail"].startswith(JAPANESE), path


def test_an_unknown_lang_is_refused_by_name(client):
    answer = client.post("/api/graph", json={"source": "x = 1\n", "lang": "fr"})
    assert_problem(answer, 400, detail="'lang' must be")
