"""The web side of the sandbox: send a program to the fork server, get plain data back.

The web process never imports torch. `Sandbox.evaluate(request)` connects to the fork server's
Unix socket (starting the server on first use, and again if it died), sends the request and
waits for the single answer. Several web processes (gunicorn workers) share one fork server
by pointing AUTOGRAD_FORKSERVER_SOCKET at it, so the concurrency cap is global to the machine:
gunicorn's master starts it and `supervise()` restarts it at the same socket if it dies. A
worker never starts a server of its own: while the shared one is down it answers 503 with
Retry-After (one server per worker would double the machine's evaluation cap and its memory).
"""
import atexit
import contextvars
import os
import shutil
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
SUPERVISION_PERIOD_S = 0.5       # how often the master looks whether the fork server lives
# What the fork server's children run: named here, imported only there (never by the web).
ENTRY_MODULE = "webapp.execution.entry"
# Queue wait + the child's wall-clock backstop (its CPU budget ends it sooner unless it is
# starved) + the time it takes to answer or be reaped.
ANSWER_TIMEOUT_S = limits.MAX_QUEUE_WAIT_S + limits.WALL_CLOCK_BACKSTOP_S + 5.0
CHILD_ENVIRONMENT = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                     "OPENBLAS_NUM_THREADS": "1", "PYTHONDONTWRITEBYTECODE": "1"}


# Who is asking, for the fork server's fair sharing: set by the web tier for each request (the
# client's address); a request made outside one (a script, a test) is "local".
current_client = contextvars.ContextVar("current_client", default="local")


class Sandbox:
    def __init__(self, socket_path=None, entry=ENTRY_MODULE):
        self.shared_path = socket_path          # a fork server someone else runs
        self.entry = entry                      # what its children run (by module name)
        self.process = None
        self.path = None
        self.lock = threading.RLock()           # start() runs under it from two places
        self.supervising = None

    def evaluate(self, request):
        """Run one program; return the child's answer dict (trace or problem)."""
        path = self.ensure_running()
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
                connection.settimeout(ANSWER_TIMEOUT_S)
                connection.connect(path)
                try:
                    send_message(connection, {"client": current_client.get()})
                    send_message(connection, request)
                except (BrokenPipeError, ConnectionResetError):
                    pass        # refused on the client line alone (busy, share spent): the
                                # server answered and closed while the request was on its way
                return receive_message(connection)
        except (ConnectionError, FileNotFoundError, socket.timeout, OSError, ValueError):
            if self.process is not None and self.process.poll() is not None:
                self.process = None              # it died: the next request starts a new one
            raise Busy("The evaluation was interrupted; please try again.") from None

    def ensure_running(self):
        if self.shared_path:             # its supervisor restarts it; never start another
            if os.path.exists(self.shared_path):
                return self.shared_path
            raise SandboxUnavailable("The evaluation service is restarting; please try "
                                     "again in a moment.")
        with self.lock:
            if self.process is None or self.process.poll() is not None:
                self.start()
            return self.path

    def start(self):
        if self.path is None:            # a restart keeps the socket its clients know
            self.path = os.path.join(tempfile.mkdtemp(prefix="autograd-forkserver-"),
                                     "socket")
            atexit.register(self.stop)
        root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "webapp.sandbox.server", self.path, self.entry], cwd=root,
            env={**os.environ, **CHILD_ENVIRONMENT}, stdout=subprocess.PIPE,
            stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        line = self.process.stdout.readline().decode().strip()
        if line != READY_LINE or time.monotonic() > deadline:
            self.process.kill()
            self.process.wait()
            self.forget_process()
            raise SandboxUnavailable("The evaluation service did not start.")

    def supervise(self):
        """Restart the fork server at the same socket whenever it dies (a daemon thread; the
        master calls it). `stop` ends the supervision.

        The dead server's socket is removed at once, so that clients are told the service is
        restarting (not that their evaluation was interrupted) until the new one listens. A
        restart that fails (the machine too loaded to import torch in STARTUP_TIMEOUT_S) is
        tried again the next period: the thread must outlive any one failure, or the machine
        would be left without an evaluator while gunicorn goes on serving."""
        self.supervising = threading.Event()

        def watch():
            while not self.supervising.wait(SUPERVISION_PERIOD_S):
                try:
                    self.restart_if_dead()
                except (SandboxUnavailable, OSError) as error:
                    print(f"forkserver-supervisor: restart failed ({error}); trying again",
                          file=sys.stderr, flush=True)
        threading.Thread(target=watch, name="forkserver-supervisor", daemon=True).start()

    def restart_if_dead(self):
        with self.lock:
            if self.supervising.is_set() or self.path is None:     # stopping, or stopped
                return
            if self.process is None or self.process.poll() is not None:
                self.forget_process()
                try:
                    os.unlink(self.path)
                except FileNotFoundError:
                    pass
                self.start()

    def stop(self):
        """Stop supervising, stop the fork server, remove its socket and folder."""
        if self.supervising is not None:
            self.supervising.set()
        with self.lock:
            if self.process is not None and self.process.poll() is None:
                self.process.terminate()
                try:
                    self.process.wait(5)
                except subprocess.TimeoutExpired:
                    self.process.kill()
            self.forget_process()
            if self.path is not None:
                shutil.rmtree(os.path.dirname(self.path), ignore_errors=True)
                self.path = None

    def forget_process(self):
        """Let go of a fork server that has ended (its output pipe closed with it)."""
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
