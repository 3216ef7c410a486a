"""One evaluation, as the sandbox child runs it: a request in, plain data out.

`evaluate(request)` answers each kind of request in `KINDS`:
- the graph, `{"source", "output"?, "seed"?, "inputs"?: {name: number}, "torchviz"?: true}`:
  `{"trace", "stdout", "warnings", "variables", "live_inputs"}`, with `"torchviz_dot"` when
  asked (`inputs`: live_inputs.py);
- a lesson, `{"lesson": "numerics" | "descent", "source", ...}`: `{"lesson": its plain data}`;
or, for any kind, `{"problem": problem dict}`. No tensors leave this module. The fork server
calls `prepare_server`, `warm_up_child` and `evaluate` by name.
"""
import functools
import gc
import warnings as python_warnings

import torch

from webapp import language
from webapp.core.errors import LimitExceeded, NothingToDraw, ProblemError
from webapp.execution.capture import higher_order, trace as capture
from webapp.execution.capture.nodes import plain
from webapp.execution.interpreter.flow import out_of_memory
from webapp.execution.interpreter.interpreter import Interpreter
from webapp.execution.lessons import descent, numerics
from webapp.execution.live_inputs import LiveInputs
from webapp.execution.rules.annotate import edge_rule
from webapp.execution.target import choose_output, why_no_graph
from webapp.execution.torchviz_dot import torchviz_source

MAX_VARIABLE_ELEMENTS = 1_000
LESSONS = ("numerics", "descent")
MEMORY_RESERVE_BYTES = 4 * 2**20   # room to answer in after a run used all its memory
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
# A spare's warm-up in pieces (see `warm_up_child`): the first is small (a scalar program and
# its backward pass: autograd's first use in this process), the second the rest of the usual.
WARM_UP_PIECES = (
    "x = torch.tensor(2.0, requires_grad=True)\ny = torch.sin(x) * x + x ** 2\ny.backward()\n",
    WARM_UP_PROGRAM)


def prepare_server():
    """In the fork server, once, before any fork: import and initialise what an evaluation
    needs, so that no child pays for it.

    No backward pass here: after one, a forked child's autograd engine is unusable.
    """
    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    torch.default_generator.manual_seed(0)
    forward_only = WARM_UP_PROGRAM.split("y.backward()")[0]
    Interpreter(language.check(forward_only)).run()
    # Children share these objects copy-on-write: keep the collector from touching them.
    gc.collect()
    gc.freeze()


def warm_up_child(work_arrived=None):
    """In a spare child while idle: small evaluations with a backward pass, so that its
    copy-on-write faults and autograd's first-use set-up are paid before a request arrives.

    Without `work_arrived`, the first piece only (~5 ms: the spare then says it is ready);
    with it, the other pieces, each only while `work_arrived()` is false, so that a request
    handed over meanwhile waits for one piece at most. A cold child answers a small program
    in ~9 ms, a warmed one in ~3 ms, and the whole warm-up costs ~30 ms: in a rush of requests,
    when every spare is used as soon as it is ready, warming up fully would cost more than it
    saves."""
    if work_arrived is None:
        evaluate({"source": WARM_UP_PIECES[0]})
        return
    for source in WARM_UP_PIECES[1:]:
        if work_arrived():
            return
        evaluate({"source": source})


def evaluate(request):
    """The answer to `request` (see the module's docstring): the answer of its kind, or
    {"problem": ...} for what the program did wrong or ran out of.

    A run that fills its address space leaves no room to say so: a reserve of
    MEMORY_RESERVE_BYTES is held meanwhile and given back, with the program's frames (the
    error's traceback holds them, and they the graph), before the answer is made."""
    reserve = bytearray(MEMORY_RESERVE_BYTES)
    try:
        return KINDS[kind_of(request)](request)
    except (ProblemError, MemoryError, RecursionError) as error:
        del reserve
        error.__traceback__ = None
        return {"problem": problem_for(error).to_dict()}


def kind_of(request):
    """The key in KINDS for `request`: its lesson, or "graph"."""
    lesson = request.get("lesson")
    return lesson if lesson in LESSONS else "graph"


def problem_for(error):
    """The ProblemError to show for an error an evaluation ended with."""
    if isinstance(error, MemoryError):
        return out_of_memory()
    if isinstance(error, RecursionError):
        return LimitExceeded("The program nests too deeply.")
    return error


