"""Long evaluations leave their slot to short ones (webapp/sandbox/demotion.py in server.py),
with a real fork server: a student's program is answered while endless loops still run, the
loops run on at a lower priority, and a client may keep only MAX_DEMOTED_PER_CLIENT of them
going while others wait (the next is answered 429)."""
import os
import threading
import time

import pytest

from tests.support.processes import children_of
from webapp.core import limits
from webapp.sandbox import demotion
from webapp.sandbox.child import cpu_seconds
from webapp.sandbox.client import Sandbox, current_client

ENDLESS = "a = torch.ones(300, 300)\nfor i in range(100000):\n    b = a @ a\n"
HONEST = "x = torch.tensor(2.0, requires_grad=True)\ny = x ** 3\ny.backward()\nprint(x.grad)\n"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def sandbox():
    own = Sandbox()
    own.ensure_running()
    yield own
    own.stop()


def ask(sandbox, client, source, finished):
    def run():
        current_client.set(client)
        finished.append((client, source, sandbox.evaluate({"source": source}), time.monotonic()))
    thread = threading.Thread(target=run)
    thread.start()
    return thread


def long_children(sandbox, count, timeout_s=120):
    """Wait until `count` children have used more than DEMOTE_AFTER_CPU_S; their pids."""
    deadline = time.monotonic() + timeout_s
    while True:
        found = [pid for pid in children_of(sandbox.pids())
                 if cpu_seconds(pid) > 2 * limits.DEMOTE_AFTER_CPU_S]
        if len(found) >= count:
            return found
        assert time.monotonic() < deadline, f"{len(found)} of {count} long children"
        time.sleep(0.01)


def test_a_student_is_answered_while_endless_loops_run_on_at_a_lower_priority(sandbox):
    finished = []
    loops = [ask(sandbox, f"looper {n}", f"{ENDLESS}# {n}\n", finished) for n in range(2)]
    pids = long_children(sandbox, 2)
    deadline = time.monotonic() + 30                  # the server's next round demotes them
    while not all(os.getpriority(os.PRIO_PROCESS, pid) == limits.DEMOTED_NICE for pid in pids):
        assert time.monotonic() < deadline, [os.getpriority(os.PRIO_PROCESS, p) for p in pids]
        time.sleep(0.01)
    asked = time.monotonic()
    student = ask(sandbox, "student", HONEST, finished)
    student.join(60)
    assert finished and finished[0][0] == "student", [f[0] for f in finished]
    assert finished[0][2].get("stdout") == "tensor(12.)\n", finished[0][2]
    still_running = [pid for pid in pids if os.path.exists(f"/proc/{pid}")]
    for thread in loops:
        thread.join(limits.WALL_CLOCK_BACKSTOP_S + 30)
    assert still_running, "the loops ended before the student was answered"
    assert finished[0][3] - asked < limits.WALL_CLOCK_BACKSTOP_S
    # Stopped by their CPU budget, or by the wall-clock backstop on a machine too busy to give
    # a low-priority loop its 5 s in time.
    assert {f[2]["problem"]["type"] for f in finished[1:]} <= {
        "/problems/time-limit", "/problems/server-too-busy"}, finished[1:]


def test_a_client_keeps_only_its_share_of_long_programs_going_while_others_wait(sandbox):
    finished = []
    loops = [ask(sandbox, "abuser", f"{ENDLESS}# long {n}\n", finished) for n in range(2)]
    long_children(sandbox, 2)
    third = ask(sandbox, "abuser", f"{ENDLESS}# long 2\n", finished)
    long_children(sandbox, 3)                        # it holds the slot: nobody waits yet
    student = ask(sandbox, "student", f"{HONEST}# waits\n", finished)
    student.join(60)
    third.join(60)
    answers = {source.rsplit("# ", 1)[1]: answer for _, source, answer, _ in finished}
    assert answers["long 2\n"]["problem"]["type"] == "/problems/long-programs-running"
    assert answers["long 2\n"]["problem"]["status"] == 429
    assert answers["waits\n"].get("stdout") == "tensor(12.)\n"
    for thread in loops:
        thread.join(limits.WALL_CLOCK_BACKSTOP_S + 30)


def test_the_rules_of_demotion():
    assert demotion.decide("a", [], someone_waits=True) == demotion.DEMOTE
    full_client = ["a"] * limits.MAX_DEMOTED_PER_CLIENT
    assert demotion.decide("a", full_client, someone_waits=True) == demotion.CLIENT_FULL
    assert demotion.decide("a", full_client, someone_waits=False) == demotion.KEEP
    assert demotion.decide("b", full_client, someone_waits=True) == demotion.DEMOTE
    full = [f"c{n}" for n in range(limits.MAX_DEMOTED_EVALUATIONS)]
    assert demotion.decide("a", full, someone_waits=True) == demotion.MACHINE_FULL
    assert demotion.decide("a", full, someone_waits=False) == demotion.KEEP
