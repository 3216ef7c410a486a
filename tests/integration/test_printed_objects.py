"""What `print` shows for functions, methods and other objects (interpreter/printing.py):
Python's own text for the same program, without memory addresses (and without the file a
module was loaded from), so the same program prints the same thing every run."""
import re

import pytest

from tests.support.python_oracle import our_stdout, python_stdout

LINEAR = "layer = torch.nn.Linear(2, 3)\n"
OPTIMIZER = LINEAR + "opt = torch.optim.SGD(layer.parameters(), lr=0.1)\n"
GRAPH = "x = torch.tensor(1.0, requires_grad=True)\ny = x * 2\n"
PROGRAMS = [
    "print(print)", "print(len, range, max, sum, isinstance, float)",
    "print(torch.sin)", "print(torch.tensor, torch.exp)", "print(torch.nn.functional.relu)",
    "x = torch.tensor(1.0)\nprint(x.sum)", "x = torch.ones(2)\nprint(x.norm, x.mean)",
    "items = [1]\nprint(items.append)", "d = {}\nprint(d.get, d.items)",
    "print(torch)", "print(torch.nn, torch.autograd)", "import math\nprint(math, math.exp)",
    "print(torch.no_grad, torch.enable_grad)", "print(torch.no_grad())",
    "print(torch.autograd.grad)",
    "print(torch.nn.Linear, torch.nn.Sequential, torch.nn.ReLU, torch.nn.MSELoss)",
    "print(torch.optim.SGD, torch.optim.Adam)", LINEAR + "print(layer.parameters)",
    OPTIMIZER + "print(opt.step)", OPTIMIZER + "print(opt.zero_grad)",
    "print(zip([1], [2]))", "print(enumerate([1]))", "print(reversed([1]), reversed(range(2)))",
    "print(x for x in [1])", "print(lambda: 1)", "def f():\n    pass\nprint(f)",
    "def outer():\n    def inner():\n        pass\n    return inner\nprint(outer())",
    GRAPH + "print(y.grad_fn)", GRAPH + "y.backward()\nprint(x.grad, y.grad_fn)",
    "print([print, len], (torch.sin,), {'f': max})", "print({}.keys(), {}.values())",
    "def f():\n    pass\nprint(str(f), f'{f}', '{}'.format(len), f'{f!r}')",
    "print(torch.float32, torch.ones(2).shape)",
]
ADDRESS = re.compile(r" at 0x[0-9a-f]+>")
MODULE_FILE = re.compile(r"(<module '[\w.]+') from '[^']*'>")


def python_without_addresses(source):
    text = python_stdout(source)
    return MODULE_FILE.sub(r"\1>", ADDRESS.sub(">", text))


@pytest.mark.parametrize("source", PROGRAMS)
def test_print_shows_pythons_text_without_addresses(source):
    ours = our_stdout(source)
    assert "0x" not in ours, ours
    assert ours == python_without_addresses(source)


def test_a_python_level_tensor_method_is_a_bound_method_as_in_python():
    # (not against the oracle, which watches `Tensor.backward` with a function of its own)
    assert our_stdout("x = torch.ones(2)\nprint(x.backward)") == \
        "<bound method Tensor.backward of tensor([1., 1.])>\n"


def test_the_same_program_prints_the_same_text_every_run():
    source = GRAPH + "print(y.grad_fn, x.sum, zip([1], [2]), lambda: 1, torch.sin)"
    assert our_stdout(source) == our_stdout(source + "\n# another run\n")


def test_text_the_program_wrote_itself_is_printed_as_written():
    source = "print('<f at 0x1f>', ['<f at 0x1f>'][0], f'{\"<g at 0xab>\"}')"
    assert our_stdout(source) == python_stdout(source)