def graph_answer(request):
    """The graph of `request`'s program: the trace, its output, warnings and variables.
    Problems found while running are located where the user sees them (`shift_column`)."""
    program = language.check(request["source"])
    try:
        return run_for_graph(program, request)
    except ProblemError as problem:
        shift_column(problem, program)
        raise


def run_for_graph(program, request):
    """Run the checked `program` and trace the graph of the requested output."""
    interpreter = Interpreter(program, echo=program.pasted_from_repl)
    live = LiveInputs(request.get("inputs"))    # the scalar leaves a request may set
    live.watch(interpreter)
    caught = {}                 # Python's and PyTorch's warnings: message -> times given
    with python_warnings.catch_warnings():
        python_warnings.simplefilter("always")
        python_warnings.showwarning = functools.partial(count_warning, caught)
        torch.default_generator.manual_seed(request.get("seed", 0))  # CPU only: no CUDA queue
        interpreter.run()
        live.checked()
        target, gradient = choose_output(interpreter, request.get("output"))
        no_graph = None
        if target is None:
            trace = empty_trace(interpreter.recorder)
            no_graph, warning = why_no_graph(interpreter)
            interpreter.warnings.append(warning)
        else:
            trace = capture.trace(target, gradient, interpreter.recorder, interpreter.warnings,
                                  edge_rule)
        gradients = higher_order.traces(interpreter.recorder, functools.partial(
            gradient_trace, interpreter.recorder))
    notes = counted(interpreter.warnings) + counted(caught)
    answer = {"trace": trace, "stdout": "".join(interpreter.builtins.stdout),
              "warnings": notes, "variables": variables(interpreter.globals),
              "no_graph": no_graph, "higher_order": gradients, "live_inputs": live.listed()}
    if request.get("torchviz"):
        if target is None:
            raise NothingToDraw(f"There is no graph for torchviz to draw. {notes[-1]}")
        answer["torchviz_dot"] = torchviz_source(target, interpreter.globals)
    return answer


def gradient_trace(recorder, gradient):
    """The trace of a gradient's own graph (its notes to the user are those of the main
    graph already), or None when it cannot be traced."""
    try:
        return capture.trace(gradient, None, recorder, [], edge_rule)
    except ProblemError:
        return None


def empty_trace(recorder):
    """The trace of a program that recorded no graph: no nodes, no output (graph.build makes
    it an empty document, which answers 200 with the program's printed output)."""
    return {"nodes": [], "edges": [], "output": None,
            "backward": {"called": False, "call": None, "calls": recorder.backward_calls}}


def lesson_answer(run, request):
    """A lesson's own runs of the program (`run(request)` -> plain data), warnings silenced."""
    with python_warnings.catch_warnings():
        python_warnings.simplefilter("ignore")
        try:
            return {"lesson": run(request)}
        except RuntimeError as error:        # autograd refusing a lesson's own backward pass
            if "modified by an inplace operation" not in str(error):
                raise
            raise NothingToDraw(capture.CHANGED_IN_PLACE) from None


KINDS = {"graph": graph_answer,
         "numerics": functools.partial(lesson_answer, numerics.run),
         "descent": functools.partial(lesson_answer, descent.run)}


def shift_column(problem, program):
    """Move the problem's column back to where the user sees it in `program` (REPL prompts
    were removed before parsing)."""
    if program is not None and problem.line and problem.column and \
            problem.line <= len(program.column_shift) and problem.slug != "not-allowed":
        problem.column += program.column_shift[problem.line - 1]


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


def count_warning(counts, message, *details, **more):
    """warnings.showwarning while a program runs: a message counted, not kept each time (a
    loop that warns 900,000 times would hold 900,000 records)."""
    counts[str(message)] = counts.get(str(message), 0) + 1


def counted(messages):
    """Each message once, in first order, with how often it was given when repeated
    (`messages`: strings, or {message: times}); graph/bounds.py caps how many kinds."""
    if not isinstance(messages, dict):
        counts = {}
        for message in messages:
            counts[message] = counts.get(message, 0) + 1
        messages = counts
    return [text if times == 1 else f"{text} ({times:,} times)"
            for text, times in messages.items()]
