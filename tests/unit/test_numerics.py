"""Numerical vs automatic differentiation (webapp/execution/lessons/numerics.py, POST /api/numerics): the forward
and central estimates, their errors and the error-vs-h sweep, checked against the same
differences computed directly in PyTorch and against autograd's gradient."""
import math

import torch

from webapp.execution.lessons import runner
from webapp.execution.entry import evaluate

SIN_EXP = "x = torch.tensor(2.0, requires_grad=True)\n" \
          "y = torch.sin((x + 2) + (1 + torch.exp(x ** 2)))\ny.backward()\n"
TWO_VARS = "x = torch.tensor(2.0, requires_grad=True)\ny = torch.tensor(3.0, requires_grad=True)\n" \
           "z = x * x * y + torch.sin(y)\nz.backward()\n"


def lesson(source, **options):
    answer = evaluate({"source": source, "lesson": "numerics", **options})
    assert "problem" not in answer, answer.get("problem")
    return answer["lesson"]


def sin_exp(x):
    return torch.sin((x + 2) + (1 + torch.exp(x ** 2)))


def test_estimates_and_errors_equal_the_differences_computed_directly():
    result = lesson(SIN_EXP)
    (row,) = result["inputs"]
    x = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
    (grad,) = torch.autograd.grad(sin_exp(x), x)
    h = 1e-6
    f0, plus, minus = (float(sin_exp(torch.tensor(v, dtype=torch.float64)))
                       for v in (2.0, 2.0 + h, 2.0 - h))
    forward, central = (plus - f0) / h, (plus - minus) / (2 * h)
    assert result["h"] == h and result["dtype"] == "float64" and row["name"] == "x"
    assert math.isclose(row["grad"], float(grad), rel_tol=1e-12)
    assert math.isclose(row["forward"], forward, rel_tol=1e-12)
    assert math.isclose(row["central"], central, rel_tol=1e-12)
    assert math.isclose(row["forward_error"], abs(forward - float(grad)), rel_tol=1e-9)
    assert math.isclose(row["central_error"], abs(central - float(grad)), rel_tol=1e-9)
    assert row["central_error"] < row["forward_error"]          # O(h^2) against O(h)


def test_the_sweep_shows_truncation_falling_and_cancellation_rising():
    sweep = lesson(SIN_EXP)["sweep"]
    assert sweep["h"] == [10.0 ** -k for k in range(1, 13)]
    x = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
    (grad,) = torch.autograd.grad(sin_exp(x), x)
    f = lambda v: float(sin_exp(torch.tensor(v, dtype=torch.float64)))  # noqa: E731
    for h, forward_error, central_error in zip(sweep["h"], sweep["forward_error"],
                                               sweep["central_error"]):
        assert math.isclose(forward_error, abs((f(2 + h) - f(2)) / h - float(grad)),
                            rel_tol=1e-9, abs_tol=1e-12)
        assert math.isclose(central_error, abs((f(2 + h) - f(2 - h)) / (2 * h) - float(grad)),
                            rel_tol=1e-9, abs_tol=1e-12)
    errors = dict(zip(sweep["h"], sweep["forward_error"]))
    assert errors[1e-1] > errors[1e-4] > errors[1e-7]            # truncation error falls
    assert errors[1e-12] > errors[1e-9]                          # cancellation error rises


def test_evaluation_counts_for_n_inputs():
    result = lesson("x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)\n"
                    "w = torch.tensor(0.5, requires_grad=True)\n"
                    "y = (w * x ** 2).sum()\ny.backward()\n")
    assert result["evaluations"] == {"entries": 4, "forward": 5, "central": 8,
                                     "autograd": {"forward": 1, "backward": 1}}
    rows = {row["name"]: row for row in result["inputs"]}
    assert rows["x"]["grad"] == [1.0, 2.0, 3.0] and rows["w"]["grad"] == 14.0
    for name in rows:
        for estimate in ("forward", "central"):
            flat = rows[name][estimate] if isinstance(rows[name][estimate], list) \
                else [rows[name][estimate]]
            exact = rows[name]["grad"] if isinstance(rows[name]["grad"], list) \
                else [rows[name]["grad"]]
            assert all(math.isclose(a, b, rel_tol=1e-5) for a, b in zip(flat, exact))


def test_every_lecture_program_agrees_with_autograd_within_the_methods_error(lecture_examples):
    for example in lecture_examples:
        if "grads" not in example:
            continue
        result = lesson(example["source"])
        for row in result["inputs"]:
            expected = example["grads"][row["name"]]
            central = row["central"] if isinstance(row["central"], list) else [row["central"]]
            expected = expected if isinstance(expected, list) else [expected]
            flat = [v for item in expected for v in (item if isinstance(item, list) else [item])]
            flat_central = [v for item in central for v in
                            (item if isinstance(item, list) else [item])]
            for ours, theirs in zip(flat_central, flat):
                assert math.isclose(ours, theirs, rel_tol=1e-4, abs_tol=1e-6), example["id"]


def test_a_chosen_input_is_swept_and_float32_shows_larger_errors():
    result = lesson(TWO_VARS, input="y")
    assert result["sweep"]["input"] == "y"
    assert math.isclose(result["sweep"]["grad"], 4.0 + math.cos(3.0), rel_tol=1e-12)
    single = lesson(TWO_VARS, dtype="float32")
    double = lesson(TWO_VARS)
    assert single["dtype"] == "float32"
    assert single["inputs"][0]["forward_error"] > 100 * double["inputs"][0]["forward_error"]


def test_too_many_input_entries_are_refused_with_the_counts():
    answer = evaluate({"source": "x = torch.ones(100, requires_grad=True)\ny = (x * x).sum()\n",
                       "lesson": "numerics"})
    assert answer["problem"]["status"] == 422
    assert "101" in answer["problem"]["detail"] and "200" in answer["problem"]["detail"]


def test_a_program_too_slow_to_rerun_is_refused_before_rerunning(monkeypatch):
    monkeypatch.setattr(runner, "BUDGET_S", 1e-6)
    answer = evaluate({"source": SIN_EXP, "lesson": "numerics"})
    assert answer["problem"]["status"] == 422
    assert "would run this program 26 more times" in answer["problem"]["detail"]


def test_the_default_dtype_is_put_back():
    lesson(SIN_EXP)
    assert torch.get_default_dtype() == torch.float32
