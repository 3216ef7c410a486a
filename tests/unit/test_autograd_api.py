"""The autograd API in the interpreter (webapp/execution/interpreter/contexts.py, stores.py,
autograd_calls.py, modules.py, optim.py) and what the graph shows of it.

Some tests run the interpreter on a parsed program without the checker: they show that the
interpreter itself refuses what it does not list (module internals, other context managers),
whatever the checker lets through. The rest run in-process through `evaluate`, as the
sandbox child does; numbers are compared with PyTorch run directly."""
import ast

import pytest
import torch

from tests.support.documents import document_of, inputs_by_name, nodes_of, problem, run
from tests.support.reference import pytorch_run
from tests.support.numbers import close
from webapp.core import limits
from webapp.core.errors import LimitExceeded, NotAllowed, ProblemError, RunFailed
from webapp.execution.interpreter.interpreter import Interpreter
from webapp.language.checker import Program

LAYER = "import torch.nn as nn\nlayer = nn.Linear(2, 1)\n"
OPTIMIZER = "w = torch.tensor([1.0], requires_grad=True)\nopt = torch.optim.SGD([w], lr=0.1)\n"


def interpret(source):
    """Run `source` through the interpreter alone (no checker): its Interpreter."""
    tree = ast.parse(source)
    interpreter = Interpreter(Program(tree, source, (0,) * (source.count("\n") + 1)))
    interpreter.run()
    return interpreter


def refused(source, error=ProblemError):
    with pytest.raises(error) as raised:
        interpret(source)
    return raised.value


@pytest.mark.parametrize("member", ["_parameters", "__dict__", "forward", "_forward_hooks",
                                    "register_forward_hook", "apply", "state_dict",
                                    "load_state_dict", "training", "cuda", "to", "_modules"])
def test_a_module_offers_only_its_listed_members(member):
    problem_ = refused(LAYER + f"y = layer.{member}\n", NotAllowed)
    assert f"'.{member}'" in problem_.detail and ".weight" in problem_.detail
    assert problem_.line == 3


@pytest.mark.parametrize("member", ["state", "__class__", "state_dict", "add_param_group",
                                    "defaults", "register_step_pre_hook", "_optimizer_step_code"])
def test_an_optimizer_offers_only_step_zero_grad_and_param_groups(member):
    problem_ = refused(OPTIMIZER + f"y = opt.{member}\n", NotAllowed)
    assert f"'.{member}'" in problem_.detail and ".param_groups" in problem_.detail


def test_a_parameter_group_sets_only_numbers_for_hyperparameters():
    assert "'lr'" in refused(OPTIMIZER + "opt.param_groups[0]['params'] = []\n",
                             NotAllowed).detail
    assert "a number" in refused(OPTIMIZER + "opt.param_groups[0]['lr'] = 'fast'\n",
                                 RunFailed).detail
    interpreter = interpret(OPTIMIZER + "opt.param_groups[0]['lr'] = 0.5\nlr = "
                            "opt.param_groups[0]['lr']\n")
    assert interpreter.globals["lr"] == 0.5


@pytest.mark.parametrize("manager", ["x", "layer", "opt", "torch.no_grad", "nn.ReLU()"])
def test_only_grad_modes_are_context_managers(manager):
    source = LAYER + OPTIMIZER + "x = torch.ones(1)\n" + f"with {manager}:\n    y = 1\n"
    problem_ = refused(source, RunFailed)
    assert "does not support the context manager protocol" in problem_.detail
    assert problem_.line == source.count("\n") - 1


def test_with_as_is_refused():
    assert "with torch.no_grad():" in refused("with torch.no_grad() as g:\n    y = 1\n",
                                              NotAllowed).detail


def test_grad_mode_comes_back_however_the_body_ends():
    refused("with torch.no_grad():\n    y = undefined\n", RunFailed)
    assert torch.is_grad_enabled()
    interpreter = interpret("def f(x):\n    with torch.no_grad():\n        return x * 2\n"
                            "x = torch.tensor(1.0, requires_grad=True)\ny = f(x)\nz = x * 2\n")
    assert torch.is_grad_enabled()
    assert not interpreter.globals["y"].requires_grad and interpreter.globals["z"].requires_grad


def test_a_layers_parameter_updated_in_place_is_given_back_to_it():
    interpreter = interpret(LAYER + "y = layer(torch.ones(2)).sum()\ny.backward()\n"
                            "w = layer.weight.detach().clone()\nwith torch.no_grad():\n"
                            "    layer.weight -= 0.5 * layer.weight.grad\n")
    layer = interpreter.globals["layer"].module
    assert torch.equal(layer.weight.detach(), interpreter.globals["w"] - 0.5)


def test_only_listed_attributes_are_assigned():
    assert "'.weight'" in refused(LAYER + "layer.weight = torch.ones(1, 2)\n", NotAllowed).detail
    assert "'.shape'" in refused("x = torch.ones(2)\nx.shape = 3\n", NotAllowed).detail
    assert "cannot be assigned" in refused("n = 1\nn.data = torch.ones(1)\n", RunFailed).detail


