"""The web side of the sandbox: send a program to the fork server, get plain data back.

The web process never imports torch. `Sandbox.evaluate(request)` connects to the fork server's
Unix socket (starting the server on first use, and again if it died), sends the request and
waits for the single answer. Several web processes (gunicorn workers) can share one fork server
by pointing AUTOGRAD_FORKSERVER_SOCKET at it, so the concurrency cap is global to the machine.
"""
import atexit
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time

from webapp.core import limits
from webapp.core.errors import Busy, SandboxUnavailable
from webapp.sandbox.protocol import READY_LINE, receive_message, send_message

STARTUP_TIMEOUT_S = 60.0
# What the fork server's children run: named here, imported only there (never by the web).
ENTRY_MODULE = "webapp.execution.entry"
# Queue wait + the child's wall-clock backstop (its CPU budget ends it sooner unless it is
# starved) + the time it takes to answer or be reaped.
ANSWER_TIMEOUT_S = limits.MAX_QUEUE_WAIT_S + limits.WALL_CLOCK_BACKSTOP_S + 5.0
CHILD_ENVIRONMENT = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                     "OPENBLAS_NUM_THREADS": "1", "PYTHONDONTWRITEBYTECODE": "1"}


class Sandbox:
    def __init__(self, socket_path=None):
        self.shared_path = socket_path          # a fork server someone else runs
        self.process = None
        self.path = None
        self.lock = threading.Lock()

    def evaluate(self, request):
        """Run one program; return the child's answer dict (trace or problem)."""
        path = self.ensure_running()
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
                connection.settimeout(ANSWER_TIMEOUT_S)
                connection.connect(path)
                send_message(connection, request)
                return receive_message(connection)
        except (ConnectionError, FileNotFoundError, socket.timeout, OSError, ValueError) as error:
            if isinstance(error, (ConnectionRefusedError, FileNotFoundError)):
                self.shared_path = None          # a shared server that is gone: run our own
            if self.process is not None and self.process.poll() is not None:
                self.process = None              # it died: the next request starts a new one
            raise Busy("The evaluation was interrupted; please try again.") from None

    def ensure_running(self):
        if self.shared_path:
            if os.path.exists(self.shared_path):
                return self.shared_path
            self.shared_path = None      # the shared server is gone: run our own
        with self.lock:
            if self.process is None or self.process.poll() is not None:
                self.start()
            return self.path

    def start(self):
        directory = tempfile.mkdtemp(prefix="autograd-forkserver-")
        self.path = os.path.join(directory, "socket")
        root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "webapp.sandbox.server", self.path, ENTRY_MODULE], cwd=root,
            env={**os.environ, **CHILD_ENVIRONMENT}, stdout=subprocess.PIPE,
            stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        line = self.process.stdout.readline().decode().strip()
        if line != READY_LINE or time.monotonic() > deadline:
            self.process.kill()
            raise SandboxUnavailable("The evaluation service did not start.")
        atexit.register(self.stop)

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
        if self.process is not None:
            self.process.stdout.close()
        self.process = None

    def pids(self):
        """The fork server's pid (for tests and health checks), or None."""
        return self.process.pid if self.process and self.process.poll() is None else None


_shared = None
_shared_lock = threading.Lock()


def shared_sandbox():
    """The process-wide sandbox (one fork server per web process unless one is shared)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = Sandbox(os.environ.get("AUTOGRAD_FORKSERVER_SOCKET") or None)
        return _shared
