"""A second `.backward()` through freed buffers (webapp/execution/capture/recorder.py): the
program fails where PyTorch fails, with the message PyTorch itself gives (taken from torch the
first time it is needed, not written down), and goes on where PyTorch goes on. Each program
is run by PyTorch directly, as the oracle. Runs in-process through `evaluate`."""
import pytest
import torch

from tests.support.documents import run
from tests.support.numbers import close
from webapp.execution.capture import recorder


def x_vector():
    return torch.tensor([1.0, -2.0], requires_grad=True)


def x_scalar():
    return torch.tensor(2.0, requires_grad=True)


SCALAR = "x = torch.tensor(2.0, requires_grad=True)\n"
VECTOR = "x = torch.tensor([1.0, -2.0], requires_grad=True)\n"

# source, the same in PyTorch (returns x), the line of the second backward
CASES = {
    "mul-twice": (SCALAR + "y = x * x\ny.backward()\ny.backward()\n",
                  lambda x: [y := x * x, y.backward(), y.backward()], x_scalar, 4),
    "times-a-number": (SCALAR + "y = x * 2\ny.backward()\ny.backward()\n",
                       lambda x: [y := x * 2, y.backward(), y.backward()], x_scalar, 4),
    "plus-a-number": (SCALAR + "y = x + 1\ny.backward()\ny.backward()\n",
                      lambda x: [y := x + 1, y.backward(), y.backward()], x_scalar, None),
    "exp-saves-its-result": (SCALAR + "y = torch.exp(x)\ny.backward()\ny.backward()\n",
                             lambda x: [y := torch.exp(x), y.backward(), y.backward()],
                             x_scalar, 4),
    "shared-part-of-two-graphs": (
        SCALAR + "z = x * x\na = z + 1\nb = z - 1\na.backward()\nb.backward()\n",
        lambda x: [z := x * x, a := z + 1, b := z - 1, a.backward(), b.backward()],
        x_scalar, 6),
    "sum-saves-no-tensor": (VECTOR + "y = x.sum()\ny.backward()\ny.backward()\n",
                            lambda x: [y := x.sum(), y.backward(), y.backward()],
                            x_vector, None),
    "a-fresh-graph-each-time": (
        SCALAR + "for i in range(3):\n    y = x * x\n    y.backward()\n",
        lambda x: [(y := x * x).backward() for _ in range(3)], x_scalar, None),
    "the-same-graph-in-a-loop": (
        SCALAR + "y = torch.sin(x) * x\nfor i in range(3):\n    y.backward()\n",
        lambda x: [y := torch.sin(x) * x] + [y.backward() for _ in range(3)], x_scalar, 4),
    "mean-of-squares": (VECTOR + "s = x ** 2\ny = s.mean()\ny.backward()\ny.backward()\n",
                        lambda x: [s := x ** 2, y := s.mean(), y.backward(), y.backward()],
                        x_vector, 5),
}


@pytest.mark.parametrize("case", CASES)
def test_a_second_backward_does_what_pytorch_does(case):
    source, in_torch, leaf, line = CASES[case]
    x = leaf()
    try:
        in_torch(x)
        message = None
    except RuntimeError as error:
        message = str(error)
    answer = run(source)
    assert (line is None) == (message is None), "the case's expectation is not PyTorch's"
    if message is None:
        assert "problem" not in answer, answer.get("problem")
        assert close(answer["variables"]["x"]["grad"], x.grad)
    else:
        assert answer["problem"]["detail"] == message
        assert answer["problem"]["line"] == line


def test_the_message_is_taken_from_torch_only_when_a_program_needs_it():
    recorder.second_backward_message.cache_clear()
    run(SCALAR + "y = x * x\ny.backward()\n")
    assert recorder.second_backward_message.cache_info().currsize == 0
    answer = run(SCALAR + "y = x * x\ny.backward()\ny.backward()\n")
    assert recorder.second_backward_message.cache_info().currsize == 1
    y = x_scalar() ** 2
    y.backward()
    with pytest.raises(RuntimeError) as error:
        y.backward()
    assert answer["problem"]["detail"] == str(error.value)