def test_a_linear_layer_at_the_tensor_limit_is_made_and_one_past_it_is_not():
    inputs = limits.MAX_TENSOR_ELEMENTS // 100
    interpret(f"import torch.nn as nn\nlayer = nn.Linear({inputs}, 100, bias=False)\n")
    problem_ = refused(f"import torch.nn as nn\nlayer = nn.Linear({inputs + 1}, 100)\n",
                       LimitExceeded)
    assert "at most" in problem_.detail and problem_.line == 2


def test_a_huge_linear_layer_is_refused_before_it_is_made(monkeypatch):
    made = []
    monkeypatch.setattr(torch.nn.Linear, "__init__", lambda *a, **k: made.append(a))
    problem_ = refused("import torch.nn as nn\nlayer = nn.Linear(10**6, 10**6)\n",
                       LimitExceeded)
    assert "at most" in problem_.detail and made == []


def test_layers_together_stop_at_the_total_limit():
    count = limits.MAX_TOTAL_ELEMENTS // limits.MAX_TENSOR_ELEMENTS
    inputs = limits.MAX_TENSOR_ELEMENTS // 100
    layers = "".join(f"a{i} = nn.Linear({inputs}, 100, bias=False)\n" for i in range(count))
    interpret("import torch.nn as nn\n" + layers)
    problem_ = refused("import torch.nn as nn\n" + layers + "b = nn.Linear(1, 1)\n",
                       LimitExceeded)
    assert "All tensors together" in problem_.detail and problem_.line == count + 2


@pytest.mark.parametrize("options, copies, steps", [
    ("torch.optim.SGD(layer.parameters(), lr=0.1, momentum=0.9)", 1, 0),
    ("torch.optim.Adam(layer.parameters())", 2, 1),
    ("torch.optim.Adam(layer.parameters(), amsgrad=True)", 3, 1),
])
def test_an_optimizers_state_is_counted_before_it_exists(monkeypatch, options, copies, steps):
    held = 100 + copies * 100 + steps                  # the layer, then its state
    monkeypatch.setattr(limits, "MAX_TOTAL_ELEMENTS", held)
    source = "import torch.nn as nn\nlayer = nn.Linear(10, 10, bias=False)\nopt = " + options
    interpreter = interpret(source + "\n")
    assert interpreter.guard.live_elements == held
    monkeypatch.setattr(limits, "MAX_TOTAL_ELEMENTS", held - 1)
    problem_ = refused(source + "\n", LimitExceeded)
    assert "All tensors together" in problem_.detail and problem_.line == 3


def test_sgd_without_momentum_keeps_no_state():
    interpreter = interpret("import torch.nn as nn\nlayer = nn.Linear(10, 10, bias=False)\n"
                            "opt = torch.optim.SGD(layer.parameters(), lr=0.1)\n")
    assert interpreter.guard.live_elements == 100


def test_index_assignment_is_drawn_as_copyslices_with_what_flows_through_it():
    source = ("x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)\nh = x * 2\n"
              "h[0] = x[1] * x[2]\ny = (h ** 2).sum()\ny.backward()\n")
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    h = x * 2
    before = h.detach().clone()
    h[0] = x[1] * x[2]
    seen = {}
    h.grad_fn.register_hook(lambda grad_inputs, grad_outputs: seen.update(
        into=[g.clone() for g in grad_inputs], out=grad_outputs[0].clone()))
    (h ** 2).sum().backward()
    doc = document_of(source)
    nodes = nodes_of(doc)
    (copy,) = [n for n in nodes.values() if n["op"] and "CopySlices" in n["op"]]
    assert copy["label"] == "[0] =" and copy["name"] == "h"
    assert close(copy["value"], h) and close(copy["grad"], seen["out"])
    into = [e for e in doc["graph"]["edges"] if e["target"] == copy["id"]]
    (old,) = [nodes[e["source"]] for e in into if nodes[e["source"]]["name"] == "h"]
    (value,) = [e for e in into if nodes[e["source"]]["name"] != "h"]
    assert len(into) == 2 and close(old["value"], before)
    (old_edge,) = [e for e in into if e is not value]
    assert close(old_edge["grad"], seen["into"][0]) and close(value["grad"], seen["into"][1])
    assert close(inputs_by_name(doc)["x"]["grad"], x.grad)


def test_module_parameters_are_named_inputs_as_the_program_writes_them():
    doc = document_of("import torch.nn as nn\nlayer = nn.Linear(2, 2)\n"
                      "model = nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1))\n"
                      "y = model(layer(torch.ones(1, 2))).sum()\ny.backward()\n")
    assert set(inputs_by_name(doc)) == {"layer.weight", "layer.bias", "model[0].weight",
                                        "model[0].bias", "model[2].weight", "model[2].bias"}


