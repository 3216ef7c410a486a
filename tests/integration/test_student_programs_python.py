"""Programs students write in the weeks after the autograd lecture, using Python's own
constructs (while, comprehensions, lambdas and closures, defaults and keywords, lists and
dicts, zip and enumerate, f-strings and .format, assert): each one is run by our interpreter
and by Python with PyTorch directly, and must print the same bytes and give every named leaf
the same gradient at the last backward call (tests.support.reference.assert_like_pytorch).
"""
import pytest

from tests.support.reference import assert_like_pytorch

PROGRAMS = {
    "numerical_differentiation_lambda": """
import torch
def diff(f, x, h=1e-4):
    return (f(x + h) - f(x - h)) / (2 * h)
print(round(diff(lambda x: x ** 2, 2), 4))
x = torch.tensor(2.0, requires_grad=True)
y = x ** 2
y.backward()
print(x.grad, abs(x.grad.item() - diff(lambda v: v ** 2, 2.0)) < 1e-4)
""",
    "while_loop_until_tolerance": """
import torch
x = torch.tensor(5.0, requires_grad=True)
lr, tol, step = 0.1, 1e-3, 0
while True:
    loss = (x - 2) ** 2
    loss.backward()
    if abs(x.grad.item()) < tol:
        break
    x.data = x.data - lr * x.grad
    x.grad.zero_()
    step += 1
print(f"stopped after {step} steps at x = {x.item():.4f}")
""",
    "losses_append_each_epoch": """
import torch
w = torch.tensor(0.0, requires_grad=True)
losses = []
for epoch in range(5):
    loss = (3 * w - 6) ** 2
    loss.backward()
    losses.append(loss.item())
    w.data = w.data - 0.05 * w.grad
    w.grad.zero_()
print([round(l, 3) for l in losses])
print(len(losses), losses[-1] < losses[0])
loss = (3 * w - 6) ** 2
loss.backward()
""",
    "fstring_loss_each_epoch": """
import torch
w = torch.tensor([1.0, -1.0], requires_grad=True)
for epoch in range(3):
    loss = (w ** 2).sum()
    loss.backward()
    print(f"epoch {epoch:2d}: loss = {loss.item():.4f}, grad = {w.grad}")
    w.data = w.data - 0.1 * w.grad
    w.grad.zero_()
""",
    "comprehension_of_tensors_summed": """
import torch
x = torch.tensor(1.5, requires_grad=True)
terms = [x ** k / (k + 1) for k in range(4)]
total = sum(terms)
total.backward()
print(total, x.grad)
""",
    "generator_sum_of_squares": """
import torch
w = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
loss = sum(wi ** 2 for wi in w)
loss.backward()
print(loss.item(), w.grad)
""",
    "polynomial_with_defaults": """
import torch
def poly(x, a=1.0, b=0.0, c=0.0):
    return a + b * x + c * x ** 2
x = torch.tensor(2.0, requires_grad=True)
y = poly(x, c=3.0) + poly(x, 0.0, 2.0)
y.backward()
print(y.item(), x.grad.item())
""",
    "zip_regression_by_hand": """
import torch
xs = [1.0, 2.0, 3.0, 4.0]
ys = [2.1, 3.9, 6.2, 7.8]
w = torch.tensor(0.0, requires_grad=True)
b = torch.tensor(0.0, requires_grad=True)
for epoch in range(20):
    loss = sum((w * x + b - y) ** 2 for x, y in zip(xs, ys)) / len(xs)
    loss.backward()
    w.data = w.data - 0.02 * w.grad
    b.data = b.data - 0.02 * b.grad
    w.grad.zero_()
    b.grad.zero_()
loss = sum((w * x + b - y) ** 2 for x, y in zip(xs, ys)) / len(xs)
loss.backward()
print(f"w = {w.item():.3f}, b = {b.item():.3f}, loss = {loss.item():.4f}")
""",
    "enumerate_weighted_sum": """
import torch
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
total = 0
for i, xi in enumerate(x):
    total = total + (i + 1) * xi ** 2
total.backward()
print(total.item(), x.grad)
""",
    "closure_makes_loss_function": """
import torch
def make_loss(target):
    def loss(pred):
        return (pred - target) ** 2
    return loss
mse_to_3 = make_loss(3.0)
x = torch.tensor(1.0, requires_grad=True)
y = mse_to_3(x * 2)
y.backward()
print(y, x.grad)
""",
    "functions_as_values_table": """
import torch
activations = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu}
x = torch.tensor(0.5, requires_grad=True)
outputs = {name: f(x) for name, f in activations.items()}
for name in sorted(outputs):
    print(f"{name:>8}: {outputs[name].item():.5f}")
total = sum(outputs.values())
total.backward()
print(x.grad)
""",
    "chain_rule_with_compose": """
import torch
def compose(f, g):
    return lambda v: f(g(v))
h = compose(torch.sin, lambda v: v ** 2)
x = torch.tensor(1.2, requires_grad=True)
y = h(x)
y.backward()
print("{:.6f} {:.6f}".format(y.item(), x.grad.item()))
""",
    "dict_of_parameters": """
import torch
params = {"w": torch.tensor(2.0, requires_grad=True), "b": torch.tensor(-1.0, requires_grad=True)}
x = torch.tensor(3.0)
y = params["w"] * x + params["b"]
w, b = params["w"], params["b"]
y.backward()
for name, p in params.items():
    print(name, p.grad.item())
""",
    "tuple_unpacking_of_results": """
import torch
def forward(x):
    h = x * 2
    return h, h ** 2
x = torch.tensor(1.5, requires_grad=True)
h, out = forward(x)
out.backward()
print(h, out, x.grad)
""",
    "newton_method_while": """
import torch
x = torch.tensor(3.0, requires_grad=True)
iterations = 0
while iterations < 20:
    f = x ** 3 - 2 * x - 5
    f.backward()
    step = f.item() / x.grad.item()
    x.data = x.data - step
    x.grad.zero_()
    iterations += 1
    if abs(step) < 1e-6:
        break
f = x ** 3 - 2 * x - 5
f.backward()
print(f"root {x.item():.6f} after {iterations} iterations")
""",
    "list_of_points_stack": """
import torch
x = torch.tensor(2.0, requires_grad=True)
ys = torch.stack([x ** k for k in range(1, 5)])
total = ys.sum()
total.backward()
print(ys, x.grad)
""",
    "cat_of_pieces": """
import torch
a = torch.tensor([1.0, 2.0], requires_grad=True)
pieces = [a * i for i in range(1, 4)]
joined = torch.cat(pieces)
loss = (joined ** 2).mean()
loss.backward()
print(joined.shape, a.grad)
""",
    "assert_shapes": """
import torch
W = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
v = torch.tensor([1.0, -1.0])
out = W @ v
assert out.shape == (2,), f"unexpected shape {out.shape}"
loss = out.pow(2).sum()
loss.backward()
print(out, W.grad)
""",
    "max_of_generator": """
import torch
x = torch.tensor([0.3, -2.0, 1.1], requires_grad=True)
biggest = max(xi.abs() for xi in x)
biggest.backward()
print(biggest, x.grad)
""",
    "min_with_key_lambda": """
import torch
x = torch.tensor(1.0, requires_grad=True)
candidates = [(x - 3) ** 2, (x + 1) ** 2, x ** 2]
best = min(candidates, key=lambda c: c.item())
best.backward()
print(best.item(), x.grad)
""",
    "reversed_layers": """
import torch
x = torch.tensor(0.7, requires_grad=True)
layers = [lambda v: v * 2, torch.sin, lambda v: v + 1]
h = x
for layer in reversed(layers):
    h = layer(h)
h.backward()
print(f"{h.item():.6f} {x.grad.item():.6f}")
""",
    "nested_def_with_keyword_call": """
import torch
def model(x, depth=2, scale=1.0):
    def block(h):
        return torch.tanh(h) * scale
    for i in range(depth):
        x = block(x)
    return x
x = torch.tensor(0.4, requires_grad=True)
y = model(x, scale=0.5, depth=3)
y.backward()
print(y.item(), x.grad.item())
""",
    "star_args_call": """
import torch
def affine(x, w, b):
    return w * x + b
x = torch.tensor(2.0, requires_grad=True)
coefficients = (torch.tensor(3.0), torch.tensor(1.0))
y = affine(x, *coefficients)
y.backward()
print(y, x.grad)
""",
    "format_table_of_gradients": """
import torch
xs = [torch.tensor(float(v), requires_grad=True) for v in range(1, 4)]
for v in xs:
    y = v ** 3
    y.backward()
print("x | dy/dx")
for v in xs:
    print("{:>3.1f} | {:>6.2f}".format(v.item(), v.grad.item()))
""",
    "running_average_list": """
import torch
w = torch.tensor(1.0, requires_grad=True)
history = []
for step in range(4):
    loss = (w * 2 - 1) ** 2
    history.append(loss.item())
    avg = sum(history) / len(history)
    print(f"step {step}: loss {history[-1]:.4f} avg {avg:.4f}")
    loss.backward()
    w.data = w.data - 0.1 * w.grad
    w.grad.zero_()
loss = (w * 2 - 1) ** 2
loss.backward()
""",
    "early_stopping_continue": """
import torch
w = torch.tensor(4.0, requires_grad=True)
for epoch in range(10):
    loss = (w - 1) ** 2
    if epoch % 3 == 0:
        print(f"epoch {epoch} loss {loss.item():.3f}")
    loss.backward()
    w.data = w.data - 0.2 * w.grad
    w.grad.zero_()
    if loss.item() > 1.0:
        continue
    print("converging at epoch", epoch)
    break
loss = (w - 1) ** 2
loss.backward()
""",
    "dict_comprehension_of_grads": """
import torch
a = torch.tensor(1.0, requires_grad=True)
b = torch.tensor(2.0, requires_grad=True)
c = torch.tensor(3.0, requires_grad=True)
y = a * b + b * c + a ** 2
y.backward()
grads = {name: t.grad.item() for name, t in [("a", a), ("b", b), ("c", c)]}
print(grads)
print({k: v for k, v in grads.items() if v > 3})
""",
    "in_operator_and_membership": """
import torch
seen = []
x = torch.tensor(2.0, requires_grad=True)
y = x
for k in [1, 2, 2, 3, 1]:
    if k in seen:
        continue
    seen.append(k)
    y = y * x + k
y.backward()
print(seen, 3 in seen, y.item(), x.grad.item())
""",
    "slicing_a_list_of_losses": """
import torch
x = torch.tensor(1.0, requires_grad=True)
parts = [x * i for i in range(6)]
tail = parts[2:]
y = sum(tail) + parts[-1] * parts[1]
y.backward()
print(len(tail), y, x.grad)
""",
    "pop_from_a_stack_of_ops": """
import torch
x = torch.tensor(0.5, requires_grad=True)
ops = [torch.exp, torch.sin, lambda v: v * 3]
h = x
while ops:
    op = ops.pop()
    h = op(h)
h.backward()
print(f"{h.item():.6f}", f"{x.grad.item():.6f}")
""",
    "gradient_check_with_all": """
import torch
def numeric_grad(f, x, h=1e-3):
    return (f(x + h) - f(x - h)) / (2 * h)
fs = [lambda v: v ** 2, lambda v: torch.sin(v), lambda v: torch.exp(v) * v]
x = torch.tensor(0.8, requires_grad=True)
checks = []
for f in fs:
    y = f(x)
    y.backward()
    checks.append(abs(x.grad.item() - numeric_grad(f, x.detach()).item()) < 1e-2)
    x.grad.zero_()
print(checks, all(checks))
y = fs[-1](x)
y.backward()
""",
    "fstring_with_tensor_and_width": """
import torch
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = (x * x).sum()
y.backward()
print(f"{'x':>5}|{'grad':>8}")
for xi, gi in zip(x.tolist(), x.grad.tolist()):
    print(f"{xi:>5.1f}|{gi:>8.3f}")
print(f"{y}")
print(f"{y.item()=:.2f}")
""",
    "matrix_rows_loop": """
import torch
W = torch.tensor([[1.0, 2.0], [0.5, -1.0], [2.0, 0.0]], requires_grad=True)
x = torch.tensor([1.0, 3.0])
scores = [torch.dot(row, x) for row in W]
loss = sum(s ** 2 for s in scores)
loss.backward()
print([round(s.item(), 3) for s in scores], W.grad)
""",
    "lambda_default_binding_in_loop": """
import torch
x = torch.tensor(1.0, requires_grad=True)
powers = [lambda v, k=k: v ** k for k in range(1, 4)]
y = sum(p(x) for p in powers)
y.backward()
print(y.item(), x.grad.item())
""",
    "recursion_power": """
import torch
def power(v, n):
    if n == 0:
        return torch.tensor(1.0)
    return v * power(v, n - 1)
x = torch.tensor(1.1, requires_grad=True)
y = power(x, 5)
y.backward()
print(f"{y.item():.5f} {x.grad.item():.5f}")
""",
}


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_student_program_runs_like_pytorch(name):
    assert_like_pytorch(PROGRAMS[name].lstrip("\n"))


def test_the_table_has_at_least_thirty_two_programs():
    assert len(PROGRAMS) >= 32
