"""The fork server under gunicorn (gunicorn.conf.py, webapp/sandbox/client.py): started by the
master, restarted by it at the same socket when killed, never one per worker, and its folder
removed when gunicorn stops. Loopback only, bounded, stops by itself."""
import os
import signal
import sys
import time

import pytest
import requests

from tests.support.paths import REPO

sys.path.insert(0, str(REPO / "benchmarks"))
import load  # noqa: E402  (benchmarks/ is not a package)

pytestmark = pytest.mark.slow

PROGRAM = "x = torch.tensor(3.0, requires_grad=True)\ny = x ** 2\ny.backward()\n"
PATIENCE_S = 60


def fork_servers(server):
    """(pid, socket path) of every fork server in gunicorn's process tree (its spare children
    carry the same command line: they are left out)."""
    commands = {pid: load.read_cmdline(pid).split(b"\0") for pid in server.tree()}
    servers = {pid for pid, arguments in commands.items()
               if b"webapp.sandbox.server" in arguments}
    return [(pid, commands[pid][commands[pid].index(b"webapp.sandbox.server") + 1].decode())
            for pid in sorted(servers) if load.parent_of(pid) not in servers]


def answered(base, tag):
    """The status of a fresh program once the service answers (503s retried, as the page does)."""
    deadline = time.monotonic() + PATIENCE_S
    while True:
        answer = requests.post(f"{base}/api/graph", timeout=PATIENCE_S,
                               json={"source": f"{PROGRAM}# {tag}\n"})
        if answer.status_code != 503 or time.monotonic() > deadline:
            return answer.status_code
        time.sleep(float(answer.headers.get("Retry-After", 1)))


def test_a_killed_fork_server_is_restarted_once_for_all_workers_and_cleaned_up():
    server = load.Server(workers=2)
    try:
        [(first, path)] = fork_servers(server)
        assert answered(server.base, "before") == 200
        os.kill(first, signal.SIGKILL)
        statuses = [answered(server.base, f"after {n}") for n in range(6)]  # both workers
        servers = fork_servers(server)
    finally:
        server.stop()
    assert statuses == [200] * 6, statuses
    assert [p for _, p in servers] == [path] and servers[0][0] != first, (servers, first)
    assert not os.path.exists(os.path.dirname(path)), "the fork server's folder is left behind"
