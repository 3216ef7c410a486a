"""Errors of a program's run (webapp/execution/interpreter/flow.py): PyTorch's words kept, and
an allocation refused by the child's memory limit told as the limit it is."""
import ast

import pytest

from webapp.core.errors import LimitExceeded, RunFailed
from webapp.execution.interpreter.flow import run_failed

NODE = ast.parse("y = x * 1").body[0]


@pytest.mark.parametrize("words", ["std::bad_alloc",
                                   "[enforce fail at alloc_cpu.cpp:117] data. "
                                   "DefaultCPUAllocator: can't allocate memory: you tried to "
                                   "allocate 400000000 bytes. Error code 12"])
def test_a_refused_allocation_is_the_memory_limit(words):
    problem = run_failed(RuntimeError(words), NODE)
    assert isinstance(problem, LimitExceeded)
    assert "out of memory" in problem.detail and (problem.line, problem.column) == (1, 1)


def test_other_errors_keep_pytorchs_words():
    problem = run_failed(RuntimeError("The size of tensor a (2) must match the size of "
                                      "tensor b (3) at non-singleton dimension 0"), NODE)
    assert type(problem) is RunFailed and problem.detail.startswith("The size of tensor a (2)")
