"""A program that records no graph (webapp/execution/target.py, entry.py, graph/model.py):
an empty document with its printed output and a warning saying why, compared with what
Python and PyTorch print for the same program; a printed tensor with a graph is the output
when nothing else is."""
import pytest

from tests.support.documents import document_of, problem, run
from tests.support.reference import assert_like_pytorch, pytorch_run

PLAIN_DESCENT = """from math import exp

def f(x):
    return x ** 2 + exp(-x)

def df(x):
    return 2 * x - exp(-x)

lr = 0.1
x = 3.0
for i in range(50):
    x = x - lr * df(x)
print(x, f(x))
"""


@pytest.mark.parametrize("source, why, reason", [
    ("x = 2\ny = x + 2\nprint(y)\n", "plain Python numbers", "plain-numbers"),
    (PLAIN_DESCENT, "plain Python numbers", "plain-numbers"),
    ("x = torch.tensor(2.0)\ny = x * 3\nprint(y)\n", "no tensor of the program requires grad",
     "no-requires-grad"),
    ("x = torch.tensor(2.0, requires_grad=True)\nprint(x)\n", "x requires grad, but nothing",
     "nothing-computed"),
    ("x = torch.tensor(2.0, requires_grad=True)\nwith torch.no_grad():\n"
     "    y = x * 2\nprint(y)\n", "x requires grad, but nothing", "nothing-computed"),
    ("x = torch.tensor(2.0, requires_grad=True)\nx.backward()\nprint(x.grad)\n",
     "called on a tensor that no operation made", "backward-on-leaf"),
])
def test_a_program_without_a_graph_answers_with_its_output_and_why(source, why, reason):
    expected_stdout, _ = pytorch_run(source)
    doc = document_of(source)
    assert doc["stdout"] == expected_stdout and doc["no_graph"] == reason
    assert doc["graph"]["nodes"] == [] and doc["graph"]["edges"] == []
    assert doc["output"] is None and doc["timeline"] == [] and doc["paths"] == {}
    assert doc["stdout"] and any(why in warning for warning in doc["warnings"]), doc["warnings"]


def test_an_explicit_output_that_has_no_graph_is_still_a_422():
    answer = run("x = torch.tensor(2.0)\n", output="x")
    assert answer["problem"]["type"] == "/problems/no-graph", answer
    assert "'x'" in answer["problem"]["detail"]


@pytest.mark.parametrize("source", [
    "x = torch.tensor(2.0, requires_grad=True)\nprint(x ** 2 + 1)\n",
    "x = torch.tensor(2.0, requires_grad=True)\nprint(torch.sin(x) * 3, 'done')\n",
])
def test_a_printed_tensor_with_a_graph_is_the_output_when_nothing_else_is(source):
    doc = assert_like_pytorch(source)
    output = next(n for n in doc["graph"]["nodes"] if n["id"] == doc["output"])
    assert output["kind"] == "op" and doc["warnings"] == [] and doc["no_graph"] is None
    assert [n["name"] for n in doc["graph"]["nodes"] if n["kind"] == "input"] == ["x"]


@pytest.mark.parametrize("source", [
    "x = torch.tensor(2.0, requires_grad=True)\ny = x * 2\ny.backward()\nprint(x.grad())\n",
    "x = torch.tensor(2.0, requires_grad=True)\nprint(x.grad())\n",
])
def test_calling_an_attribute_gives_python_s_own_message(source):
    with pytest.raises(TypeError) as raised:
        pytorch_run(source)
    assert problem(source)["detail"] == str(raised.value)
