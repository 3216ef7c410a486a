"""Control flow signals and error positions shared by the interpreter and its builtins."""
from webapp.core.errors import RunFailed


class Return(Exception):
    def __init__(self, value):
        self.value = value


class Break(Exception):
    pass


class Continue(Exception):
    pass


def position(node):
    """The 1-based line and column of an AST node, as ProblemError keywords."""
    if not hasattr(node, "lineno"):
        return {"line": None, "column": None}
    return {"line": node.lineno, "column": node.col_offset + 1}


def run_failed(error, node):
    """A Python or PyTorch error raised by the program, with PyTorch's own message."""
    message = str(error).strip() or type(error).__name__
    if len(message) > 1_000:
        message = message[:1_000] + " …"
    return RunFailed(message, **position(node))
