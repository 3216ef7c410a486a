"""The program's own functions (webapp/execution/interpreter/functions.py): `def` and `lambda`
as values, closures, defaults, keyword arguments, `*args` in calls, and the call-depth limit.
Each program is run by Python too: what it prints and the errors it raises are Python's."""
import pytest

from webapp.core import limits
from tests.support.documents import problem
from tests.support.python_oracle import (assert_fails_like_python, assert_prints_like_python,
                                         without_checker)


@pytest.mark.parametrize("source", [
    # numerical differentiation with a lambda, as in the lecture's deck
    "def diff(f, x, h=1e-4):\n    return (f(x + h) - f(x - h)) / (2 * h)\n"
    "print(round(diff(lambda x: x ** 2, 2), 6))\n",
    # defaults evaluated once, when the def runs
    "k = 2\ndef scale(v, by=k):\n    return v * by\nk = 10\nprint(scale(3), scale(3, 4), scale(v=1, by=5))\n",
    # a closure sees later assignments to the enclosing frame, as a cell does
    "def counter():\n    n = 0\n    def show():\n        return n\n    n = 5\n    return show\n"
    "print(counter()())\n",
    # closures made in a loop share one variable (late binding)
    "def makers():\n    fs = []\n    for i in range(3):\n        fs.append(lambda x: x + i)\n"
    "    return fs\nprint([f(10) for f in makers()])\n",
    # the default-argument idiom binds early
    "fs = [lambda x, i=i: x * i for i in range(4)]\nprint([f(2) for f in fs])\n",
    # functions returned, passed, composed
    "def compose(f, g):\n    return lambda x: f(g(x))\nsq = lambda x: x * x\n"
    "inc = lambda x: x + 1\nprint(compose(sq, inc)(3), compose(inc, sq)(3))\n",
    "def apply(f, values):\n    return [f(v) for v in values]\nprint(apply(abs, [-1, 2, -3]))\n",
    "def middle(a, b, c):\n    return b\npoint = (1, 2, 3)\nprint(middle(*point), middle(0, *point[1:]))\n",
    # *args in calls, keywords in any order
    "def poly(x, a=0.0, b=0.0, c=0.0):\n    return a + b * x + c * x ** 2\n"
    "coefficients = [1.0, 2.0, 3.0]\nprint(poly(2.0, *coefficients), poly(2.0, c=1.0, a=1.0))\n",
    # nested def using the enclosing function's parameter
    "def outer(k):\n    def inner(x):\n        return x * k\n    return inner(3) + inner(4)\n"
    "print(outer(2))\n",
    # two levels of closure
    "def a(x):\n    def b(y):\n        def c(z):\n            return x + y + z\n        return c\n"
    "    return b\nprint(a(1)(2)(3))\n",
    # recursion through a name bound later
    "fact = lambda n: 1 if n <= 1 else n * fact(n - 1)\nprint(fact(10))\n",
    # builtins as values
    "ops = [min, max, sum, len]\nprint([f([3, 1, 2]) for f in ops])\n",
    # tensors through a lambda
    "x = torch.tensor(3.0, requires_grad=True)\nf = lambda t: t ** 3\ny = f(x)\n"
    "y.backward()\nprint(x.grad)\n",
])
def test_functions_behave_as_in_python(source):
    assert_prints_like_python(source)


@pytest.mark.parametrize("source", [
    "def f(a, b):\n    return a\nf(1)\n",
    "def f(a, b, c):\n    return a\nf()\n",
    "def f(a, b=1):\n    return a\nf(1, 2, 3)\n",
    "def f(a):\n    return a\nf(1, 2)\n",
    "def f():\n    return 1\nf(1)\n",
    "def f(a, b):\n    return a\nf(1, a=2)\n",
    "def outer():\n    def inner(a):\n        return a\n    return inner\nouter()()\n",
    "g = lambda x: x\ng()\n",
    "y = 3\ny()\n",
    "f = lambda: 0\nf.grad\n",
])
def test_call_errors_are_pythons_own(source):
    assert_fails_like_python(source)


