"""The sandbox: a fresh child per evaluation, its limits, the CPU-time budget, the queue."""
import concurrent.futures

import pytest
import requests

from tests.support.problems import assert_problem
from tests.support.processes import settle_children
from webapp.core import limits
from webapp.sandbox.server import SPARE_CHILDREN
from webapp.sandbox.client import shared_sandbox

TIMEOUT = 60
SLOW = "a = torch.ones(300, 300)\nfor i in range(100000):\n    b = a @ a\n"
NORMAL = "x = torch.tensor(3.0, requires_grad=True)\ny = x ** 2\ny.backward()\n"


def post(live_server, source):
    return requests.post(f"{live_server}/api/graph", json={"source": source}, timeout=TIMEOUT)


def test_the_cpu_budget_stops_a_long_program(live_server):
    body = assert_problem(post(live_server, SLOW), 422, slug="time-limit")
    assert f"{limits.CPU_TIME_LIMIT_S:g} s of processor time" in body["detail"]
    assert post(live_server, NORMAL).status_code == 200


def test_a_fresh_child_per_request(live_server):
    source = "x = torch.tensor(1.0, requires_grad=True)\ny = x * 2\nprint(y)\n"
    first, second = post(live_server, source).json(), post(live_server, source).json()
    assert first["stdout"] == second["stdout"] == "tensor(2., grad_fn=<MulBackward0>)\n"


@pytest.mark.slow
def test_busy_server_answers_503_with_retry_after_and_recovers(live_server):
    requests_sent = limits.MAX_CONCURRENT_EVALUATIONS + limits.MAX_QUEUED_EVALUATIONS + 4
    with concurrent.futures.ThreadPoolExecutor(requests_sent) as pool:
        # different texts: identical ones would share one evaluation (the result cache)
        answers = list(pool.map(lambda i: post(live_server, f"{SLOW}# student {i}\n"),
                                range(requests_sent)))
    statuses = sorted(a.status_code for a in answers)
    # 429: one client's long programs past the two it may keep running outside the slots
    # while others wait (sandbox/demotion.py); this test is one client.
    assert set(statuses) <= {422, 429, 503} and 503 in statuses and 422 in statuses
    for answer in answers:
        if answer.status_code in (429, 503):
            assert_problem(answer, answer.status_code,
                           slug="busy" if answer.status_code == 503 else "long-programs-running")
            assert answer.headers["Retry-After"] == str(limits.RETRY_AFTER_S)
    assert post(live_server, NORMAL).status_code == 200


def test_no_children_are_left_behind(live_server):
    post(live_server, SLOW)
    post(live_server, NORMAL)
    server = shared_sandbox().pids()
    assert server is not None
    # only the spare children, forked ahead for the next requests, once the last has exited
    assert len(settle_children(server, SPARE_CHILDREN)) == SPARE_CHILDREN
