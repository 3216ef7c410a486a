"""Fair sharing of the evaluator (webapp/sandbox/fairness.py in webapp/sandbox/server.py), with a
real fork server and children: one client's costly programs slow only that client. Its share is
set low here (AUTOGRAD_CLIENT_CPU_S_PER_MINUTE), so that one loop stopped by the CPU budget
spends it."""
import threading
import time

import pytest

from tests.support.processes import children_of
from webapp.core import limits
from webapp.sandbox.child import cpu_seconds
from webapp.sandbox.client import Sandbox, current_client

ENDLESS = "a = torch.ones(300, 300)\nfor i in range(100000):\n    b = a @ a\n"
# A few seconds of processor (about 3 s here): long enough that the student's request arrives
# while the first one runs, even on a fast machine; it ends by itself or by the CPU budget,
# either way before the queue's wait limit.
COSTLY = ("a = torch.ones(300, 300)\nfor i in range(1000):\n    b = a @ a\n"
          "x = torch.tensor(1.0, requires_grad=True)\ny = x * 2\n")
HONEST = "x = torch.tensor(2.0, requires_grad=True)\ny = x ** 3\ny.backward()\nprint(x.grad)\n"
SHARE_S = limits.CPU_TIME_LIMIT_S - 1          # one loop stopped by the budget spends it
AT_WORK_S = 0.2                                # more than any warm-up uses

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def sandbox():
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AUTOGRAD_CLIENT_CPU_S_PER_MINUTE", str(SHARE_S))
        own = Sandbox()
        own.ensure_running()
    yield own
    own.stop()


def ask(sandbox, client, source, finished):
    """Evaluate `source` for `client` in a thread; (client, answer) goes into `finished`."""
    def run():
        current_client.set(client)
        finished.append((client, sandbox.evaluate({"source": source})))
    thread = threading.Thread(target=run)
    thread.start()
    return thread


def at_work(sandbox, timeout_s=120):
    """Wait until a child of the fork server has used more processor than a warm-up does."""
    deadline = time.monotonic() + timeout_s
    while not any(cpu_seconds(pid) > AT_WORK_S for pid in children_of(sandbox.pids())):
        assert time.monotonic() < deadline, "no child started working"
        time.sleep(0.01)


def test_an_honest_student_goes_before_a_costly_clients_second_program(sandbox):
    finished = []
    costly = [ask(sandbox, "costly", f"{COSTLY}# {n}\n", finished) for n in range(2)]
    at_work(sandbox)                                 # the first runs, the second waits
    honest = ask(sandbox, "student", HONEST, finished)
    for thread in [*costly, honest]:
        thread.join(limits.MAX_QUEUE_WAIT_S + limits.WALL_CLOCK_BACKSTOP_S + 30)
    order = [client for client, _ in finished]
    # The student is answered before the costly client's second program (since long programs
    # leave their slot, sandbox/demotion.py, before its first too).
    assert order.count("costly") == 2 and order.index("student") <= 1, (order, finished)
    student = finished[order.index("student")][1]
    assert student.get("stdout") == "tensor(12.)\n", student


def test_a_client_past_its_share_is_answered_429_and_the_others_are_not(sandbox):
    current_client.set("abuser")
    stopped = sandbox.evaluate({"source": ENDLESS})["problem"]
    assert stopped["type"] == "/problems/time-limit", stopped
    refused = sandbox.evaluate({"source": f"{ENDLESS}# again\n"})["problem"]
    assert refused["type"] == "/problems/processor-share-spent" and refused["status"] == 429
    assert 1 <= refused["retry_after"] <= limits.CLIENT_CPU_WINDOW_S
    current_client.set("student")
    assert "problem" not in sandbox.evaluate({"source": f"{HONEST}# again\n"})
