"""The autograd API students meet in the weeks after the lecture (issue 11, items 1 and 3):
`torch.no_grad()`, in-place updates, index assignment, `retain_graph`, `torch.autograd.grad`,
`backward(gradient)`, `retain_grad`, `nn` modules, optimizers. Each program is run by our
interpreter and by Python with PyTorch directly (`assert_like_pytorch`): the printed output
byte for byte, and every named leaf's gradient (module parameters too: `layer.weight`,
`model[0].bias`) at the last backward call. The programs are plain Python: both run them."""
import traceback

import pytest

from tests.support.documents import problem
from tests.support.reference import assert_like_pytorch, pytorch_run

HEADER = "import torch\nimport torch.nn as nn\n"

PROGRAMS = {
    "manual-sgd-under-no-grad": """
x = torch.tensor([1.0, -2.0], requires_grad=True)
lr = 0.1
for i in range(5):
    loss = (x ** 2).sum()
    loss.backward()
    with torch.no_grad():
        x -= lr * x.grad
    x.grad.zero_()
print(x, loss.item())
""",
    "sub-underscore-and-grad-none": """
w = torch.tensor(3.0, requires_grad=True)
for step in range(4):
    y = (w - 1) ** 2
    y.backward()
    with torch.no_grad():
        w.sub_(0.25 * w.grad)
    w.grad = None
print(w.item(), w.grad)
""",
    "add-underscore-under-no-grad": """
w = torch.tensor([0.5, 0.5], requires_grad=True)
for step in range(3):
    y = torch.sin(w).sum()
    y.backward()
    with torch.no_grad():
        w.add_(w.grad, alpha=-0.5)
        w.grad.zero_()
print(w)
""",
    "data-minus-equals": """
x = torch.tensor(0.0, requires_grad=True)
for i in range(10):
    y = x ** 2 - 4 * x
    y.backward()
    x.data -= 0.1 * x.grad
    x.grad.data.zero_()
print(round(x.item(), 6))
""",
    "data-assigned": """
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
for i in range(3):
    y = (x * x).mean()
    y.backward()
    x.data = x.data - 0.5 * x.grad
    x.grad = None
print(x.data)
""",
    "nested-no-grad-and-enable-grad": """
x = torch.tensor(1.5, requires_grad=True)
with torch.no_grad():
    a = x * 2
    with torch.enable_grad():
        b = x * 3
    c = x * 4
print(a.requires_grad, b.requires_grad, c.requires_grad)
y = b * x
y.backward()
print(x.grad)
""",
    "no-grad-result-is-a-constant": """
x = torch.tensor(2.0, requires_grad=True)
with torch.no_grad():
    scale = x * 10
y = scale * x
y.backward()
print(scale, x.grad)
""",
    "relu-underscore-on-a-non-leaf": """
x = torch.tensor([-1.0, 0.5, 2.0], requires_grad=True)
h = x * 3
h.relu_()
y = h.sum()
y.backward()
print(h, x.grad)
""",
    "in-place-chain-on-a-non-leaf": """
x = torch.tensor([1.0, 2.0], requires_grad=True)
h = x * x
h.add_(1)
h.mul_(2)
h.sub_(x)
h.div_(4)
y = h.sum()
y.backward()
print(h, x.grad)
""",
    "clamp-underscore": """
x = torch.tensor([-2.0, 0.3, 4.0], requires_grad=True)
h = x * 1.5
h.clamp_(-1, 1)
y = (h * x).sum()
y.backward()
print(x.grad)
""",
    "plus-equals-on-a-non-leaf": """
x = torch.tensor([1.0, 2.0], requires_grad=True)
h = x ** 2
h += x
h *= 3
y = h.sum()
y.backward()
print(x.grad)
""",
    "index-assignment-then-backward": """
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
h = x * 2
h[0] = x[1] * x[2]
y = (h ** 2).sum()
y.backward()
print(h, x.grad)
""",
    "index-assignment-of-a-number": """
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
h = torch.exp(x) + 0
h[1] = 0.0
y = h.sum()
y.backward()
print(x.grad)
""",
    "rows-written-into-zeros": """
a = torch.tensor(2.0, requires_grad=True)
b = torch.tensor(-1.0, requires_grad=True)
m = torch.zeros(2, 2)
m[0, 0] = a * b
m[1] = torch.stack([a, b]) ** 2
y = m.sum()
y.backward()
print(m, a.grad, b.grad)
""",
    "plus-equals-on-an-index": """
x = torch.tensor([1.0, 2.0], requires_grad=True)
h = x * 1
h[0] += 5 * x[1]
y = (h * h).sum()
y.backward()
print(x.grad)
""",
    "fill-and-zero-and-copy-on-non-leaves": """
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
a = x * 2
a[0:2].zero_()
b = x * 3
b[2:].fill_(7.0)
c = torch.zeros(3)
c.copy_(x ** 2)
y = (a + b + c).sum()
y.backward()
print(x.grad)
""",
    "retain-graph-two-backwards": """
x = torch.tensor(2.0, requires_grad=True)
y = torch.exp(x) * x
y.backward(retain_graph=True)
print(x.grad)
y.backward()
print(x.grad)
""",
    "retain-graph-three-times-in-a-loop": """
x = torch.tensor([1.0, 3.0], requires_grad=True)
y = (torch.sin(x) * x).sum()
for i in range(3):
    y.backward(retain_graph=True)
print(x.grad)
""",
    "create-graph-accepted": """
x = torch.tensor(3.0, requires_grad=True)
y = x ** 3
y.backward(create_graph=True)
print(x.grad)
""",
    "autograd-grad-of-a-function": """
def f(x):
    return x ** 3 - 2 * x
x = torch.tensor(1.5, requires_grad=True)
(g,) = torch.autograd.grad(f(x), x)
print(g)
""",
    "autograd-grad-twice-for-the-second-derivative": """
x = torch.tensor(2.0, requires_grad=True)
y = torch.sin(x) * x ** 2
(g,) = torch.autograd.grad(y, x, create_graph=True)
(h,) = torch.autograd.grad(g, x)
print(g.item(), h.item())
""",
    "autograd-grad-two-inputs-retain-graph": """
a = torch.tensor(1.0, requires_grad=True)
b = torch.tensor(2.0, requires_grad=True)
z = a * b + b ** 2
ga, gb = torch.autograd.grad(z, [a, b], retain_graph=True)
print(ga, gb)
z.backward()
print(a.grad, b.grad)
""",
    "autograd-grad-allow-unused": """
a = torch.tensor(1.0, requires_grad=True)
b = torch.tensor(2.0, requires_grad=True)
z = a * 3
grads = torch.autograd.grad(z, [a, b], allow_unused=True)
print(grads)
""",
    "autograd-grad-to-different-inputs-frees-only-their-paths": """
a = torch.tensor(1.0, requires_grad=True)
b = torch.tensor(2.0, requires_grad=True)
y = torch.exp(a) + b * b
print(torch.autograd.grad(y, [b]))
print(torch.autograd.grad(y, [a]))
""",
    "backward-with-a-gradient-on-a-vector": """
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = x ** 2
y.backward(torch.tensor([1.0, 0.1, 0.01]))
print(x.grad)
""",
    "backward-gradient-by-keyword": """
x = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
y = torch.tanh(x) * 2
y.backward(gradient=torch.ones(2, 2))
print(x.grad)
""",
    "retain-grad-on-an-intermediate": """
x = torch.tensor(2.0, requires_grad=True)
h = x * 3
h.retain_grad()
y = h ** 2
y.backward()
print(h.grad, x.grad)
""",
    "requires-grad-underscore": """
x = torch.tensor([1.0, 2.0])
x.requires_grad_()
y = (x ** 3).sum()
y.backward()
print(x.requires_grad, x.grad)
""",
    "linear-layer-weight-and-bias": """
layer = nn.Linear(3, 2)
x = torch.tensor([[1.0, 2.0, 3.0]])
y = layer(x).sum()
y.backward()
print(layer)
print(layer.weight.grad, layer.bias.grad)
""",
    "linear-initialisation-matches": """
layer = nn.Linear(2, 2)
print(layer.weight)
print(layer.bias)
y = (layer(torch.ones(2)) ** 2).sum()
y.backward()
""",
    "two-layer-net-mse-sgd": """
model = nn.Sequential(nn.Linear(2, 4), nn.ReLU(), nn.Linear(4, 1))
x = torch.tensor([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]])
t = torch.tensor([[1.0], [1.0], [0.0], [0.0]])
loss_fn = nn.MSELoss()
opt = torch.optim.SGD(model.parameters(), lr=0.1)
for epoch in range(5):
    opt.zero_grad()
    loss = loss_fn(model(x), t)
    loss.backward()
    opt.step()
    print(epoch, round(loss.item(), 6))
print(model)
""",
    "two-layer-net-adam": """
l1 = nn.Linear(2, 3)
l2 = nn.Linear(3, 1)
act = nn.Tanh()
x = torch.tensor([[0.5, -1.0], [2.0, 1.0]])
t = torch.tensor([[1.0], [-1.0]])
opt = torch.optim.Adam(list(l1.parameters()) + list(l2.parameters()), lr=0.01)
mse = nn.MSELoss()
for step in range(4):
    opt.zero_grad()
    loss = mse(l2(act(l1(x))), t)
    loss.backward()
    opt.step()
print(loss.item())
print(l1.weight)
""",
    "sgd-with-momentum-and-lr-changed": """
w = torch.tensor([1.0, -1.0], requires_grad=True)
opt = torch.optim.SGD([w], lr=0.1, momentum=0.9)
for i in range(4):
    opt.zero_grad()
    loss = ((w - 2) ** 2).sum()
    loss.backward()
    opt.step()
    for group in opt.param_groups:
        group["lr"] = group["lr"] * 0.5
print(w, opt.param_groups[0]["lr"])
""",
    "lr-halved-in-place": """
w = torch.tensor(4.0, requires_grad=True)
opt = torch.optim.SGD([w], lr=0.2)
group = opt.param_groups[0]
for i in range(3):
    opt.zero_grad()
    loss = w ** 2
    loss.backward()
    opt.step()
    group["lr"] *= 0.5
print(w.item(), opt.param_groups[0]["lr"])
""",
    "cross-entropy-on-a-tiny-batch": """
model = nn.Linear(4, 3)
x = torch.tensor([[1.0, 0.0, -1.0, 2.0], [0.5, 0.5, 0.5, 0.5]])
labels = torch.tensor([2, 0])
loss = nn.CrossEntropyLoss()(model(x), labels)
loss.backward()
print(loss)
""",
    "sigmoid-classifier-trained": """
model = nn.Sequential(nn.Linear(1, 1), nn.Sigmoid())
x = torch.tensor([[-2.0], [-1.0], [1.0], [2.0]])
t = torch.tensor([[0.0], [0.0], [1.0], [1.0]])
opt = torch.optim.SGD(model.parameters(), lr=1.0)
for i in range(6):
    opt.zero_grad()
    loss = nn.MSELoss()(model(x), t)
    loss.backward()
    opt.step()
print(model[0].weight, model[0].bias)
print(len(list(model.parameters())))
""",
    "model-zero-grad-and-sum-reduction": """
net = nn.Linear(2, 1, bias=False)
x = torch.tensor([[1.0, 2.0]])
for i in range(2):
    net.zero_grad()
    loss = nn.MSELoss(reduction="sum")(net(x), torch.tensor([[3.0]]))
    loss.backward()
print(net.weight.grad, net.bias)
""",
    "manual-sgd-over-module-parameters": """
layer = nn.Linear(2, 1)
x = torch.tensor([[1.0, -1.0], [2.0, 0.5]])
t = torch.tensor([[0.0], [1.0]])
for i in range(3):
    loss = ((layer(x) - t) ** 2).mean()
    layer.zero_grad()
    loss.backward()
    with torch.no_grad():
        layer.weight.sub_(0.1 * layer.weight.grad)
    layer.bias.data -= 0.1 * layer.bias.grad
print(layer.weight, layer.bias)
""",
    "parameters-used-directly": """
layer = nn.Linear(2, 2)
x = torch.tensor([1.0, 2.0])
y = (torch.matmul(layer.weight, x) + layer.bias).sum() + layer.weight.sum()
y.backward()
print(layer.in_features, layer.out_features)
""",
    "optimizer-over-plain-tensors-adam": """
a = torch.tensor(0.0, requires_grad=True)
b = torch.tensor(0.0, requires_grad=True)
opt = torch.optim.Adam([a, b], lr=0.1)
for i in range(5):
    opt.zero_grad()
    loss = (a - 1) ** 2 + (b + 2) ** 2 + a * b
    loss.backward()
    opt.step()
print(a.item(), b.item())
""",
    "relu-module-in-place": """
model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(inplace=True), nn.Linear(3, 1))
y = model(torch.tensor([[1.0, -1.0]])).sum()
y.backward()
print(model)
""",
    "autograd-backward-function": """
x = torch.tensor([2.0, -1.0], requires_grad=True)
y = (x ** 3).sum()
torch.autograd.backward(y)
print(x.grad)
""",
    "named-parameters": """
model = nn.Sequential(nn.Linear(1, 2), nn.Tanh(), nn.Linear(2, 1))
names = []
for pair in model.named_parameters():
    names = names + [pair[0]]
print(names)
loss = model(torch.tensor([[0.5]])).sum()
loss.backward()
print(model[2].weight.grad)
""",
    "retain-graph-leaf-changed-between": """
x = torch.tensor(2.0, requires_grad=True)
y = x ** 3
y.backward(retain_graph=True)
print(x.grad)
x.data = x.data + 1
x.grad = None
y.backward()
print(x.grad)
x.data = x.data * 10
""",
}