def test_the_graph_is_the_last_backward_calls_with_its_numbers():
    doc = document_of("x = torch.tensor(2.0, requires_grad=True)\ny = x ** 3\n"
                      "y.backward(retain_graph=True)\nx.data = x.data + 1\ny.backward()\n"
                      "x.data = x.data * 10\n")
    x = inputs_by_name(doc)["x"]
    assert (x["value"], x["grad"]) == (3.0, 27.0)
    assert doc["backward"]["call"] == 2 and doc["backward"]["calls"] == 2


def test_an_optimizers_steps_after_the_last_backward_do_not_leak_into_the_graph():
    source = ("w = torch.tensor([1.0, -1.0], requires_grad=True)\n"
              "opt = torch.optim.Adam([w], lr=0.5)\nfor i in range(3):\n    opt.zero_grad()\n"
              "    loss = (w ** 2).sum()\n    loss.backward()\n    opt.step()\n")
    w = torch.tensor([1.0, -1.0], requires_grad=True)
    opt = torch.optim.Adam([w], lr=0.5)
    for _ in range(3):
        opt.zero_grad()
        then = w.detach().clone()
        (w ** 2).sum().backward()
        opt.step()
    node = inputs_by_name(document_of(source))["w"]
    assert close(node["value"], then) and close(node["grad"], 2 * then)


def test_torch_autograd_grad_arguments_are_checked_like_python():
    body = problem("x = torch.tensor(1.0, requires_grad=True)\ng = torch.autograd.grad(x * 2)\n")
    assert body["detail"] == "grad() missing 1 required positional argument: 'inputs'"
    body = problem("x = torch.tensor(1.0, requires_grad=True)\ng = torch.autograd.grad(1, x)\n")
    assert "must be a tensor" in body["detail"] and body["status"] == 422


def test_a_sequential_holds_at_most_its_limit_of_layers_nested_ones_counted(monkeypatch):
    monkeypatch.setattr(limits, "MAX_SEQUENTIAL_LAYERS", 8)
    doubling = "import torch.nn as nn\nm = nn.Sequential(nn.Tanh())\n" + \
        "m = nn.Sequential(m, m)\n" * 3
    assert len(interpret(doubling).globals["m"]) == 2
    problem_ = refused(doubling + "m = nn.Sequential(m, nn.Tanh())\n", LimitExceeded)
    assert "at most 8 layers" in problem_.detail and problem_.line == 6


def test_each_layer_a_sequential_calls_is_a_step(monkeypatch):
    source = "import torch.nn as nn\nm = nn.Sequential(nn.Tanh(), nn.Tanh(), nn.Tanh())\n" \
             "y = m(torch.ones(1))\n"
    monkeypatch.setattr(limits, "MAX_STEPS", 6)
    interpret(source)                           # 3 statements and 3 layers
    monkeypatch.setattr(limits, "MAX_STEPS", 5)
    assert "steps" in refused(source, LimitExceeded).detail


def test_the_numerics_lesson_takes_a_training_loops_leaves_at_its_last_backward():
    source = ("import torch\nx = torch.tensor([1.0, -2.0], requires_grad=True)\n"
              "for i in range(3):\n    loss = (x ** 3).sum()\n    loss.backward()\n"
              "    with torch.no_grad():\n        x -= 0.1 * x.grad\n    x.grad = None\n")
    _, calls = pytorch_run(source)
    lesson = run(source, lesson="numerics")["lesson"]
    (row,) = lesson["inputs"]
    assert close(row["grad"], calls[-1]["x"])     # (its differences are of the whole loop)


def test_the_numerics_lesson_sees_a_layers_parameters_as_inputs():
    source = ("import torch\nimport torch.nn as nn\nlayer = nn.Linear(2, 1)\n"
              "loss = (layer(torch.tensor([1.0, 3.0])) ** 2).sum()\nloss.backward()\n")
    _, calls = pytorch_run(source)
    rows = run(source, lesson="numerics")["lesson"]["inputs"]
    assert [row["shape"] for row in rows] == [[1, 2], [1]]
    assert close(rows[0]["grad"], calls[-1]["layer.weight"])
    assert close(rows[1]["central"], calls[-1]["layer.bias"], rel=1e-4)


def test_an_in_place_change_of_a_view_is_drawn_on_its_base():
    source = ("x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)\na = x * 2\n"
              "a[0:2].zero_()\ny = (a * x).sum()\ny.backward()\n")
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    a = x * 2
    before = a.detach().clone()
    a[0:2].zero_()
    (a * x).sum().backward()
    doc = document_of(source)
    assert doc["warnings"] == []
    by_label = {n["label"]: n for n in doc["graph"]["nodes"]}
    assert by_label["[0:2].zero_"]["name"] == "a" and close(by_label["[0:2].zero_"]["value"], a)
    assert close(by_label["mul"]["value"], before) or any(
        n["label"] == "mul" and close(n["value"], before) for n in doc["graph"]["nodes"])
    assert close(inputs_by_name(doc)["x"]["grad"], x.grad)
