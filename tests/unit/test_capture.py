"""Capturing the graph (webapp/execution/capture): the program's backward is PyTorch's own
(a second backward through freed buffers fails with PyTorch's message, one without saved
tensors accumulates), and a training loop leaves the graph of its last iteration only. Runs
in-process through `evaluate`; PyTorch run directly is the oracle."""
import math

import torch

from tests.support.documents import GRAD_X, document_of, inputs_by_name, problem, run
from tests.support.numbers import close


def test_backward_twice_gives_pytorchs_error():
    body = problem(GRAD_X + "y = x * x\ny.backward()\ny.backward()\n")
    assert "backward through the graph a second time" in body["detail"]
    assert body["line"] == 4


def test_backward_twice_without_saved_tensors_accumulates_like_pytorch():
    answer = run(GRAD_X + "y = x + 1\ny.backward()\ny.backward()\n")
    assert answer["variables"]["x"]["grad"] == 2.0


def test_gradient_descent_reaches_the_lectures_final_x(lecture_examples):
    example = next(e for e in lecture_examples if e["id"] == "gradient_descent")
    doc = document_of(example["source"])
    assert close(doc["variables"]["x"]["value"], example["final"]["x"])
    # the graph drawn is the last iteration's: y = x**2 + exp(-x) at the x it saw
    x = inputs_by_name(doc)["x"]
    assert close(x["grad"], 2 * x["value"] - math.exp(-x["value"]), rel=1e-4, abs_=1e-5)


def test_a_training_loop_draws_only_its_last_iterations_graph():
    doc = document_of("x = torch.tensor(1.0, requires_grad=True)\nfor i in range(3):\n"
                      "    y = x * x\n    y.backward()\n    x.data = x.data - 0.1 * x.grad\n"
                      "    x.grad.zero_()\n")
    x, seen = torch.tensor(1.0, requires_grad=True), []
    for _ in range(3):
        y = x * x
        y.backward()
        seen.append((x.item(), x.grad.item()))
        x.data = x.data - 0.1 * x.grad
        x.grad.zero_()
    ops = [n for n in doc["graph"]["nodes"] if n["kind"] == "op"]
    assert [n["op"] for n in ops] == ["MulBackward0"]
    x_then, grad_then = seen[-1]
    assert close(ops[0]["value"], x_then ** 2)
    # autograd's last MulBackward0 saved x itself, whose data the loop then replaced: the
    # drawing's local, flow and grad are those of the last backward call, at the x it saw,
    # not at the updated x.
    (edge,) = doc["graph"]["edges"]
    assert close(edge["local"], 2 * x_then) and close(edge["grad"], grad_then)
    assert close(inputs_by_name(doc)["x"]["grad"], grad_then)
    assert not close(edge["local"], 2 * x.item())
    assert close(doc["variables"]["x"]["value"], x.item())


def test_the_programs_backward_leaves_pytorchs_gradients():
    answer = run("a = torch.tensor([0.5, -1.0], requires_grad=True)\n"
                 "b = torch.tensor(3.0, requires_grad=True)\nc = (torch.exp(a) * b).sum()\n"
                 "c.backward()\n")
    a = torch.tensor([0.5, -1.0], requires_grad=True)
    b = torch.tensor(3.0, requires_grad=True)
    (torch.exp(a) * b).sum().backward()
    assert close(answer["variables"]["a"]["grad"], a.grad)
    assert close(answer["variables"]["b"]["grad"], b.grad)
