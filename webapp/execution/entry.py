"""One evaluation, as the sandbox child runs it: source text in, plain data out.

`evaluate({"source", "output"?, "seed"?})` returns `{"trace", "stdout", "warnings",
"variables"}` or `{"problem": problem dict}`. No tensors leave this function.
"""
import warnings as python_warnings

import torch
from torchviz import make_dot

from webapp import language
from webapp.core import limits
from webapp.execution.capture import trace as capture
from webapp.execution.rules import annotate as rules
from webapp.execution.capture.trace import plain
from webapp.core.errors import LimitExceeded, NothingToDraw, ProblemError
from webapp.execution.interpreter.interpreter import Interpreter

MAX_VARIABLE_ELEMENTS = 1_000


LESSONS = ("numerics", "descent")
# The lecture's usual operations, so that the pages they touch are copied before a request.
WARM_UP_PROGRAM = (
    "import math\n"
    "W = torch.tensor([[1.0, 2.0], [2.0, 1.0]])\n"
    "x = torch.tensor([1.0, 2.0], requires_grad=True)\n"
    "s = torch.tensor(0.5, requires_grad=True)\n"
    "def f(a):\n    return a ** 2 + 4 * a - 3\n"
    "t = torch.matmul(torch.matmul(x, W), x) + f(x[0]) * s\n"
    "u = -1 / (t ** 2 + 1) * torch.log(1 / (1 + torch.exp(-t)) + 1)\n"
    "y = torch.sin(u) + torch.cos(s * 2) + torch.sigmoid(torch.sum(x)) - x[1] / 3\n"
    "y.backward()\nprint(x.grad, s.grad.item(), *x.grad.numpy())\n")


def prepare_server():
    """In the fork server, once, before any fork: import and initialise what an evaluation
    needs, so that no child pays for it.

    No backward pass here: after one, a forked child's autograd engine is unusable.
    """
    import gc
    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    torch.default_generator.manual_seed(0)
    from webapp.execution.capture import internal_values  # noqa: F401  (for the children)
    forward_only = WARM_UP_PROGRAM.split("y.backward()")[0]
    Interpreter(language.check(forward_only)).run()
    # Children share these objects copy-on-write: keep the collector from touching them.
    gc.collect()
    gc.freeze()


def warm_up_child():
    """In a spare child while idle: one small evaluation with a backward pass, so that its
    copy-on-write faults and autograd's first-use set-up are paid before a request arrives."""
    evaluate({"source": WARM_UP_PROGRAM})


def evaluate(request):
    if request.get("lesson") in LESSONS:
        return lesson(request)
    program = None
    try:
        program = language.check(request["source"])
        interpreter = Interpreter(program, echo=program.pasted_from_repl)
        with python_warnings.catch_warnings(record=True) as caught:
            python_warnings.simplefilter("always")
            torch.default_generator.manual_seed(request.get("seed", 0))  # CPU only: no CUDA queue
            interpreter.run()
            target, gradient = choose_output(interpreter, request.get("output"))
            trace = capture.trace(target, gradient, interpreter.recorder, interpreter.warnings)
            rules.annotate(trace, target)
        notes = interpreter.warnings + unique(str(w.message) for w in caught)
        answer = {"trace": trace, "stdout": "".join(interpreter.builtins.stdout),
                  "warnings": notes, "variables": variables(interpreter.globals)}
        if request.get("torchviz"):
            answer["torchviz_dot"] = torchviz_source(target, interpreter.globals)
        return answer
    except ProblemError as problem:
        return {"problem": shifted(problem, program).to_dict()}
    except MemoryError:
        return {"problem": LimitExceeded("The program ran out of memory "
                                         f"(the limit is {limits.MEMORY_HEADROOM_BYTES >> 20} MiB "
                                         "beyond PyTorch itself).").to_dict()}
    except RecursionError:
        return {"problem": LimitExceeded("The program nests too deeply.").to_dict()}


def lesson(request):
    """A lesson's own runs of the program (`numerics.run`, `descent.run`): plain data or a
    problem, like `evaluate`."""
    from webapp.execution.lessons import descent, numerics      # they use choose_output from here
    try:
        with python_warnings.catch_warnings():
            python_warnings.simplefilter("ignore")
            return {"lesson": {"numerics": numerics, "descent": descent}[request["lesson"]]
                    .run(request)}
    except ProblemError as problem:
        return {"problem": problem.to_dict()}
    except MemoryError:
        return {"problem": LimitExceeded("The program ran out of memory.").to_dict()}
    except RecursionError:
        return {"problem": LimitExceeded("The program nests too deeply.").to_dict()}


def choose_output(interpreter, name):
    """The tensor to differentiate, and the gradient its backward pass was seeded with."""
    backward_tensor, gradient = interpreter.last_backward or (None, None)
    if name:
        value = interpreter.globals.get(name)
        if not isinstance(value, torch.Tensor) or value.grad_fn is None:
            raise NothingToDraw(f"'{name}' is not a tensor that autograd recorded a graph for.")
        return value, gradient if value is backward_tensor else None
    if backward_tensor is not None:
        return backward_tensor, gradient
    return interpreter.last_graph_value, None


def torchviz_source(target, scope):
    """torchviz's `make_dot` DOT source for `target`, leaves named after the program's
    variables (for the torchviz view: it needs the real tensors, so it is made here)."""
    leaves = {name: value for name, value in scope.items()
              if isinstance(value, torch.Tensor) and value.is_leaf and value.requires_grad}
    with python_warnings.catch_warnings():
        python_warnings.simplefilter("ignore")   # torchviz 0.0.3 compares versions via distutils
        try:
            return make_dot(target, params=leaves).source
        except RecursionError:                   # make_dot walks the graph recursively
            raise LimitExceeded("The graph is too deep for torchviz's drawing.") from None


def shifted(problem, program):
    """Move a column back to where the user sees it (REPL prompts were removed before parsing)."""
    if program is not None and problem.line and problem.column and \
            problem.line <= len(program.column_shift) and problem.slug != "not-allowed":
        problem.column += program.column_shift[problem.line - 1]
    return problem


def variables(scope):
    """The program's final numbers and tensors, by name (tensors with their .grad)."""
    found = {}
    for name, value in scope.items():
        if isinstance(value, torch.Tensor):
            small = value.numel() <= MAX_VARIABLE_ELEMENTS
            found[name] = {"kind": "tensor", "shape": list(value.shape),
                           "dtype": str(value.dtype).removeprefix("torch."),
                           "value": plain(value) if small else None,
                           "grad": plain(value.grad) if small and value.is_leaf
                           and value.grad is not None else None}
        elif isinstance(value, (int, float)):
            found[name] = {"kind": "number", "value": value}
    return found


def unique(messages):
    return list(dict.fromkeys(messages))
