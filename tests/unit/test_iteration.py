"""The builtins that take iterables (webapp/execution/interpreter/iteration.py): enumerate,
zip, reversed, sorted, min, max with key=, any, all, dict, list, tuple, isinstance; lazy ones
count a step per item. Python is the oracle for what each program prints or raises."""
import pytest

from webapp.core import limits
from tests.support.documents import problem
from tests.support.python_oracle import assert_fails_like_python, assert_prints_like_python


@pytest.mark.parametrize("source", [
    "xs, ys = [1.0, 2.0, 3.0], [2.0, 4.1, 5.9]\nfor x, y in zip(xs, ys):\n    print(x, y)\n",
    "for i, v in enumerate(['a', 'b'], 1):\n    print(i, v)\nprint(list(enumerate('ab', start=5)))\n",
    "print(list(zip([1, 2, 3], 'ab')), list(zip()), dict(zip('ab', [1, 2])))\n",
    "print(list(reversed([1, 2, 3])), list(reversed(range(3))), list(reversed('abc')))\n",
    "x = torch.tensor([[1.0, 2.0], [3.0, 4.0]])\nprint(reversed(x), reversed(torch.tensor(1.0)))\n",
    "for row in reversed(torch.tensor([[1.0], [2.0]])):\n    print(row)\n",
    "print(sorted([3, 1, 2]), sorted('bca', reverse=True), sorted([(2, 'b'), (1, 'z')]))\n",
    "d = {'a': 3, 'b': 1}\nprint(sorted(d.items(), key=lambda kv: kv[1]), max(d, key=d.get))\n",
    "print(min([3, 1, 2], key=lambda v: -v), max(3, 7, 5), min([], default=0), max('hello'))\n",
    "print(any([0, 0, 1]), all([]), any(x > 2 for x in range(4)), all(x < 2 for x in [1, 3]))\n",
    "print(list(range(3)), tuple('ab'), list(), tuple(), dict(), dict([('k', 2)]))\n",
    "print(isinstance(1, int), isinstance(1.0, (int, float)), isinstance([], dict))\n",
    "print(sum([1, 2, 3], 10), sum([[1], [2]], []), sum(range(5), start=1))\n",
    "ts = [torch.tensor(float(i), requires_grad=True) for i in range(3)]\n"
    "print(max(ts, key=lambda t: -t.item()), sum(t * t for t in ts))\n",
])
def test_iteration_builtins_are_pythons(source):
    assert_prints_like_python(source)


@pytest.mark.parametrize("source", [
    "print(min([]))\n",
    "print(max())\n",
    "print(list(reversed(x for x in [1])))\n",
    "print(list(reversed(5)))\n",
    "for i in zip(1, 2):\n    pass\n",
    "print(sorted([1, 'a']))\n",
    "print(dict([1, 2]))\n",
    "print(list(enumerate([1], 1.5)))\n",
])
def test_iteration_errors_are_pythons_own(source):
    assert_fails_like_python(source)


def test_zip_and_enumerate_count_a_step_per_item(monkeypatch):
    monkeypatch.setattr(limits, "MAX_STEPS", 5_000)
    assert "5,000 steps" in problem("n = len(list(zip(range(10 ** 9), range(10 ** 9))))\n")[
        "detail"]
    assert "5,000 steps" in problem("n = any(i < 0 for i, v in enumerate(range(10 ** 9)))\n")[
        "detail"]
    assert_prints_like_python("print(len(list(zip(range(4000), range(4000)))))\n")


@pytest.mark.parametrize("source", [
    "print(sum())\n", "print(sum([1], 2, 3))\n", "print(enumerate())\n",
    "print(enumerate([1], 2, 3))\n", "print(list(1, 2))\n", "print(sorted())\n",
    "print(any())\n", "print(zip(1))\n",
])
def test_wrong_arguments_to_the_iterable_builtins_are_pythons_errors(source):
    assert_fails_like_python(source)
