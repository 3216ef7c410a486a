"""Gradient descent on a function of one scalar input: the trajectory, the loss per step and
the function's curve.

`run({"lesson": "descent", "source", "seed"?, "output"?, "lr"?, "steps"?, "start"?})`:

- a program that updates its input itself (`x.data = x.data - lr * x.grad` in a loop, the
  lecture's gradient_descent) runs once, as is; every `.data =` assignment of the input is a
  step of the trajectory, and the loss of that step is the value `.backward()` was last called
  on (mode "program");
- any other program with one scalar input and a scalar output is the function: it is run again
  with the input replaced by x_k, autograd gives f'(x_k), and x_{k+1} = x_k - lr f'(x_k), for
  `steps` steps from `start` (default: the program's own value of the input) (mode "descent").

The curve is the function evaluated at CURVE_POINTS points spanning the trajectory: the
program's own one-parameter function in program mode (when it defines one), the program with its
input replaced otherwise. Runs inside the sandbox child; returns plain data.
"""
import math

import torch

from webapp.execution.interpreter.builtins import UserFunction
from webapp.core.errors import NothingToDraw, ProblemError
from webapp.execution.lessons.runner import ProgramRuns, graph_inputs, grads_at_backward, warm_up

CURVE_POINTS = 81
MAX_PLOTTED = 1_001           # a 10,001-step trajectory is sent every 10th step
DEFAULT_LR, DEFAULT_STEPS = 0.1, 50


def run(request):
    """The lesson for `request` (see the module's docstring) as plain data (`document`)."""
    warm_up()
    runs = ProgramRuns(request)
    steps = []

    def on_data(interpreter, tensor, value):
        """x before and after this `.data =`, and the loss last differentiated."""
        loss = interpreter.last_backward[0] if interpreter.last_backward else None
        steps.append((tensor, first_entry(tensor), first_entry(value),
                      float(loss.detach()) if isinstance(loss, torch.Tensor) and loss.numel() == 1
                      else None))
    interpreter, leaves = runs.run(on_data=on_data)
    if steps:
        return program_trajectory(interpreter, steps, request)
    return own_descent(runs, interpreter, leaves, request)


# -- the program's own loop --------------------------------------------------------------------

def program_trajectory(interpreter, steps, request):
    """x_0 ... x_N from the `.data =` assignments of the most assigned tensor."""
    counts = {}
    for tensor, _, _, _ in steps:
        counts[id(tensor)] = counts.get(id(tensor), 0) + 1
    chosen = max(counts, key=counts.get)
    mine = [step for step in steps if id(step[0]) == chosen]
    tensor = mine[0][0]
    if tensor.numel() != 1:
        raise NothingToDraw("The program updates a tensor with several entries: the descent "
                            "plots are for a function of one number.")
    xs = [before for _, before, _, _ in mine] + [mine[-1][2]]
    losses = [loss for _, _, _, loss in mine]
    name = next((k for k, v in interpreter.globals.items() if v is tensor), None)
    curve, final_loss = program_curve(interpreter, xs)
    return document("program", name, xs, losses + [final_loss], curve, lr=None, runs=1)


def program_curve(interpreter, xs):
    """The program's own function of one parameter at CURVE_POINTS points, and at x_N."""
    functions = [v for v in interpreter.globals.values()
                 if isinstance(v, UserFunction) and len(v.parameters) == 1]
    if len(functions) != 1:
        return None, None
    (function,) = functions
    try:
        def f(x):
            y = interpreter.builtins.call_user(function, [torch.tensor(x)], {}, function.node)
            return float(y.detach()) if isinstance(y, torch.Tensor) and y.numel() == 1 else None
        grid = span(xs)
        values = [f(x) for x in grid]
        final = f(xs[-1])
    except ProblemError:
        return None, None
    if any(v is None for v in values):
        return None, None
    return {"x": grid, "y": values}, final


# -- our own loop over the program as a function -----------------------------------------------

def own_descent(runs, interpreter, leaves, request):
    """Gradient descent on the program as a function of its one scalar input: the run
    program with the input replaced by x_k gives f(x_k) and f'(x_k) (mode "descent")."""
    target, seed = runs.target(interpreter)
    if not isinstance(target, torch.Tensor) or target.grad_fn is None or target.numel() != 1:
        raise NothingToDraw("Gradient descent needs a program whose output is one number "
                            "computed from its input.")
    inputs = graph_inputs(target, leaves)
    if len(inputs) != 1 or inputs[0][1].numel() != 1:
        raise NothingToDraw(f"Gradient descent here is for a function of one number: this "
                            f"output depends on {sum(leaf.numel() for _, leaf in inputs)} "
                            f"input entries.")
    number, leaf = inputs[0]
    name = next((k for k, v in interpreter.globals.items() if v is leaf), None)
    lr = float(request.get("lr", DEFAULT_LR))
    count = int(request.get("steps", DEFAULT_STEPS))
    start = request.get("start")
    runs.check_budget(count + 1 + CURVE_POINTS, f"{count} steps of gradient descent and the curve")
    x = leaf.detach().clone() if start is None else torch.tensor(float(start), dtype=leaf.dtype)
    xs, losses = [], []
    for _ in range(count + 1):
        loss, grad = loss_and_grad(runs, number, x)
        xs.append(float(x))
        losses.append(loss)
        if len(xs) > count:
            break
        x = (x - lr * grad).detach()
    curve = {"x": span(xs), "y": [loss_and_grad(runs, number, torch.tensor(g, dtype=leaf.dtype),
                                                gradient=False)[0] for g in span(xs)]}
    return document("descent", name, xs, losses, curve, lr=lr, runs=runs.count)


def loss_and_grad(runs, number, x, gradient=True):
    """f(x) and f'(x): the program run with input `number` replaced by x."""
    def change(position, leaf):
        if position == number:
            leaf.copy_(x.reshape(leaf.shape))
    interpreter, leaves = runs.run(change)
    target, _ = runs.target(interpreter)
    if not gradient:
        return float(target.detach()), None
    (grad,) = grads_at_backward(target, [leaves[number]])
    return float(target.detach()), torch.zeros_like(x) if grad is None else grad.reshape(x.shape)


def first_entry(tensor):
    """The first entry of `tensor` as a float (None when it is empty)."""
    return float(tensor.detach().reshape(-1)[0]) if tensor.numel() else None


# -- plain data ---------------------------------------------------------------------------------

def span(xs):
    """CURVE_POINTS evenly spaced points covering the trajectory with a margin."""
    finite = [x for x in xs if math.isfinite(x)] or [0.0]
    low, high = min(finite), max(finite)
    margin = max(0.25 * (high - low), 0.5)
    low, high = low - margin, high + margin
    return [low + (high - low) * i / (CURVE_POINTS - 1) for i in range(CURVE_POINTS)]


def document(mode, name, xs, losses, curve, lr, runs):
    """The lesson's answer: the trajectory `xs` and `losses`, every `stride`-th step of it when
    it is longer than MAX_PLOTTED, with the curve and how it was made."""
    stride = max(1, math.ceil(len(xs) / MAX_PLOTTED))
    picked = list(range(0, len(xs), stride))
    if picked[-1] != len(xs) - 1:
        picked.append(len(xs) - 1)
    return {"mode": mode, "input": name, "lr": lr, "steps": len(xs) - 1,
            "stride": stride, "step": picked,
            "x": [xs[i] for i in picked], "loss": [losses[i] for i in picked],
            "final": {"x": xs[-1], "loss": losses[-1]}, "curve": curve, "runs": runs}
