"""The compiler (webapp/execution/interpreter/compiler.py): Python statements and expressions
become closures that behave like Python's own (loops, break and continue, functions and the
names they see, tuple assignment, chained comparisons, imports). Runs in-process through
`evaluate` (what the sandbox child runs)."""
import pytest
import torch

from webapp.core import limits
from tests.support.documents import GRAD_X, problem, run
from tests.support.python_oracle import (assert_fails_like_python, assert_prints_like_python,
                                         without_checker)


def stdout(source):
    answer = run(source + GRAD_X + "y = x * 1\n")
    assert "problem" not in answer, answer
    return answer["stdout"]


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


def test_augmented_assignment_on_a_leaf_is_in_place_like_pytorch():
    assert "in-place" in problem(GRAD_X + "x += 1\n")["detail"]


def test_name_errors_point_at_the_name():
    body = problem("x = 1\ny = z + 1\n")
    assert (body["line"], body["column"], body["detail"]) == (2, 5, "name 'z' is not defined")


def test_a_function_reads_globals_when_it_is_called_and_keeps_its_own_locals():
    source = "a = 1\ndef f(v):\n    w = v * a\n    return w\na = 5\nw = 0\nprint(f(3), w)\n"
    assert stdout(source) == "15 0\n"


def test_recursion_returns_through_every_level():
    source = "def fact(n):\n    if n <= 1:\n        return 1\n    return n * fact(n - 1)\n" \
             "print(fact(6))\n"
    assert stdout(source) == "720\n"


def test_a_loop_of_tensor_operations_gives_pytorchs_gradient():
    answer = run(GRAD_X + "y = x\nfor i in range(4):\n    if i == 2:\n        continue\n"
                 "    y = y * x + i\ny.backward()\n")
    assert "problem" not in answer, answer
    x = torch.tensor(2.0, requires_grad=True)
    y = x
    for i in range(4):
        if i == 2:
            continue
        y = y * x + i
    y.backward()
    assert answer["variables"]["y"]["value"] == y.item()
    assert answer["variables"]["x"]["grad"] == float(x.grad)


# Loops, assert and targets (Python is the oracle) ------------------------------------------

@pytest.mark.parametrize("source", [
    "n = 0\nwhile n < 5:\n    n += 1\nprint(n)\n",
    "n = 0\nwhile True:\n    n += 1\n    if n % 2:\n        continue\n    if n > 6:\n        break\n"
    "print(n)\n",
    "x, tol = 10.0, 1e-6\nsteps = 0\nwhile abs(x * x - 2) > tol:\n    x = x - (x * x - 2) / (2 * x)\n"
    "    steps += 1\nprint(round(x, 6), steps)\n",
    "for a, (b, c) in [(1, (2, 3)), (4, (5, 6))]:\n    print(a + b + c)\n",
    "for x in (1.5, 2.5):\n    print(x)\nfor ch in 'ab':\n    print(ch)\n",
    "assert 1 + 1 == 2, 'arithmetic'\nprint('ok')\n",
    "counts = {}\nfor w in ['a', 'b', 'a']:\n    counts[w] = counts.get(w, 0) + 1\nprint(counts)\n",
])
def test_loops_and_targets_are_pythons(source):
    assert_prints_like_python(source)


@pytest.mark.parametrize("source", [
    "n = 3\nwhile n > 0:\n    n -= 1\nelse:\n    print('done', n)\n",
    "for i in range(3):\n    if i == 5:\n        break\nelse:\n    print('no break')\n",
    "for i in range(3):\n    if i == 1:\n        break\nelse:\n    print('no break')\nprint(i)\n",
])
def test_the_interpreter_alone_runs_loop_else_as_python(source, monkeypatch):
    without_checker(monkeypatch)          # the checker refuses `else` after a loop
    assert_prints_like_python(source)


@pytest.mark.parametrize("source", [
    "assert 1 > 2\n",
    "loss = 3.5\nassert loss < 1, f'loss too big: {loss}'\n",
    "assert [], 42\n",
    "x = torch.tensor([1.0, 2.0])\nassert x > 0\n",
])
def test_assert_fails_as_python_prints_it(source):
    assert_fails_like_python(source)


def test_a_while_loop_counts_each_test_as_a_step(monkeypatch):
    monkeypatch.setattr(limits, "MAX_STEPS", 2_000)
    body = problem("while True:\n    pass\n")
    assert body["status"] == 422 and "2,000 steps" in body["detail"] and body["line"] in (1, 2)
    assert_prints_like_python("n = 0\nwhile n < 600:\n    n += 1\nprint(n)\n")
    assert "2,000 steps" in problem("n = 0\nwhile n < 1001:\n    n += 1\n")["detail"]
