"""The fork server's time limits (webapp/sandbox/server.py), with a real server and children:
a child is stopped by the processor time it got (CPU_TIME_LIMIT_S), and only a child kept from
running is stopped by the wall-clock backstop (WALL_CLOCK_BACKSTOP_S). The test keeps a child
from running itself, with SIGSTOP."""
import os
import signal
import threading
import time

import pytest

from tests.support.descent import lecture_descent_final_x
from tests.support.processes import children_of
from webapp.core import limits
from webapp.sandbox.child import cpu_seconds
from webapp.sandbox.client import Sandbox
from webapp.sandbox.protocol import OUT_OF_CPU_TIME

# Matrix products for ever (100,000 of them, far beyond the budget; 200,000 interpreted steps,
# well inside MAX_STEPS).
ENDLESS = "a = torch.ones(300, 300)\nfor i in range(100000):\n    b = a @ a\n"
# The lecture's descent, shortened to about a second of processor time (0.4-2 s): long
# enough to be seen at work past WORKING_CPU_S on a fast machine, well inside the budget.
SHORT_DESCENT = ("x = torch.tensor(3.0, requires_grad=True)\nfor i in range(4000):\n"
                 "    y = x ** 2 + torch.exp(-x)\n    y.backward()\n"
                 "    x.data = x.data - 0.01 * x.grad\n    x.grad.zero_()\n")
# A spare's warm-up uses a few hundredths of a second: a child past this is at work.
WORKING_CPU_S = 0.2


@pytest.fixture(scope="module")
def sandbox():
    own = Sandbox()
    own.ensure_running()
    yield own
    own.stop()


def in_background(sandbox, source):
    """Start evaluating `source`; the returned dict gets "answer" when it is done, and holds
    "earlier": the children at work before (a killed one may still be exiting)."""
    outcome = {"earlier": set(working_children(sandbox))}
    thread = threading.Thread(
        target=lambda: outcome.update(answer=sandbox.evaluate({"source": source})))
    thread.start()
    outcome["thread"] = thread
    return outcome


def working_children(sandbox):
    """The fork server's children that have used more processor time than a warm-up takes."""
    return [pid for pid in children_of(sandbox.pids()) if cpu_seconds(pid) > WORKING_CPU_S]


def working_child(sandbox, outcome, timeout_s=30.0):
    """The pid of the child running the program `in_background` started."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for pid in working_children(sandbox):
            if pid not in outcome["earlier"]:
                return pid
        time.sleep(0.02)
    pytest.fail("no child started working")


def test_an_endless_loop_is_stopped_by_its_cpu_budget_and_told_so(sandbox):
    answer = sandbox.evaluate({"source": ENDLESS})
    assert answer == OUT_OF_CPU_TIME
    detail = answer["problem"]["detail"]
    assert f"{limits.CPU_TIME_LIMIT_S:g} s of processor time" in detail and "loops" in detail
    assert "try" not in detail.lower()


@pytest.mark.slow
def test_a_child_kept_from_running_is_stopped_by_the_backstop_as_too_busy(sandbox):
    outcome = in_background(sandbox, f"{ENDLESS}# kept from running\n")
    child = working_child(sandbox, outcome)
    os.kill(child, signal.SIGSTOP)                # as if the machine never gave it a processor
    outcome["thread"].join(limits.WALL_CLOCK_BACKSTOP_S + 30)
    problem = outcome["answer"]["problem"]
    assert problem["type"] == "/problems/server-too-busy" and problem["status"] == 503
    assert problem["retry_after"] == limits.RETRY_AFTER_S
    assert "too busy" in problem["detail"] and f"{limits.WALL_CLOCK_BACKSTOP_S:g} s" in \
        problem["detail"]


def test_time_a_child_is_kept_from_running_does_not_count(sandbox):
    outcome = in_background(sandbox, SHORT_DESCENT)
    child = working_child(sandbox, outcome)
    os.kill(child, signal.SIGSTOP)
    time.sleep(limits.CPU_TIME_LIMIT_S + 1)      # more wall clock than the whole CPU budget
    os.kill(child, signal.SIGCONT)
    outcome["thread"].join(limits.WALL_CLOCK_BACKSTOP_S + 30)
    answer = outcome["answer"]
    assert "problem" not in answer, answer.get("problem")
    assert answer["variables"]["x"]["value"] == pytest.approx(lecture_descent_final_x(4000),
                                                               rel=1e-6)

