"""Control flow signals and error positions shared by the interpreter and its builtins."""
from webapp.core import limits
from webapp.core.errors import LimitExceeded, RunFailed

# How PyTorch says that the child's address-space limit refused an allocation (C++ new, or
# its CPU allocator): the program ran out of the memory a run may use, not a bug in it.
# PyTorch's words for a refused allocation; "[enforce fail a" is the start of c10's
# "[enforce fail at alloc_cpu.cpp:...] DefaultCPUAllocator: ...", which comes cut short
# when the memory ran out while the message itself was made.
OUT_OF_MEMORY = ("std::bad_alloc", "DefaultCPUAllocator: can't allocate memory", "[enforce fail a")


class Return(Exception):
    """A `return` inside a user function: carries the returned value to the call."""
    def __init__(self, value):
        self.value = value


class Break(Exception):
    """A `break`: caught by the innermost loop."""


class Continue(Exception):
    """A `continue`: caught by the innermost loop."""


NAMED_ERRORS = (KeyError, AssertionError)


def position(node):
    """The 1-based line and column of an AST node, as ProblemError keywords."""
    if not hasattr(node, "lineno"):
        return {"line": None, "column": None}
    return {"line": node.lineno, "column": node.col_offset + 1}


def run_failed(error, node):
    """A Python or PyTorch error raised by the program, with PyTorch's own message (with its
    kind first where the message alone says nothing: `KeyError: 'a'`, `AssertionError: ...`,
    as Python prints them); an allocation refused by the memory limit is a LimitExceeded
    that says so."""
    message = str(error).strip()
    if isinstance(error, NAMED_ERRORS) or not message:
        message = f"{type(error).__name__}: {message}" if message else type(error).__name__
    if isinstance(error, RuntimeError) and any(words in message for words in OUT_OF_MEMORY):
        return out_of_memory(node)
    if len(message) > 1_000:
        message = message[:1_000] + " …"
    return RunFailed(message, **position(node))


def out_of_memory(node=None):
    """The one answer for a run past its memory (Python's MemoryError or PyTorch's refused
    allocation), located at `node` where known."""
    return LimitExceeded(
        f"The program ran out of memory (a run may use "
        f"{limits.MEMORY_HEADROOM_BYTES // 2**20:,} MiB beyond what PyTorch needs): it "
        f"keeps too many tensors, too long a graph or too large lists alive.",
        **(position(node) if node is not None else {}))
