"""A client that goes away under real gunicorn (gunicorn.conf.py: gthread workers): the
worker sees its socket close while the drawing pool works on its GIF, and the pool process
doing it is killed and replaced soon after; the next request is drawn. Loopback only."""
import socket
import sys
import time
from urllib.parse import urlencode

import pytest
import requests

from tests.support.paths import REPO

sys.path.insert(0, str(REPO / "benchmarks"))
import load  # noqa: E402  (benchmarks/ is not a package)

pytestmark = pytest.mark.slow

HUNDRED_NODES = ("x = torch.tensor(0.5, requires_grad=True)\ny = x\n"
                 "for i in range(25):\n    y = torch.sin(y) * x + 1\ny.backward()\n")
SMALL = "x = torch.tensor(2.0, requires_grad=True)\ny = x * x\ny.backward()\n"


def pool_processes(server):
    return {pid for pid in server.tree()
            if b"webapp.pool.worker" in load.read_cmdline(pid).split(b"\0")}


def cpu_ticks(pid):
    """The process's user + system time in clock ticks (-1 once it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return -1
    return int(fields[11]) + int(fields[12])


def idle_pool(server, timeout_s=60):
    """{pid: processor ticks} of the pool processes once none of them works (a process still
    importing at the worker's start would look busy)."""
    deadline = time.monotonic() + timeout_s
    ticks = {}
    while time.monotonic() < deadline:
        now = {pid: cpu_ticks(pid) for pid in pool_processes(server)}
        if now == ticks and len(now) == 2:
            return now
        ticks = now
        time.sleep(0.5)
    raise AssertionError(f"the pool processes never settled: {ticks}")


def busy_one(server, before, timeout_s=60):
    """The pool process that has started working (its processor time grows)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for pid in pool_processes(server):
            if pid in before and cpu_ticks(pid) - before[pid] > 20:     # 0.2 s of work
                return pid
        time.sleep(0.1)
    raise AssertionError("no pool process started drawing")


def test_a_client_that_disconnects_has_its_drawing_cancelled():
    server = load.Server(workers=1)
    try:
        port = int(server.base.rsplit(":", 1)[1])
        # The document first (the sandbox), so that what follows is the drawing alone.
        assert requests.get(f"{server.base}/api/graph.json", timeout=60,
                            params={"source": HUNDRED_NODES}).status_code == 200
        before = idle_pool(server)
        client = socket.create_connection(("127.0.0.1", port))
        query = urlencode({"source": HUNDRED_NODES, "scale": "4"})
        client.sendall(f"GET /api/graph.gif?{query} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        victim = busy_one(server, before)
        client.close()
        gone_after = None
        start = time.monotonic()
        while time.monotonic() - start < 10:
            if victim not in pool_processes(server):
                gone_after = time.monotonic() - start
                break
            time.sleep(0.05)
        after = pool_processes(server)
        while len(after) < 2 and time.monotonic() - start < 30:   # its replacement starting
            time.sleep(0.05)
            after = pool_processes(server)
        drawn = requests.get(f"{server.base}/api/graph.svg", timeout=60,
                             params={"source": SMALL})
    finally:
        server.stop()
    assert gone_after is not None, "the pool process went on drawing for a client that left"
    assert len(after) == 2 and victim not in after            # replaced
    assert drawn.status_code == 200 and drawn.text.startswith("<svg")
