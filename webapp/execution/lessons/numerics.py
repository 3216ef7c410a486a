"""Numerical vs automatic differentiation, on the user's own program.

`run({"lesson": "numerics", "source", "output"?, "seed"?, "input"?, "dtype"?})` runs the program
once (autograd's gradient: one forward and one backward pass), then again with one input entry
moved by h: forward differences (f(x + h e_i) - f(x)) / h need n + 1 runs for n input entries,
central differences (f(x + h e_i) - f(x - h e_i)) / 2h need 2n. With the lecture's h = 1e-6,
it reports both estimates and their errors against autograd, and sweeps h from 1e-1 to 1e-12 on
one entry: truncation error falls with h, cancellation error grows as h shrinks.
Every floating-point tensor the program makes (inputs, constants, random numbers) is turned
into float64 as it is made, with the same value, so everything after is computed in float64
and every run takes the same branches as the program itself; `dtype` "float32" keeps the
program's own precision.

The runs themselves are `runner.ProgramRuns`'s. Runs inside the sandbox child; returns plain
data.
"""
import torch

from webapp.core.errors import LimitExceeded, NothingToDraw
from webapp.execution.capture.nodes import plain
from webapp.execution.lessons.runner import (DTYPES, ProgramRuns, graph_inputs,
                                             grads_at_backward, warm_up)

H = 1e-6
SWEEP = [10.0 ** -k for k in range(1, 13)]
MAX_ELEMENTS = 64             # input entries differentiated numerically


def objective(target, seed):
    """The number autograd differentiates: target itself, or seed · target when the
    program's backward pass was seeded (a non-scalar output is seeded with ones)."""
    weights = torch.ones_like(target) if seed is None else seed
    return float((weights * target.detach()).sum())


def evaluate_moved(runs, number, entry, step):
    """f with entry `entry` of leaf `number` moved by `step`."""
    def change(position, leaf):
        if position == number:
            leaf.view(-1)[entry] += step
    interpreter, _ = runs.run(change)
    target, seed = runs.target(interpreter)
    return objective(target, seed)


def run(request):
    """The lesson for `request` (see the module's docstring) as plain data: {"h", "dtype",
    "output", "inputs", "evaluations", "sweep", "runs"}."""
    dtype_name = request.get("dtype") or "float64"
    warm_up()
    runs = ProgramRuns(request, DTYPES[dtype_name])
    interpreter, leaves = runs.run()
    target, seed = runs.target(interpreter)
    if not isinstance(target, torch.Tensor) or target.grad_fn is None:
        raise NothingToDraw("The program made no tensor that autograd recorded a graph for.")
    inputs = graph_inputs(target, leaves)
    grads = grads_at_backward(target, [leaf for _, leaf in inputs], seed)
    names = {id(v): k for k, v in interpreter.globals.items() if isinstance(v, torch.Tensor)}
    n = sum(leaf.numel() for _, leaf in inputs)
    if n > MAX_ELEMENTS:
        raise LimitExceeded(f"The inputs have {n:,} entries: finite differences would need "
                            f"{n + 1:,} (forward) or {2 * n:,} (central) runs of the program, "
                            f"against one backward pass; this lesson does it for up to "
                            f"{MAX_ELEMENTS} entries.")
    runs.check_budget(2 * n + 2 * len(SWEEP), "Finite differences")
    f0 = objective(target, seed)
    chosen = choose_input(request.get("input"), inputs, names)
    rows = [differences(runs, number, leaf, grad, f0, names)
            for (number, leaf), grad in zip(inputs, grads)]
    number, leaf = inputs[chosen]
    return {"h": H, "dtype": dtype_name, "output": f0, "inputs": rows,
            "evaluations": {"entries": n, "forward": n + 1, "central": 2 * n,
                            "autograd": {"forward": 1, "backward": 1}},
            "sweep": sweep(runs, number, grads[chosen], f0, rows[chosen]["name"]),
            "runs": runs.count}


def choose_input(name, inputs, names):
    """The position in `inputs` of the input named `name` (the first when no name is given)."""
    if not inputs:
        raise NothingToDraw("The output does not depend on any input that requires grad.")
    if not name:
        return 0
    for position, (_, leaf) in enumerate(inputs):
        if names.get(id(leaf)) == name:
            return position
    raise NothingToDraw(f"'{name}' is not an input of the graph.")


def differences(runs, number, leaf, grad, f0, names):
    """Forward and central estimates of d f / d leaf, entry by entry, and their errors."""
    grad = torch.zeros_like(leaf) if grad is None else grad
    plus = [evaluate_moved(runs, number, i, H) for i in range(leaf.numel())]
    minus = [evaluate_moved(runs, number, i, -H) for i in range(leaf.numel())]
    shape = leaf.shape
    forward = torch.tensor([(p - f0) / H for p in plus], dtype=torch.float64).reshape(shape)
    central = torch.tensor([(p - m) / (2 * H) for p, m in zip(plus, minus)],
                           dtype=torch.float64).reshape(shape)
    exact = grad.detach().to(torch.float64)
    return {"name": names.get(id(leaf)), "shape": list(shape), "value": plain(leaf.detach()),
            "grad": plain(grad.detach()), "forward": plain(forward), "central": plain(central),
            "forward_error": plain((forward - exact).abs()),
            "central_error": plain((central - exact).abs())}


def sweep(runs, number, grad, f0, name):
    """Errors of both estimates on entry 0 of one input, for h = 1e-1 ... 1e-12."""
    exact = 0.0 if grad is None else float(grad.reshape(-1)[0])
    forward_error, central_error = [], []
    for h in SWEEP:
        plus, minus = evaluate_moved(runs, number, 0, h), evaluate_moved(runs, number, 0, -h)
        forward_error.append(abs((plus - f0) / h - exact))
        central_error.append(abs((plus - minus) / (2 * h) - exact))
    return {"input": name, "entry": 0, "grad": exact, "h": SWEEP,
            "forward_error": forward_error, "central_error": central_error}
