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

`ProgramRuns` (re-running a checked program with one input leaf perturbed or replaced) is
shared with `descent`. Runs inside the sandbox child; returns plain data.
"""
import time

import torch

from webapp import language
from webapp.core import limits
from webapp.execution.capture.trace import plain, walk
from webapp.core.errors import LimitExceeded, NothingToDraw
from webapp.execution.interpreter.interpreter import Interpreter

H = 1e-6
SWEEP = [10.0 ** -k for k in range(1, 13)]
BUDGET_S = 1.2                # of the child's WALL_CLOCK_S, for the extra runs
MAX_ELEMENTS = 64             # input entries differentiated numerically
DTYPES = {"float64": torch.float64, "float32": torch.float32}


class ProgramRuns:
    """One checked program, run as often as a lesson needs, each time from the same seed."""

    def __init__(self, request, dtype=None):
        self.program = language.check(request["source"])
        self.seed = request.get("seed", 0)
        self.output = request.get("output")
        self.dtype = dtype
        self.count = 0
        self.seconds = 0.0

    def run(self, change=None, on_data=None):
        """Run the program; `change(leaf_number, leaf)` may alter each new leaf in place.
        Returns (interpreter, leaves in the order they were made)."""
        interpreter = Interpreter(self.program)
        leaves, seen = [], set()

        def on_leaf(tensor):
            if id(tensor) in seen:       # x.float() hands back x itself
                return
            seen.add(id(tensor))
            if change is not None:
                with torch.no_grad():
                    change(len(leaves), tensor)
            leaves.append(tensor)
        def on_tensor(tensor):
            if self.dtype is not None and tensor.is_floating_point() \
                    and tensor.dtype != self.dtype:
                tensor.data = tensor.data.to(self.dtype)    # same values, more precision after
            if tensor.requires_grad:
                on_leaf(tensor)
        interpreter.on_tensor = on_tensor
        if on_data is not None:             # on_data(interpreter, tensor, new value)
            interpreter.on_data = lambda tensor, value: on_data(interpreter, tensor, value)
        started = time.perf_counter()
        torch.default_generator.manual_seed(self.seed)
        interpreter.run()
        self.seconds = min(self.seconds, time.perf_counter() - started) if self.count \
            else time.perf_counter() - started
        self.count += 1
        return interpreter, leaves

    def target(self, interpreter):
        from webapp.execution.entry import choose_output    # evaluate imports the lessons lazily
        return choose_output(interpreter, self.output)

    def check_budget(self, runs, what):
        """Refuse, before starting, work that would not fit the lesson's share of the clock.
        A first run that looks slow but short is timed once more (it may have paid for
        first-use set-up, or shared the processor)."""
        if self.count == 1 and runs * self.seconds > BUDGET_S and self.seconds < BUDGET_S / 2:
            self.run()
        needed = runs * max(self.seconds, 1e-4)
        if needed > BUDGET_S:
            raise LimitExceeded(
                f"{what} would run this program {runs:,} more times; one run takes "
                f"{self.seconds * 1000:.1f} ms, so that needs about {needed:.1f} s, more than "
                f"the {BUDGET_S:g} s this lesson may spend (the whole evaluation is stopped "
                f"after {limits.WALL_CLOCK_S:g} s).")


def graph_inputs(target, leaves):
    """(position among the program's leaves, leaf) for each input of target's graph."""
    found = {id(fn.variable) for fn in walk(target.grad_fn) if hasattr(fn, "variable")}
    return [(number, leaf) for number, leaf in enumerate(leaves) if id(leaf) in found]


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


def warm_up():
    """Pay once, before timing a run, for what PyTorch sets up on first use: the size guard's
    shape-only ("meta") pow loads PyTorch's reference implementations (about a second)."""
    for dtype in DTYPES.values():
        torch.empty(2, device="meta", dtype=dtype) ** 2


def run(request):
    dtype_name = request.get("dtype") or "float64"
    warm_up()
    runs = ProgramRuns(request, DTYPES[dtype_name])
    interpreter, leaves = runs.run()
    target, seed = runs.target(interpreter)
    if not isinstance(target, torch.Tensor) or target.grad_fn is None:
        raise NothingToDraw("The program made no tensor that autograd recorded a graph for.")
    inputs = graph_inputs(target, leaves)
    grads = torch.autograd.grad(target, [leaf for _, leaf in inputs], grad_outputs=seed,
                                retain_graph=True, allow_unused=True)
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
