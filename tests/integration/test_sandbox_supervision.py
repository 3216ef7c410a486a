"""The master's supervision of the fork server (webapp/sandbox/client.py `supervise`): a
server that dies is replaced at the same socket, a replacement that fails to start is tried
again, and a stopped supervisor starts nothing."""
import os
import signal
import time
from pathlib import Path

import pytest

from tests.support.waiting import wait_for
from webapp.sandbox.client import Sandbox


class Flaky:
    """A supervised sandbox over tests/support/flaky_entry.py, and its start counter."""

    def __init__(self, folder):
        self.marker = folder / "fail-to-start"
        self.sandbox = Sandbox(entry="tests.support.flaky_entry")

    def starts(self):
        counter = Path(str(self.marker) + ".starts")
        return len(counter.read_text().splitlines()) if counter.exists() else 0


@pytest.fixture
def flaky(tmp_path, monkeypatch):
    monkeypatch.setenv("AUTOGRAD_FLAKY_START", str(tmp_path / "fail-to-start"))
    flaky = Flaky(tmp_path)
    flaky.sandbox.ensure_running()
    flaky.sandbox.supervise()
    yield flaky
    flaky.sandbox.stop()


def test_a_dead_server_is_replaced_at_its_socket_which_is_gone_meanwhile(flaky):
    sandbox = flaky.sandbox
    path, first = sandbox.path, sandbox.pids()
    flaky.marker.touch()                             # the replacement fails, for now
    os.kill(first, signal.SIGKILL)
    wait_for(lambda: flaky.starts() >= 2)
    assert not os.path.exists(path)                  # clients are told "restarting"
    flaky.marker.unlink()
    wait_for(lambda: os.path.exists(path))
    assert sandbox.path == path and sandbox.pids() not in (None, first)
    assert "pid" in sandbox.evaluate({})


def test_a_failed_restart_is_tried_again(flaky):
    flaky.marker.touch()
    os.kill(flaky.sandbox.pids(), signal.SIGKILL)
    wait_for(lambda: flaky.starts() >= 4)            # the first start, then failed restarts
    flaky.marker.unlink()
    wait_for(lambda: os.path.exists(flaky.sandbox.path))
    assert "pid" in flaky.sandbox.evaluate({})


def test_a_stopped_supervisor_starts_nothing(flaky):
    folder = os.path.dirname(flaky.sandbox.path)
    flaky.sandbox.stop()
    starts = flaky.starts()
    time.sleep(1.5)                                  # three supervision periods
    assert flaky.starts() == starts == 1
    assert flaky.sandbox.pids() is None and not os.path.exists(folder)
