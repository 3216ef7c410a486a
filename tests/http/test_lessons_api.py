"""The lesson endpoints over the Flask test client (webapp/web/lessons.py): POST /api/numerics,
/api/descent and /api/forward refuse bad requests as problem+json and answer with the lesson."""
import pytest

from tests.support.descent import descend_directly, difficult
from tests.support.problems import assert_problem

SIN_EXP = "x = torch.tensor(2.0, requires_grad=True)\n" \
          "y = torch.sin((x + 2) + (1 + torch.exp(x ** 2)))\ny.backward()\n"
DIFFICULT = "x = torch.tensor(1.0, requires_grad=True)\n" \
            "y = -1 / (x ** 2 + 1) * torch.log(1 / (1 + torch.exp(-x)) + 1)\ny.backward()\n"
T_XY = "x = torch.tensor(2.0, requires_grad=True)\ny = torch.tensor(3.0, requires_grad=True)\n" \
       "t = x + y\nz = x * t\nz.backward()\n"


@pytest.mark.parametrize("body, status, detail", [
    ({"source": SIN_EXP, "dtype": "float16"}, 400, "'dtype' must be one of"),
    ({"source": SIN_EXP, "input": "not a name"}, 400, "'input' must be a variable name"),
    ({"source": SIN_EXP, "input": "q"}, 422, "'q' is not an input"),
    ({"source": ""}, 400, "'source' must be"),
    ({"source": "import os\n"}, 400, None),
])
def test_numerics_refuses_bad_requests(client, body, status, detail):
    assert_problem(client.post("/api/numerics", json=body), status, detail=detail)


def test_numerics_answers_with_the_lesson(client):
    response = client.post("/api/numerics", json={"source": SIN_EXP})
    assert response.status_code == 200, response.json
    assert response.json["inputs"][0]["name"] == "x"
    assert response.json["evaluations"]["forward"] == 2
    assert_problem(client.post("/api/numerics", data="x", content_type="text/plain"), 415)


def test_an_input_named_none_does_not_answer_for_the_absent_input(client):
    """The cache used to key lessons by each value's text: "None" and None were one key."""
    assert_problem(client.post("/api/numerics", json={"source": SIN_EXP, "input": "None"}),
                   422, detail="'None' is not an input")
    response = client.post("/api/numerics", json={"source": SIN_EXP})
    assert response.status_code == 200, response.json
    assert response.json["inputs"][0]["name"] == "x"


@pytest.mark.parametrize("body, detail", [
    ({"lr": 0}, "'lr' must be a number above 0"),
    ({"lr": "fast"}, "'lr' must be"),
    ({"steps": 0}, "'steps' must be an integer from 1 to 1000"),
    ({"steps": 5000}, "'steps' must be an integer"),
    ({"steps": 2.5}, "'steps' must be an integer"),
    ({"start": "far"}, "'start' must be a number"),
    ({"start": 1e300}, "'start' must be a number"),
])
def test_descent_refuses_bad_parameters(client, body, detail):
    assert_problem(client.post("/api/descent", json={"source": DIFFICULT, **body}), 400,
                   detail=detail)


def test_descent_answers_with_the_trajectory(client):
    response = client.post("/api/descent", json={"source": DIFFICULT, "lr": 0.5, "steps": 20})
    assert response.status_code == 200, response.json
    xs, _ = descend_directly(difficult, 1.0, 0.5, 20)
    assert response.json["x"] == xs


@pytest.mark.parametrize("body, detail", [
    ({"input": "q"}, "'q' is not an input"),
    ({"input": "x", "entry": 3}, "'entry' must be from 0 to 0"),
    ({"entry": -1}, "'entry' must be an integer"),
    ({"input": "1x"}, "'input' must be a variable name"),
])
def test_forward_refuses_bad_choices(client, body, detail):
    assert_problem(client.post("/api/forward", json={"source": T_XY, **body}), 400,
                   detail=detail)


def test_forward_answers_with_tangents(client):
    response = client.post("/api/forward", json={"source": T_XY, "input": "y"})
    assert response.status_code == 200, response.json
    assert response.json["output_tangent"] == 2.0 and response.json["grad"] == 2.0
