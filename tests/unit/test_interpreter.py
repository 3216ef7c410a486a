"""The interpreter's Python: what runs, what it prints, and the limits it enforces itself.
Runs in-process through `evaluate` (what the sandbox child runs)."""
import pytest

from webapp.core import limits
from webapp.execution.entry import evaluate

GRAD_X = "x = torch.tensor(2.0, requires_grad=True)\n"


def run(source, **request):
    return evaluate({"source": source, **request})


def stdout(source):
    answer = run(source + GRAD_X + "y = x * 1\n")
    assert "problem" not in answer, answer
    return answer["stdout"]


def problem(source):
    answer = run(source)
    assert "problem" in answer, answer
    return answer["problem"]


@pytest.mark.parametrize("source, printed", [
    ("print(1, 2, sep='-', end='!')\n", "1-2!"),
    ("def f(a, b):\n    return a * b + 1\nprint(f(3, 4))\n", "13\n"),
    ("s = 0\nfor i in range(5):\n    if i == 3:\n        break\n    s = s + i\nprint(s)\n",
     "3\n"),
    ("s = 0\nfor i in range(5):\n    if i % 2:\n        continue\n    s += i\nprint(s)\n",
     "6\n"),
    ("a, b = 1, 2\nprint(b, a)\n", "2 1\n"),
    ("x = 5\nprint('big' if x > 3 else 'small', x > 3 and x < 10, not x)\n",
     "big True False\n"),
    ("print(1 < 2 < 3, 3 < 2 < 4)\n", "True False\n"),
    ("import math\nprint(math.sqrt(16.0), math.pi > 3)\n", "4.0 True\n"),
    ("from math import exp\nprint(exp(0))\n", "1.0\n"),
    ("import torch.nn.functional as F\nprint(F.relu(torch.tensor(-1.0)))\n", "tensor(0.)\n"),
    ("print(*torch.tensor([1.0, 2.0]).numpy())\n", "1.0 2.0\n"),
    ("print(torch.tensor([[1.0, 2.0]]).shape[1], len([1, 2, 3]))\n", "2 3\n"),
    ("print(sum([torch.tensor(1.0), torch.tensor(2.0)]))\n", "tensor(3.)\n"),
    ("l = [1, 2, 3]\nprint(l[1:], l[-1])\n", "[2, 3] 3\n"),
])
def test_python_subset(source, printed):
    assert stdout(source) == printed


def test_repl_paste_echoes_expressions_like_the_repl():
    answer = run(">>> x = torch.tensor(2.0, requires_grad=True)\n>>> y = x * 3\n"
                 ">>> y.backward()\n>>> x.grad\ntensor(3.)\n")
    assert answer["stdout"] == "tensor(3.)\n"


def test_data_assignment_and_zero_grad_like_a_training_loop():
    answer = run(GRAD_X + "for i in range(3):\n    y = x * x\n    y.backward()\n"
                 "    x.data = x.data - 0.1 * x.grad\n    x.grad.zero_()\n")
    assert abs(answer["variables"]["x"]["value"] - 2.0 * 0.8 ** 3) < 1e-6


def test_augmented_assignment_on_a_leaf_is_in_place_like_pytorch():
    assert "in-place" in problem(GRAD_X + "x += 1\n")["detail"]


def test_backward_twice_gives_pytorchs_error():
    body = problem(GRAD_X + "y = x * x\ny.backward()\ny.backward()\n")
    assert "backward through the graph a second time" in body["detail"]
    assert body["line"] == 4


def test_backward_twice_without_saved_tensors_accumulates_like_pytorch():
    answer = run(GRAD_X + "y = x + 1\ny.backward()\ny.backward()\n")
    assert answer["variables"]["x"]["grad"] == 2.0


def test_pytorch_warnings_are_passed_on():
    answer = run(GRAD_X + "y = x * 2\nz = y.grad\n")
    assert any("not a leaf" in w for w in answer["warnings"])


def test_name_errors_point_at_the_name():
    body = problem("x = 1\ny = z + 1\n")
    assert (body["line"], body["column"], body["detail"]) == (2, 5, "name 'z' is not defined")


def test_steps_limit(monkeypatch):
    monkeypatch.setattr(limits, "MAX_STEPS", 1_000)
    body = problem("x = 0\nfor i in range(2000):\n    x = x + 1\n")
    assert body["status"] == 422 and "1,000 steps" in body["detail"]


def test_call_depth_limit():
    body = problem("def f(x):\n    return f(x)\nf(1)\n")
    assert f"{limits.MAX_CALL_DEPTH} deep" in body["detail"]


def test_stdout_limit():
    answer = run(GRAD_X + "y = x * 1\nfor i in range(2000):\n    print('a' * 100)\n")
    assert len(answer["stdout"]) == limits.MAX_STDOUT_CHARS
    assert any("cut" in w for w in answer["warnings"])


def test_tensor_element_limit():
    assert "at most" in problem(f"x = torch.ones({limits.MAX_TENSOR_ELEMENTS + 1})\n")["detail"]
    assert "problem" not in run(f"x = torch.ones({limits.MAX_TENSOR_ELEMENTS}, "
                                "requires_grad=True)\ny = x.sum()\n")


def test_tensor_dimension_limit():
    shape = ", ".join(["1"] * (limits.MAX_TENSOR_DIMS + 1))
    assert "dimensions" in problem(f"x = torch.ones({shape})\n")["detail"]


def test_total_elements_limit():
    body = problem("l = []\nfor i in range(20):\n    l = l + [torch.ones(90000)]\n")
    assert f"{limits.MAX_TOTAL_ELEMENTS:,}" in body["detail"]


def test_live_elements_are_released_when_tensors_go_away():
    answer = run(GRAD_X + "for i in range(50):\n    t = torch.ones(90000)\ny = x * 1\n")
    assert "problem" not in answer


def test_integer_limit():
    assert "too large" in problem("n = 2 ** 100000\n")["detail"]
    assert "too large" in problem("n = 2 ** 4000\nm = n * n\n")["detail"]


def test_string_and_list_limits():
    assert "too long" in problem("s = 'ab' * 6000\n")["detail"]
    assert "too long" in problem("l = [1] * 20000\n")["detail"]


def test_seeded_random_numbers_repeat():
    source = "x = torch.rand(2, requires_grad=True)\nprint(x)\ny = x.sum()\n"
    assert run(source, seed=3)["stdout"] == run(source, seed=3)["stdout"] \
        != run(source, seed=4)["stdout"]
