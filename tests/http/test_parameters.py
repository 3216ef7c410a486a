"""Request parameters (webapp/web/parameters.py) against /api/openapi.json, through the Flask
client: each endpoint reads exactly the parameters its description lists. A listed one with a
bad value is refused by name and with a good value accepted; any other one is ignored."""
import pytest

from tests.support.problems import assert_problem
from webapp import create_app
from webapp.web.parameters import PARAMETERS

# A call of a user function: its graph has one group (g0), for the `group` parameter; and a
# gradient made with create_graph=True (higher_order[0]), for `gradient`.
PROGRAM = ("def f(a):\n    return (a - 1) ** 2\n\n\n"
           "x = torch.tensor(0.5, requires_grad=True)\ny = f(x)\n"
           "g, = torch.autograd.grad(y, x, create_graph=True)\ny.backward()\n")
BAD = {"program": "", "name": "1x", "integer": "x", "number": "x", "choice": "nonsense",
       "flag": "2", "inputs": "x"}
# A good value for each parameter whose default is None, and the program itself.
GOOD = {"source": PROGRAM, "output": "y", "input": "x", "step": "0", "start": 0.25, "aspect": "1.5",
        "group": "g0", "gradient": "0", "inputs": "x:0.25"}


@pytest.fixture
def app():
    """One test here sends more requests than the rate limit lets a client send."""
    return create_app({"TESTING": True, "AUTOGRAD_RATE_LIMIT": "100000 per minute"})


@pytest.fixture
def spec(client):
    return client.get("/api/openapi.json").json


def documented(spec):
    """(path, method, names of its parameters) for every API endpoint taking a program."""
    found = []
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method == "get":
                names = [ref["$ref"].rsplit("/", 1)[-1] for ref in operation["parameters"]
                         if "$ref" in ref]
            else:
                names = list(operation["requestBody"]["content"]["application/json"]
                             ["schema"]["properties"])
            if "source" in names:
                found.append((path, method, names))
    return found


def ask(client, path, method, parameters):
    if method == "get":
        return client.get(path, query_string={name: str(value)
                                              for name, value in parameters.items()})
    return client.post(path, json=parameters)


def good_value(name):
    return GOOD.get(name, PARAMETERS[name].default)


def test_every_endpoint_taking_a_program_is_checked(spec):
    paths = {path for path, _, _ in documented(spec)}
    assert paths == {"/api/graph", "/api/graph.json", "/api/graph.svg", "/api/graph.png",
                     "/api/graph.pdf", "/api/graph.gif", "/api/graph.dot", "/api/numerics",
                     "/api/descent", "/api/forward"}


def test_every_documented_parameter_is_declared(spec):
    for path, method, names in documented(spec):
        assert set(names) <= set(PARAMETERS), path


def test_the_documented_parameters_with_good_values_are_accepted(client, spec):
    for path, method, names in documented(spec):
        response = ask(client, path, method, {name: good_value(name) for name in names})
        assert response.status_code == 200, (path, response.json)


def test_a_documented_parameter_with_a_bad_value_is_refused_by_name(client, spec):
    for path, method, names in documented(spec):
        for name in names:
            response = ask(client, path, method,
                           {"source": PROGRAM, name: BAD[PARAMETERS[name].kind]})
            assert_problem(response, 400, detail=f"'{name}' must be")


def test_a_parameter_an_endpoint_does_not_document_is_ignored(client, spec):
    for path, method, names in documented(spec):
        for name in set(PARAMETERS) - set(names):
            response = ask(client, path, method,
                           {"source": PROGRAM, name: BAD[PARAMETERS[name].kind]})
            assert response.status_code == 200, (path, name, response.json)


@pytest.mark.parametrize("query", ["seed=%D9%A1", "seed=%201", "seed=1_0", "step=%C2%B3",
                                   "scale=1_0", "scale=%D9%A2"])
def test_numbers_in_a_query_are_ascii_digits_only(client, query):
    answer = client.get(f"/api/graph.png?source={PROGRAM.replace(chr(10), '%0A')}&{query}")
    body = assert_problem(answer, 400)
    assert body["detail"].startswith(f"'{query.split('=')[0]}' must be")


def test_a_json_body_nested_thirty_thousand_deep_is_a_400(client):
    deep = "[" * 30_000 + "]" * 30_000
    answer = client.post("/api/graph", data='{"source": "x = 1", "seed": ' + deep + "}",
                         content_type="application/json")
    assert assert_problem(answer, 400)["detail"] == "The JSON body is nested too deeply."