# PyTorch warns about backward(create_graph=True) (a reference cycle): in its plain run too.
WARNS = {"create-graph-accepted"}


@pytest.mark.parametrize("name", [
    pytest.param(name, marks=pytest.mark.filterwarnings("ignore:Using backward")
                 if name in WARNS else ()) for name in PROGRAMS])
def test_a_student_program_runs_as_in_pytorch(name):
    assert_like_pytorch(HEADER + PROGRAMS[name])


def test_the_table_is_large_enough():
    assert len(PROGRAMS) >= 30


# Programs PyTorch refuses: our answer is a 422 with PyTorch's own message, at the line where
# PyTorch raised it.
FAILING = {
    "in-place-on-a-leaf": """
x = torch.tensor([1.0, 2.0], requires_grad=True)
x -= 0.1
""",
    "add-underscore-on-a-leaf": """
x = torch.tensor([1.0, 2.0], requires_grad=True)
x.add_(1)
""",
    "index-assignment-on-a-leaf": """
x = torch.tensor([1.0, 2.0], requires_grad=True)
x[0] = 5.0
""",
    "data-of-a-leaf-is-fine-but-its-grad-is-not-there": """
x = torch.tensor(1.0, requires_grad=True)
x.grad.zero_()
""",
    "saved-result-modified-in-place": """
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = torch.exp(x)
y.add_(1)
y.sum().backward()
""",
    "saved-result-modified-by-index-assignment": """
x = torch.tensor([1.0, 2.0], requires_grad=True)
h = torch.sigmoid(x)
h[0] = 0.0
h.sum().backward()
""",
    "leaf-updated-before-backward": """
w = torch.tensor([1.0, 2.0], requires_grad=True)
y = (w ** 2).sum()
with torch.no_grad():
    w -= 0.1
y.backward()
""",
    "second-backward-without-retain-graph": """
x = torch.tensor(2.0, requires_grad=True)
y = x * x
y.backward()
y.backward()
""",
    "third-backward-after-a-retained-one": """
x = torch.tensor(2.0, requires_grad=True)
y = torch.exp(x)
y.backward(retain_graph=True)
y.backward()
y.backward()
""",
    "autograd-grad-twice": """
x = torch.tensor(2.0, requires_grad=True)
y = torch.sin(x)
g = torch.autograd.grad(y, x)
g = torch.autograd.grad(y, x)
""",
    "autograd-grad-again-through-a-freed-path": """
a = torch.tensor(1.0, requires_grad=True)
b = torch.tensor(2.0, requires_grad=True)
y = torch.exp(a) + b * b
g = torch.autograd.grad(y, [b])
g = torch.autograd.grad(y, [a])
g = torch.autograd.grad(y, [b])
""",
    "autograd-grad-of-an-unused-input": """
a = torch.tensor(1.0, requires_grad=True)
b = torch.tensor(2.0, requires_grad=True)
g = torch.autograd.grad(a * 3, [a, b])
""",
    "backward-of-a-vector-without-gradient": """
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x * 2
y.backward()
""",
    "optimizer-over-a-non-leaf": """
x = torch.tensor([1.0, 2.0], requires_grad=True)
h = x * 2
opt = torch.optim.SGD([h], lr=0.1)
""",
    "negative-learning-rate": """
w = torch.tensor(1.0, requires_grad=True)
opt = torch.optim.Adam([w], lr=-1.0)
""",
    "sequential-of-something-else": """
model = nn.Sequential(nn.Linear(2, 2), 3)
""",
    "linear-layer-of-the-wrong-size": """
layer = nn.Linear(3, 2)
y = layer(torch.ones(1, 4))
""",
}


