"""gunicorn with the repository's config (gunicorn.conf.py, webapp/web/serving.py): a
replacement worker that fails to start does not stop the server; the first workers failing to
start still do. Loopback only, bounded, stops by itself."""
import os
import signal
import subprocess
import sys

import pytest
import requests

from tests.support.paths import REPO
from tests.support.processes import children_of
from tests.support.waiting import wait_for

sys.path.insert(0, str(REPO / "benchmarks"))
import load  # noqa: E402  (benchmarks/ is not a package)

pytestmark = pytest.mark.slow

PATIENCE_S = 90


def start_gunicorn(port, marker, log):
    return subprocess.Popen(
        [str(REPO / ".venv" / "bin" / "gunicorn"), "-c", str(REPO / "gunicorn.conf.py"),
         "tests.support.flaky_app:create()"], cwd=REPO, stdout=subprocess.DEVNULL,
        stderr=log, start_new_session=True,
        env={**os.environ, "AUTOGRAD_BIND": f"127.0.0.1:{port}", "AUTOGRAD_WORKERS": "2",
             "AUTOGRAD_FLAKY_APP": str(marker)})


def answer(base):
    try:
        return requests.get(base, timeout=5).text
    except requests.RequestException:
        return None


def stop(master):
    master.terminate()
    try:
        master.wait(20)
    except subprocess.TimeoutExpired:
        master.kill()
        master.wait(5)


def workers(master):
    return [pid for pid in children_of(master.pid) if b"gunicorn" in load.read_cmdline(pid)]


def test_a_replacement_that_fails_to_start_leaves_the_server_serving(tmp_path):
    port, marker = load.free_port(), tmp_path / "fail"
    base = f"http://127.0.0.1:{port}/"
    with open(tmp_path / "gunicorn.log", "w") as log:
        master = start_gunicorn(port, marker, log)
        try:
            wait_for(lambda: answer(base) is not None and len(workers(master)) == 2, PATIENCE_S)
            marker.touch()                          # replacements fail from now on
            os.kill(workers(master)[0], signal.SIGKILL)
            wait_for(lambda: (tmp_path / "gunicorn.log").read_text().count(
                "A replacement worker failed to start") >= 2, PATIENCE_S)
            assert master.poll() is None, (tmp_path / "gunicorn.log").read_text()[-3000:]
            assert answer(base) is not None         # the other worker serves meanwhile
            marker.unlink()
            wait_for(lambda: len(workers(master)) == 2, PATIENCE_S)
        finally:
            stop(master)


def test_first_workers_that_fail_to_start_stop_the_server(tmp_path):
    marker = tmp_path / "fail"
    marker.touch()
    with open(tmp_path / "gunicorn.log", "w") as log:
        master = start_gunicorn(load.free_port(), marker, log)
        try:
            assert master.wait(PATIENCE_S) != 0
        finally:
            if master.poll() is None:
                stop(master)
