"""Gradient descent (webapp/execution/lessons/descent.py, POST /api/descent): the trajectory, loss per step and
curve, each equal to running the same loop directly in PyTorch."""
import math

import pytest
import torch

from tests.support.descent import descend_directly, difficult
from webapp.execution.lessons import runner
from webapp.execution.entry import evaluate

DIFFICULT = "x = torch.tensor(1.0, requires_grad=True)\n" \
            "y = -1 / (x ** 2 + 1) * torch.log(1 / (1 + torch.exp(-x)) + 1)\ny.backward()\n"


def lesson(source, **options):
    answer = evaluate({"source": source, "lesson": "descent", **options})
    assert "problem" not in answer, answer.get("problem")
    return answer["lesson"]


def test_the_lectures_gradient_descent_program_shows_its_own_trajectory(lecture_examples):
    example = next(e for e in lecture_examples if e["id"] == "gradient_descent")
    result = lesson(example["source"])
    # The same loop, directly in PyTorch.
    x = torch.tensor(3.0, requires_grad=True)
    xs, losses = [], []
    for _ in range(10001):
        y = x ** 2 + torch.exp(-x)
        y.backward()
        xs.append(float(x.detach()))
        losses.append(float(y.detach()))
        x.data = x.data - 0.01 * x.grad
        x.grad.zero_()
    xs.append(float(x.detach()))
    assert result["mode"] == "program" and result["input"] == "x" and result["lr"] is None
    assert result["steps"] == 10001 and result["stride"] == 10
    assert result["step"][0] == 0 and result["step"][-1] == 10001
    assert result["x"] == [xs[k] for k in result["step"]]
    assert result["loss"][:-1] == [losses[k] for k in result["step"][:-1]]
    assert result["final"]["x"] == xs[-1] == example["final"]["x"]
    final = torch.tensor(xs[-1])
    assert math.isclose(result["final"]["loss"], float(final ** 2 + torch.exp(-final)),
                        rel_tol=1e-6)
    curve = result["curve"]
    assert len(curve["x"]) == 81 and min(curve["x"]) < min(xs) and max(curve["x"]) > max(xs)
    for x_value, y_value in zip(curve["x"], curve["y"]):
        t = torch.tensor(x_value)
        assert math.isclose(y_value, float(t ** 2 + torch.exp(-t)), rel_tol=1e-6)


def test_descent_on_the_difficult_function_equals_the_loop_in_pytorch():
    result = lesson(DIFFICULT, lr=0.5, steps=100)
    xs, losses = descend_directly(difficult, 1.0, 0.5, 100)
    assert result["mode"] == "descent" and result["lr"] == 0.5 and result["steps"] == 100
    assert result["step"] == list(range(101)) and result["stride"] == 1
    assert result["x"] == xs and result["loss"] == losses
    assert result["final"] == {"x": xs[-1], "loss": losses[-1]}
    for x_value, y_value in zip(result["curve"]["x"], result["curve"]["y"]):
        assert math.isclose(y_value, float(difficult(torch.tensor(x_value))), rel_tol=1e-6)


def test_a_start_and_a_learning_rate_are_taken(lecture_examples):
    quadratic = next(e for e in lecture_examples if e["id"] == "quadratic")
    result = lesson(quadratic["source"], lr=0.1, steps=60, start=-5.0)
    xs, losses = descend_directly(lambda x: x ** 2 + 4 * x + 3, -5.0, 0.1, 60)
    assert result["x"] == xs and result["loss"] == losses
    assert math.isclose(result["final"]["x"], -2.0, abs_tol=1e-4)     # the minimum of f


@pytest.mark.parametrize("source, detail", [
    ("x = torch.tensor(2.0, requires_grad=True)\ny = torch.tensor(3.0, requires_grad=True)\n"
     "z = 2 * x + 4 * y\n", "function of one number"),
    ("x = torch.tensor([1.0, 2.0], requires_grad=True)\ny = (x * x).sum()\n",
     "function of one number"),
    ("x = torch.tensor([1.0, 2.0], requires_grad=True)\ny = x * x\n", "one number"),
])
def test_programs_that_are_not_functions_of_one_number_are_refused(source, detail):
    answer = evaluate({"source": source, "lesson": "descent"})
    assert answer["problem"]["status"] == 422 and detail in answer["problem"]["detail"]


def test_too_many_steps_for_the_clock_are_refused_before_running(monkeypatch):
    monkeypatch.setattr(runner, "BUDGET_S", 1e-6)
    answer = evaluate({"source": DIFFICULT, "lesson": "descent", "steps": 50})
    assert answer["problem"]["status"] == 422
    assert "50 steps of gradient descent" in answer["problem"]["detail"]
