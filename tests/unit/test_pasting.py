"""Programs pasted from a notebook or with torchviz, end to end in-process (checker,
interpreter, graph): they answer like the same program typed plainly and run by PyTorch."""
from tests.support.documents import document_of, inputs_by_name
from tests.support.reference import pytorch_run

PLAIN = ("import torch\nx = torch.tensor(2.0, requires_grad=True)\n"
         "def f(x):\n    return x ** 2 + 1\ny = f(x)\ny.backward()\nprint(x.grad)\n")
NOTEBOOK = ("[1]: import torch\n"
            "[2]: x = torch.tensor(2.0, requires_grad=True)\n"
            "[3]: def f(x):\n"
            ":         return x ** 2 + 1\n"
            ":\n"
            "[4]: y = f(x)\n"
            "[5]: y.backward()\n"
            "[6]: print(x.grad)\n"
            "tensor(4.)\n")
IPYTHON = ("In [1]: x = torch.tensor(2.0, requires_grad=True)\n\n"
           "In [2]: def f(x):\n   ...:     return x ** 2 + 1\n   ...: \n\n"
           "In [3]: y = f(x)\n\nIn [4]: y.backward()\n\nIn [5]: print(x.grad)\ntensor(4.)\n")


def test_a_jupyter_paste_answers_like_the_plain_program():
    expected_stdout, calls = pytorch_run(PLAIN)
    for pasted in (NOTEBOOK, IPYTHON):
        doc = document_of(pasted)
        assert doc["stdout"] == expected_stdout
        assert inputs_by_name(doc)["x"]["grad"] == calls[-1]["x"].item()


def test_torchviz_make_dot_draws_nothing_extra():
    program = PLAIN + "import torchviz\ntorchviz.make_dot(y)\n"
    plain = document_of(PLAIN)
    doc = document_of(program)
    assert doc["graph"] == plain["graph"] and doc["stdout"] == plain["stdout"]
    assert any("make_dot" in warning for warning in doc["warnings"])
