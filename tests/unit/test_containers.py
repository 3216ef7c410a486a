"""Python's containers in the interpreter (webapp/execution/interpreter/containers.py and
comprehensions.py): list and dict methods, item assignment, iteration (a tensor's rows drawn as
indexing), comprehensions in their own scope, generator expressions, and the limits on lists,
dicts and steps. Python is the oracle for what each program prints or raises."""
import pytest
import torch

from webapp.core import limits
from tests.support.documents import GRAD_X, document_of, problem
from tests.support.python_oracle import (assert_fails_like_python, assert_prints_like_python,
                                         without_checker)


@pytest.mark.parametrize("source", [
    "losses = []\nfor i in range(3):\n    losses.append(i * 0.5)\nprint(losses, len(losses))\n",
    "a = [1, 2]\na.extend([3, 4])\na.extend(range(2))\na.insert(0, 9)\n"
    "print(a, a.pop(), a.pop(0), a, a.index(3), a.count(1))\n",
    "a = [5, 6, 7, 8]\na[0] = 1\na[1:3] = [0]\na[-1] += 10\nprint(a, a[::-1], a[1:])\n",
    "d = {'lr': 0.1, 'steps': 3}\nd['momentum'] = 0.9\nd['lr'] *= 2\n"
    "print(d, d['lr'], 'lr' in d, 'x' not in d, len(d))\n",
    "d = {'a': 1, 'b': 2}\nprint(list(d.items()), list(d.keys()), list(d.values()), "
    "d.get('c'), d.get('c', 0), d.get('a'))\n",
    "d = {}\nfor k, v in [('x', 1), ('y', 2)]:\n    d[k] = v\nfor k in d:\n    print(k, d[k])\n",
    "print([i * i for i in range(5) if i % 2 == 0], {k: k * 2 for k in 'ab'})\n",
    "print([(i, j) for i in range(3) for j in range(i)])\n",
    "print([[r * c for c in range(3)] for r in range(2)])\n",
    "pairs = [(1, 'a'), (2, 'b')]\nprint({n: s for n, s in pairs}, [s for n, s in pairs])\n",
    "i = 'kept'\nsquares = [i * i for i in range(3)]\nprint(i, squares)\n",
    "k = 3\nprint([k * j for j in range(3)])\n",
    "def f(n):\n    return [n * j for j in range(n)]\nprint(f(3))\n",
    "print(sum(x * x for x in range(10)), max(x % 7 for x in range(20)), "
    "min((x for x in [3, 1, 2])))\n",
    "g = (x for x in range(3))\nprint(list(g), list(g))\n",
    "print(torch.stack([torch.tensor(float(i)) for i in range(3)]))\n",
    "ts = [torch.ones(2) * i for i in range(3)]\nprint(torch.cat(ts), sum(ts), "
    "sum(t.sum() for t in ts))\n",
    "x = torch.tensor([[1.0, 2.0], [3.0, 4.0]])\nfor row in x:\n    print(row, row.sum())\n",
    "x = torch.tensor([1.0, 2.0, 3.0])\nprint([v.item() for v in x], 2.0 in x)\n",
    "(a, b), c = (1, 2), 3\n[d, e] = 'de'\nprint(a, b, c, d, e)\n",
    "x = torch.tensor([1.0, 2.0])\na, b = x\nprint(a, b)\n",
])
def test_containers_behave_as_in_python(source):
    assert_prints_like_python(source)


@pytest.mark.parametrize("source", [
    "a = []\na.pop()\n",
    "a = [1]\na.pop(5)\n",
    "d = {}\nd['missing']\n",
    "t = (1, 2)\nt[0] = 5\n",
    "s = 'ab'\ns[0] = 'c'\n",
    "a = [1]\na[3] = 2\n",
    "a, b = [1, 2, 3]\n",
    "a, b, c = [1, 2]\n",
    "print([1, 2].index(5))\n",
    "for v in 5:\n    pass\n",
    "x = torch.tensor(1.0)\nfor v in x:\n    pass\n",
    "print(torch.stack(t for t in [torch.ones(1)]))\n",
    "print(torch.cat(t for t in [torch.ones(1)]))\n",
])
def test_container_errors_are_pythons_and_pytorchs_own(source):
    assert_fails_like_python(source)


