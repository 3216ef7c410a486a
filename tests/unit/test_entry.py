"""The sandbox child's entry point (webapp/execution/entry.py), run in-process: the warm-up
program, the output chosen, warnings passed on and problems as plain dicts."""
import torch

from tests.support.numbers import close
from webapp.execution.entry import WARM_UP_PROGRAM, evaluate


def test_the_warm_up_program_runs_cleanly():
    """Every spare child runs it before its request; it must not fail (nor print a problem)."""
    answer = evaluate({"source": WARM_UP_PROGRAM})
    assert "problem" not in answer, answer
    assert answer["stdout"].startswith("tensor([")


def test_variables_are_the_programs_final_numbers_and_tensors_with_their_grads():
    answer = evaluate({"source": "n = 3\nx = torch.tensor([1.0, 2.0], requires_grad=True)\n"
                                 "y = (x ** n).sum()\ny.backward()\n"})
    assert "problem" not in answer, answer
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = (x ** 3).sum()
    y.backward()
    found = answer["variables"]
    assert found["n"] == {"kind": "number", "value": 3}
    assert found["x"]["kind"] == "tensor" and found["x"]["shape"] == [2]
    assert found["x"]["dtype"] == "float32" and close(found["x"]["grad"], x.grad)
    assert close(found["y"]["value"], y.detach()) and found["y"]["grad"] is None


def test_a_problem_is_a_plain_dict_with_its_position():
    problem = evaluate({"source": "x = torch.ones(2, requires_grad=True)\n"
                                  "y = x @ torch.ones(3)\n"})["problem"]
    assert problem["status"] == 422 and problem["line"] == 2
    assert problem["type"] == "/problems/run-failed"
