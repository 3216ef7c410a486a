"""Fair sharing of the evaluator (webapp/sandbox/fairness.py in webapp/sandbox/server.py), with a
real fork server and children: one client's endless loops slow only that client. Its share is
set low here (AUTOGRAD_CLIENT_CPU_S_PER_MINUTE), so that two loops spend it."""
import threading
import time

import pytest

from tests.support.processes import children_of
from webapp.core import limits
from webapp.sandbox.child import cpu_seconds
from webapp.sandbox.client import Sandbox, current_client

ENDLESS = "a = torch.ones(300, 300)\nfor i in range(100000):\n    b = a @ a\n"
HONEST = "x = torch.tensor(2.0, requires_grad=True)\ny = x ** 3\ny.backward()\nprint(x.grad)\n"
SHARE_S = 2 * limits.CPU_TIME_LIMIT_S - 1      # two loops stopped by the budget spend it

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


def at_work(sandbox, timeout_s=60):
    """Wait until a child of the fork server has used more processor than a warm-up does."""
    deadline = time.monotonic() + timeout_s
    while not any(cpu_seconds(pid) > 0.5 for pid in children_of(sandbox.pids())):
        assert time.monotonic() < deadline, "no child started working"
        time.sleep(0.02)


def test_an_honest_student_goes_before_an_abusers_second_loop_and_the_abuser_is_cut(sandbox):
    finished = []
    loops = [ask(sandbox, "abuser", f"{ENDLESS}# {n}\n", finished) for n in range(2)]
    at_work(sandbox)                                 # the first loop runs, the second waits
    honest = ask(sandbox, "student", HONEST, finished)
    for thread in [*loops, honest]:
        thread.join(limits.MAX_QUEUE_WAIT_S + limits.WALL_CLOCK_BACKSTOP_S + 30)
    order = [client for client, _ in finished]
    assert order == ["abuser", "student", "abuser"], order
    assert finished[1][1]["stdout"] == "tensor(12.)\n"
    for _, answer in (finished[0], finished[2]):
        assert answer["problem"]["type"] == "/problems/time-limit", answer
    current_client.set("abuser")
    refused = sandbox.evaluate({"source": f"{ENDLESS}# again\n"})["problem"]
    assert refused["type"] == "/problems/processor-share-spent" and refused["status"] == 429
    assert 1 <= refused["retry_after"] <= limits.CLIENT_CPU_WINDOW_S
    current_client.set("student")
    assert "problem" not in sandbox.evaluate({"source": f"{HONEST}# again\n"})