@pytest.mark.parametrize("source", [
    "first, *rest = [1, 2, 3]\n*init, last = (1, 2, 3)\nprint(first, rest, init, last)\n",
    "a, *b, c = range(5)\nprint(a, b, c)\n",
])
def test_the_interpreter_alone_unpacks_starred_targets_as_python(source, monkeypatch):
    without_checker(monkeypatch)          # the checker refuses starred targets
    assert_prints_like_python(source)


def test_a_comprehensions_names_do_not_leak():
    body = problem("squares = [j * j for j in range(3)]\nprint(j)\n")
    assert body["detail"] == "name 'j' is not defined"


def test_iterating_a_tensor_records_each_row_as_indexing():
    source = GRAD_X.replace("2.0", "[1.0, 2.0, 3.0]") + \
        "total = 0\nfor i, row in enumerate(x):\n    total = total + row * (i + 1)\n" \
        "total.backward()\n"
    doc = document_of(source)
    labels = [n["label"] for n in doc["graph"]["nodes"] if n["kind"] == "op"]
    assert {"[0]", "[1]", "[2]"} <= set(labels), labels
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    total = sum(row * (i + 1) for i, row in enumerate(x))
    total.backward()
    (leaf,) = [n for n in doc["graph"]["nodes"] if n["kind"] == "input"]
    assert leaf["grad"] == x.grad.tolist()


def test_list_limit_through_append_in_a_while_loop():
    body = problem("items = []\nwhile True:\n    items.append(0)\n")
    assert body["status"] == 422
    assert f"at most {limits.MAX_LIST_ITEMS:,} items" in body["detail"]
    assert body["line"] == 3


def test_list_at_the_limit_is_allowed():
    assert_prints_like_python(f"items = []\nfor i in range({limits.MAX_LIST_ITEMS}):\n"
                              f"    items.append(i)\nprint(len(items))\n")
    body = problem(f"items = list(range({limits.MAX_LIST_ITEMS}))\nitems.extend([1])\n")
    assert f"{limits.MAX_LIST_ITEMS:,} items" in body["detail"]


@pytest.mark.parametrize("source", [
    "a = [i for i in range({n})]\n",
    "d = {{i: i for i in range({n})}}\n",
    "d = {{}}\nfor i in range({n}):\n    d[i] = i\n",
    "a = [0]\na[0:1] = list(range({n}))\n",
])
def test_comprehensions_and_dicts_stop_at_the_list_limit(source):
    limit = limits.MAX_LIST_ITEMS
    assert_prints_like_python(source.format(n=limit))
    body = problem(source.format(n=limit + 1))
    assert body["status"] == 422 and f"{limit:,} items" in body["detail"]


def test_a_generator_over_a_huge_range_is_bounded_by_steps(monkeypatch):
    monkeypatch.setattr(limits, "MAX_STEPS", 10_000)
    body = problem("print(sum(i for i in range(10 ** 12)))\n")
    assert "10,000 steps" in body["detail"]
    body = problem("print(any(i < 0 for i in range(10 ** 12)))\n")
    assert "10,000 steps" in body["detail"]
    body = problem("n = [i for i in range(10 ** 12) if i < 0]\n")
    assert "10,000 steps" in body["detail"]


def test_steps_of_a_comprehension_at_the_limit(monkeypatch):
    monkeypatch.setattr(limits, "MAX_STEPS", 1_000)
    # each item of the `for` clause is a step, and so is each statement
    assert_prints_like_python("print(sum(i for i in range(900)))\n")
    assert "1,000 steps" in problem("print(sum(i for i in range(1001)))\n")["detail"]


@pytest.mark.parametrize("chain", [
    "g = range(3)\nfor i in range({n}):\n    g = (x for x in g)\nprint(sum(g))\n",
    "z = [1]\nfor i in range({n}):\n    z = zip(z)\nprint(len(list(z)))\n",
    "e = [1]\nfor i in range({n}):\n    e = enumerate(e)\nprint(len(list(e)))\n",
])
def test_lazy_iterators_drawing_from_each_other_stop_at_their_limit(chain):
    """A chain of 100,000 generators overflows the C stack before Python's recursion limit
    notices: the chain is bounded instead."""
    limit = limits.MAX_LAZY_NESTING
    assert_prints_like_python(chain.format(n=limit))
    body = problem(chain.format(n=limit + 1))
    assert body["status"] == 422 and f"at most {limit} deep" in body["detail"], body
    assert problem(chain.format(n=100_000))["status"] == 422
