"""The sandbox: a fresh child per evaluation, its limits, the wall clock, the queue."""
import concurrent.futures
import os
import signal
import subprocess
import sys
import textwrap
import time

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


def test_wall_clock_kills_a_long_program(live_server):
    body = assert_problem(post(live_server, SLOW), 422)
    assert body["type"] in ("/problems/time-limit", "/problems/limit-exceeded")
    assert f"longer than {limits.WALL_CLOCK_S:g} s" in body["detail"]
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
    assert set(statuses) <= {422, 503} and 503 in statuses and 422 in statuses
    for answer in answers:
        if answer.status_code == 503:
            assert_problem(answer, 503, slug="busy")
            assert answer.headers["Retry-After"] == str(limits.RETRY_AFTER_S)
    assert post(live_server, NORMAL).status_code == 200


def test_no_children_are_left_behind(live_server):
    post(live_server, SLOW)
    post(live_server, NORMAL)
    server = shared_sandbox().pids()
    assert server is not None
    # only the spare children, forked ahead for the next requests, once the last has exited
    assert len(settle_children(server, SPARE_CHILDREN)) == SPARE_CHILDREN


def test_child_limits_are_set(tmp_path):
    """The child's rlimits, read back in a fresh interpreter that applies them."""
    script = textwrap.dedent("""
        import resource, sys
        from webapp.core import limits
        from webapp.sandbox import server as forkserver
        forkserver.limit_myself()
        print(resource.getrlimit(resource.RLIMIT_CPU)[0] == limits.CPU_TIME_S,
              resource.getrlimit(resource.RLIMIT_FSIZE) == (0, 0),
              resource.getrlimit(resource.RLIMIT_CORE) == (0, 0))
        try:
            bytearray(limits.MEMORY_HEADROOM_BYTES + (1 << 20))
            print("allocated")
        except MemoryError:
            print("MemoryError")
        sys.stdout.flush()
        try:                             # the last step: SIGXFSZ may end the process here
            with open(sys.argv[1], "w") as written:
                written.write("x")
            print("wrote")
        except OSError:
            print("no write")
    """)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    result = subprocess.run([sys.executable, "-c", script, str(tmp_path / "file")], cwd=root,
                            capture_output=True,
                            text=True, timeout=60)
    assert result.stdout.split()[:4] == ["True", "True", "True", "MemoryError"], result
    assert "wrote" not in result.stdout
    assert result.returncode == -signal.SIGXFSZ or "no write" in result.stdout, result
    assert (tmp_path / "file").read_bytes() == b""


def test_the_warm_up_program_runs_cleanly():
    """Every spare child runs it before its request; it must not fail (nor print a problem)."""
    from webapp.execution.entry import evaluate
    from webapp.execution.entry import WARM_UP_PROGRAM
    answer = evaluate({"source": WARM_UP_PROGRAM})
    assert "problem" not in answer, answer
    assert answer["stdout"].startswith("tensor([")
