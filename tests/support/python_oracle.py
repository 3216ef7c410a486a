"""Python itself as the oracle for the interpreter's Python: a test's own program text (never a
user's) run by plain Python with real PyTorch, for what it prints or the error it raises, and
the same text run by our interpreter (in-process, as the sandbox child runs it).

Our interpreter needs a graph to answer without a problem, so `GRAPH` is appended to our run
only: it prints nothing and makes one recorded operation.
"""
import ast

from tests.support.documents import run
from tests.support.reference import pytorch_run
from webapp import language

GRAPH = "\ngraph_leaf = torch.tensor(1.0, requires_grad=True)\ngraph_out = graph_leaf * 1\n"


def python_stdout(source):
    """What plain Python prints running `source` (the test's own text)."""
    return pytorch_run(source)[0]


def python_error(source):
    """The last line of the traceback plain Python prints for `source`, without the error's
    kind where Python's own message says it all (as our problems' `detail` gives it)."""
    try:
        python_stdout(source)
    except Exception as error:                       # the oracle's own error, whatever it is
        message = str(error)
        if isinstance(error, (KeyError, AssertionError)) or not message:
            return f"{type(error).__name__}: {message}" if message else type(error).__name__
        return message
    raise AssertionError("the program ran without an error in Python")


def our_stdout(source):
    """What our interpreter prints running `source` (a problem fails the test)."""
    answer = run(source + GRAPH)
    assert "problem" not in answer, answer["problem"]
    return answer["stdout"]


def assert_prints_like_python(source):
    assert our_stdout(source) == python_stdout(source)


def assert_fails_like_python(source):
    """Our problem's detail is Python's own message for the same program."""
    answer = run(source + GRAPH)
    assert "problem" in answer, answer["stdout"]
    assert answer["problem"]["detail"] == python_error(source), answer["problem"]
    return answer["problem"]


def without_checker(monkeypatch):
    """From here on in the test, programs reach the interpreter unchecked: for the
    interpreter's own bounds behind the checker's (a checker that let a construct through
    must still meet them)."""
    def parse_only(source):
        return language.Program(ast.parse(source), source, (0,) * (source.count("\n") + 1))
    monkeypatch.setattr(language, "check", parse_only)
