"""Fuzzing the language and the HTTP API with generated source text: never a 500, never a
hang past the limit, never a leftover process. Bounded in examples and time; loopback only."""
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.processes import describe, settle_children
from webapp import language
from webapp.core.errors import ProblemError
from webapp.sandbox.server import SPARE_CHILDREN
from webapp.sandbox.client import shared_sandbox

TOKENS = ["x", "y", "z", "torch", ".", "tensor", "ones", "sum", "backward", "grad", "data",
          "sin", "exp", "matmul", "requires_grad", "=", "==", "(", ")", "[", "]", ",", ":",
          "+", "-", "*", "/", "**", "@", "1", "2.0", "-3", "1e308", "10", "True", "None",
          "'s'", "for", "in", "range", "if", "else", "def", "return", "print", "\n", "\n    ",
          "import", "math", "__class__", "lambda", "F", "x.grad", "zero_", "numpy", "item",
          "99999999999", "1e-45", "nan", "float('inf')", ">>>", "..."]
ALLOWED_STATUSES = {200, 400, 413, 422, 503}

unicode_text = st.text(max_size=400)
token_soup = st.lists(st.sampled_from(TOKENS), max_size=60).map(" ".join)
nesting = st.integers(1, 3000).map(lambda n: "x = " + "(" * n + "1" + ")" * n)
huge_literals = st.sampled_from(["9" * 5000, "1" + "0" * 3999, "'" + "a" * 3990 + "'",
                                 "[" + "1," * 1990 + "]", "1e999999", "0x" + "f" * 3990])
programs = st.one_of(unicode_text, token_soup, nesting, huge_literals)
WELL_FORMED = [
    "x = torch.tensor({a}, requires_grad=True)\ny = {op}\ny.backward()\nprint(x.grad)\n",
    "x = torch.tensor([{a}, {b}], requires_grad=True)\ny = ({op}).sum()\ny.backward()\n",
]
OPERATIONS = ["x * x", "torch.sin(x) / x", "x ** {b}", "torch.exp(x * {b})", "x @ x",
              "torch.log(x) + {a}", "x[0] * x", "1 / (x - {a})", "torch.sqrt(x)", "x.sum() * x"]
numbers = st.sampled_from(["0.0", "1.0", "-2.5", "1e30", "-1e-30", "3", "1e308"])
well_formed = st.builds(
    lambda template, op, a, b: template.format(op=op.format(a=a, b=b), a=a, b=b),
    st.sampled_from(WELL_FORMED), st.sampled_from(OPERATIONS), numbers, numbers)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs)
def test_the_checker_only_ever_raises_problems(source):
    try:
        language.check(source)
    except ProblemError as problem:
        assert 400 <= problem.status < 500 and problem.detail


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(st.one_of(programs, well_formed))
def test_the_api_never_answers_500_nor_hangs(live_server, source):
    # a hang fails through the request's timeout; how fast it answers is not tested here
    answer = requests.post(f"{live_server}/api/graph", json={"source": source}, timeout=30)
    assert answer.status_code in ALLOWED_STATUSES, answer.text
    if answer.status_code != 200:
        assert answer.headers["Content-Type"].startswith("application/problem+json")


def test_nothing_is_left_running_after_the_fuzzing(live_server):
    requests.post(f"{live_server}/api/graph", json={"source": "x = 1"}, timeout=30)
    server = shared_sandbox().pids()
    children = settle_children(server, SPARE_CHILDREN)
    assert len(children) == SPARE_CHILDREN, describe(children)
    assert requests.get(f"{live_server}/healthz", timeout=5).status_code == 200