def pytorch_failure(source):
    """(message, line) of the exception Python and PyTorch raise running `source`."""
    try:
        pytorch_run(source)
    except Exception as error:                # the test's own program failed as it must
        frames = [f for f in traceback.extract_tb(error.__traceback__)
                  if f.filename == "<test program>"]
        return str(error), frames[-1].lineno
    raise AssertionError("PyTorch ran the program without an error")


@pytest.mark.parametrize("name", FAILING)
def test_pytorch_refuses_and_we_say_what_pytorch_says(name):
    source = HEADER + FAILING[name]
    message, line = pytorch_failure(source)
    body = problem(source)
    assert (body["status"], body["detail"], body["line"]) == (422, message, line), body


def test_manual_sgd_on_a_layers_own_parameters_under_no_grad():
    """`layer.weight -= lr * layer.weight.grad`: the update students write by hand."""
    assert_like_pytorch(
        "import torch\nimport torch.nn as nn\nlayer = nn.Linear(2, 1)\n"
        "x = torch.tensor([[1.0, 2.0], [0.5, -1.0]])\nt = torch.tensor([[1.0], [0.0]])\n"
        "for step in range(3):\n    loss = ((layer(x) - t) ** 2).mean()\n"
        "    loss.backward()\n    with torch.no_grad():\n"
        "        layer.weight -= 0.1 * layer.weight.grad\n"
        "        layer.bias -= 0.1 * layer.bias.grad\n"
        "    layer.weight.grad = None\n    layer.bias.grad = None\n"
        "print(layer.weight, layer.bias)\n")
