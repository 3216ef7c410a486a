"""What the lessons share: one checked program, re-run as often as a lesson needs with its
input leaves perturbed or replaced (`ProgramRuns`), the inputs of its graph, and the clock the
extra runs may spend. Runs inside the sandbox child (torch).
"""
import time

import torch

from webapp import language
from webapp.core import limits
from webapp.core.errors import LimitExceeded
from webapp.execution.capture.moment import leaves_at
from webapp.execution.capture.nodes import walk
from webapp.execution.interpreter.interpreter import Interpreter
from webapp.execution.target import choose_output

BUDGET_S = 1.2                # of the child's CPU_TIME_LIMIT_S, for the extra runs
# A run is timed in processor time, the currency of the child's limit: on a busy machine the
# wall clock of a 2 ms run can read 600 ms (the run waited for a core), and a lesson that fits
# would be refused.
clock = time.process_time
DTYPES = {"float64": torch.float64, "float32": torch.float32}


class ProgramRuns:
    """One checked program, run as often as a lesson needs, each time from the same seed.

    `request` is the lesson's request ({"source", "seed"?, "output"?, ...}); every floating-point
    tensor the program makes is turned into `dtype` (None: the program's own precision).
    """

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
        started = clock()
        torch.default_generator.manual_seed(self.seed)
        interpreter.run()
        elapsed = clock() - started
        self.seconds = min(self.seconds, elapsed) if self.count else elapsed
        self.count += 1
        return interpreter, leaves

    def target(self, interpreter):
        """(tensor to differentiate, its backward seed or None) of one run."""
        return choose_output(interpreter, self.output)

    def check_budget(self, runs, what):
        """Refuse, before starting, work that would not fit the lesson's share of the clock.
        A first run that looks slow but short is timed once more (it may have paid for
        first-use set-up)."""
        if self.count == 1 and runs * self.seconds > BUDGET_S and self.seconds < BUDGET_S / 2:
            self.run()
        needed = runs * max(self.seconds, 1e-4)
        if needed > BUDGET_S:
            raise LimitExceeded(
                f"{what} would run this program {runs:,} more times; one run takes "
                f"{self.seconds * 1000:.1f} ms, so that needs about {needed:.1f} s, more than "
                f"the {BUDGET_S:g} s this lesson may spend (the whole evaluation is stopped "
                f"after {limits.CPU_TIME_LIMIT_S:g} s of processor time).")


def graph_inputs(target, leaves):
    """(position among the program's leaves, leaf) for each input of target's graph."""
    found = {id(fn.variable) for fn in walk(target.grad_fn) if hasattr(fn, "variable")}
    return [(number, leaf) for number, leaf in enumerate(leaves) if id(leaf) in found]


def grads_at_backward(target, inputs, seed=None):
    """autograd's d target / d each of `inputs`, with the leaves as they were at the program's
    backward call on `target` (capture/moment.py): a training loop changes them in place after
    it (`x -= lr * x.grad` under no_grad, an optimizer's step), and autograd would refuse."""
    call = target.grad_fn.metadata.get("backward")
    with leaves_at(call.leaves if call else []):
        return torch.autograd.grad(target, inputs, grad_outputs=seed, retain_graph=True,
                                   allow_unused=True)


def warm_up():
    """Pay once, before timing a run, for what PyTorch sets up on first use: the size guard's
    shape-only ("meta") pow loads PyTorch's reference implementations (about a second)."""
    for dtype in DTYPES.values():
        torch.empty(2, device="meta", dtype=dtype) ** 2