@pytest.mark.parametrize("source", [
    "def f(a, b):\n    return a\nf(1, c=2)\n",
    "def f(a, *, k):\n    return a\nf(1)\n",
    "def f(a, *, k=2):\n    return a + k\nf(1, 2)\n",
])
def test_the_interpreter_alone_refuses_calls_as_python(source, monkeypatch):
    without_checker(monkeypatch)          # the checker refuses these before they run
    assert_fails_like_python(source)


def test_the_interpreter_alone_binds_keyword_only_parameters_as_python(monkeypatch):
    without_checker(monkeypatch)
    assert_prints_like_python("def f(a, *, k=2, m):\n    return a + k * m\n"
                              "print(f(1, m=3), f(1, m=1, k=5))\n")


def test_call_depth_limit_through_lambdas():
    body = problem("f = lambda n: f(n + 1)\nf(0)\n")
    assert body["status"] == 422 and f"{limits.MAX_CALL_DEPTH} deep" in body["detail"]


def test_call_depth_at_the_limit_runs():
    depth = limits.MAX_CALL_DEPTH
    assert_prints_like_python(f"f = lambda n: n if n == {depth} else f(n + 1)\nprint(f(1))\n")
    body = problem(f"f = lambda n: n if n == {depth + 1} else f(n + 1)\nprint(f(1))\n")
    assert f"{depth} deep" in body["detail"]


def test_functions_reach_no_python_internals(monkeypatch):
    for source in ("f = lambda: 0\ng = f.code\n", "def f():\n    return 0\ng = f.globals\n"):
        assert problem(source)["status"] == 400
    without_checker(monkeypatch)                  # the interpreter has no such attribute
    body = problem("f = lambda: 0\ng = f.code\n")
    assert body["status"] == 422 and "'function' object has no attribute 'code'" == \
        body["detail"]
    body = problem("g = print.self\n")
    assert body["detail"] == "'builtin_function_or_method' object has no attribute 'self'"


def test_a_lambda_step_counts_like_a_statement(monkeypatch):
    monkeypatch.setattr(limits, "MAX_STEPS", 500)
    body = problem("f = lambda v: v + 1\nx = 0\nfor i in range(1000):\n    x = f(x)\n")
    assert "500 steps" in body["detail"]


def test_star_parameters_are_refused_before_anything_runs():
    body = problem("def f(*values):\n    return values\nprint(f(1))\n")
    assert body["status"] == 400 and body["line"] == 1


@pytest.mark.parametrize("source", [
    "total = 0\ndef add(v):\n    total = total + v\n    return total\nadd(1)\n",
    "count = 0\ndef bump():\n    count += 1\nbump()\n",
    "def f():\n    print(y)\n    y = 1\nf()\n",
])
def test_a_name_the_function_assigns_is_local_as_in_python(source):
    assert_fails_like_python(source)


@pytest.mark.parametrize("source", [
    "lr = 0.1\ndef step(w, g):\n    return w - lr * g\nprint(step(1.0, 2.0))\n",
    "def f(n):\n    k = 3\n    return [k * i for i in range(n)] + [i for i in 'ab']\nprint(f(3))\n",
    "def f():\n    i = 'mine'\n    squares = [i * 2 for i in range(3)]\n    return i, squares\n"
    "print(f())\n",
    "def f(xs):\n    s = sum(x * w for x, w in zip(xs, [1, 2, 3]))\n    return s\nprint(f([1, 1, 1]))\n",
    "def f():\n    g = lambda: h()\n    def h():\n        return 'late'\n    return g()\nprint(f())\n",
    "def f(n, acc=None):\n    acc = [] if acc is None else acc\n    for i in range(n):\n"
    "        acc.append(i)\n    return acc\nprint(f(3), f(2, [9]))\n",
])
def test_locals_closures_and_comprehensions_in_functions_as_in_python(source):
    assert_prints_like_python(source)
