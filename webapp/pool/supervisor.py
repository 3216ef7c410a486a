"""The web side of the drawing pool: a few processes, each doing one job at a time, every job
bounded and cancellable.

`run(job, *args)` hands a job to an idle process and waits for its answer, its death, the
client going away or the wall limit, whichever comes first. Only the job's own process is
lost when it is cancelled or dies: it is killed with its process group (its dot too) and
replaced straight away, and the other processes' jobs go on. That is why this is not
concurrent.futures.ProcessPoolExecutor: it cannot stop a running call, and one process that
dies breaks the whole executor (every other pending call fails with BrokenProcessPool).

Each process is a fresh interpreter (`python -m webapp.pool.worker`), never a fork of the web
process (which may have imported anything, tests even torch) and not multiprocessing's spawn
or forkserver either: their children run the parent's main script again (`__mp_main__`), and
a script that imports torch would put torch into every pool process. A start costs ~1 s of
the new process's own processor (cairosvg, Pillow, pypdf), paid at the worker's start
(gunicorn.conf.py) and after a process is lost, never by the web thread.

One pool per web worker (RENDER_PROCESSES, 2), not one for the machine: the client's socket,
the cache and the waiting thread are the worker's, and a shared pool would need a server and
a protocol of its own like the fork server's. Two gunicorn workers make four drawing
processes on this 2-core kind of machine: every job is bounded, the common one takes
milliseconds, and the evaluator's cap on the cores is separate (webapp/sandbox).

The client going away: gunicorn's (and werkzeug's) WSGI environ holds the request's socket;
while the job runs, the socket is watched with the job's pipe, and a socket that turns
readable with nothing to read (EOF) or a reset means the client closed it. Data the client
sent ahead (a pipelined request) is not EOF: then the socket is no longer watched.
"""
import atexit
import contextvars
import multiprocessing.connection
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from webapp.core import limits, settings
from webapp.core.errors import Busy, ClientGone, DrawingInterrupted, DrawingLimit
from webapp.pool.jobs import JOBS

ROOT = Path(__file__).resolve().parent.parent.parent     # where `python -m webapp...` works

# The request's socket, for the job to watch (set per request by the web tier; None: unknown).
client_connection = contextvars.ContextVar("client_connection", default=None)
STARTING_S = 30.0   # a new process imports cairosvg, Pillow and pypdf (~1 s; more when loaded)
WAKE_S = 0.1        # how often a request waiting for a free process looks at its client


def client_gone(connection):
    """True if the peer of socket `connection` closed it (EOF or reset); False while it is
    open, or when that cannot be told (a TLS socket)."""
    try:
        if not select.select([connection], [], [], 0)[0]:
            return False
        return connection.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
    except (BlockingIOError, InterruptedError, ValueError):
        return False
    except OSError:
        return True


class Slot:
    """One pool process and its end of their socket pair."""

    def __init__(self, memory_bytes):
        self.memory_bytes = memory_bytes
        self.process = self.pipe = None
        self.ready = False
        self.owes_answer = False      # a job was sent and its answer not yet read

    def start(self):
        ours, theirs = socket.socketpair()
        with ours, theirs:
            # Its own session (and process group), for stop() to kill it with its dot.
            self.process = subprocess.Popen(
                [sys.executable, "-m", "webapp.pool.worker", str(theirs.fileno()),
                 str(self.memory_bytes)],
                cwd=ROOT, pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, start_new_session=True)
            self.pipe = multiprocessing.connection.Connection(os.dup(ours.fileno()))
        self.ready = False

    def await_ready(self, timeout):
        """Wait for the process to have imported its jobs (its first message): a job's wall
        clock starts after that. False if it did not in time, or died."""
        if not self.ready and self.pipe.poll(timeout):
            try:
                self.ready = self.pipe.recv()[0] == "ready"
            except (EOFError, OSError):
                return False
        return self.ready

    def alive(self):
        return self.process is not None and self.process.poll() is None

    def ensure_started(self):
        if not self.alive():
            self.stop()
            self.start()

    def stop(self):
        """Kill the process and everything in its group (its dot), and reap it."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.process.wait()
        self.pipe.close()
        self.process = self.pipe = None
        self.owes_answer = False

    def replace(self):
        self.stop()
        self.start()


class DrawingPool:
    """`size` processes doing the jobs of webapp.pool.jobs; `size` 0 runs them on the calling
    thread instead (no limits: for tests that patch render's functions, and debugging)."""

    def __init__(self, size=limits.RENDER_PROCESSES, *, cpu_limit_s=limits.RENDER_CPU_LIMIT_S,
                 memory_bytes=limits.RENDER_MEMORY_BYTES, wall_limit_s=limits.RENDER_WALL_LIMIT_S,
                 queue_wait_s=limits.RENDER_QUEUE_WAIT_S):
        self.size = size
        self.memory_bytes = memory_bytes
        self.idle = [Slot(memory_bytes) for _ in range(size)]   # a stack: the last used first
        self.available = threading.Condition()
        self.cpu_limit_s = cpu_limit_s
        self.wall_limit_s = wall_limit_s
        self.queue_wait_s = queue_wait_s

    def start(self):
        """Start every process now rather than at its first job."""
        with self.available:
            for slot in self.idle:
                slot.ensure_started()

    def pids(self):
        with self.available:
            return [slot.process.pid for slot in self.idle if slot.process is not None]

    def run(self, job, *args):
        """JOBS[job](*args), in a pool process; raises what the job raised, or ClientGone,
        Busy (no free process in time), DrawingLimit (CPU, memory, wall) or
        DrawingInterrupted (the process died for another reason)."""
        if self.size == 0:
            return JOBS[job](*args)
        client = client_connection.get()
        slot = self.acquire(client)
        try:
            return self.exchange(slot, job, args, client)
        finally:
            if slot.owes_answer:        # left while the job ran (an exception of the thread's
                slot.stop()             # own): its answer must not reach the next job
            with self.available:
                self.idle.append(slot)
                self.available.notify()

    def acquire(self, client):
        deadline = time.monotonic() + self.queue_wait_s
        with self.available:
            while not self.idle:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise Busy.message("drawing-queue-full", limit=f"{self.queue_wait_s:g}")
                self.available.wait(min(WAKE_S, remaining))
                if client is not None and client_gone(client):
                    raise ClientGone("The client closed the connection while waiting.")
            slot = self.idle.pop()
        try:
            slot.ensure_started()
        except BaseException:
            with self.available:
                self.idle.append(slot)
                self.available.notify()
            raise
        return slot

    def exchange(self, slot, job, args, client):
        if not slot.await_ready(STARTING_S):
            raise self.lost(slot)
        deadline = time.monotonic() + self.wall_limit_s
        try:
            slot.owes_answer = True
            slot.pipe.send((job, args, self.cpu_limit_s))
        except (BrokenPipeError, ConnectionResetError):
            raise self.lost(slot) from None
        watched = [slot.pipe] + ([client] if client is not None else [])
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                slot.replace()
                raise DrawingLimit.named("RENDER_WALL_LIMIT_S", "drawing-wall-limit",
                                         limit=f"{self.wall_limit_s:g}")
            ready = multiprocessing.connection.wait(watched, remaining)
            if slot.pipe in ready:           # an answer, or EOF: the process died
                return self.answer(slot)
            if client in ready:
                if client_gone(client):
                    slot.replace()
                    raise ClientGone("The client closed the connection; the drawing was "
                                     "cancelled.")
                watched.remove(client)          # data sent ahead, not EOF: stop watching

    def answer(self, slot):
        try:
            outcome, value = slot.pipe.recv()
        except (EOFError, OSError):
            raise self.lost(slot) from None
        slot.owes_answer = False
        if outcome == "done":
            return value
        if outcome == "memory":
            slot.replace()
            raise DrawingLimit.named("RENDER_MEMORY_BYTES", "drawing-memory-limit",
                                     limit=self.memory_bytes // (1024 * 1024))
        raise value

    def lost(self, slot):
        """The problem for a process that died during its job (and a new process for it)."""
        try:            # its pipe closed: it is exiting, if it has not already
            exitcode = slot.process.wait(timeout=1.0)
        except subprocess.TimeoutExpired:
            exitcode = None
        slot.replace()
        if exitcode == -signal.SIGXCPU:
            return DrawingLimit.named("RENDER_CPU_LIMIT_S", "drawing-cpu-limit",
                                      limit=f"{self.cpu_limit_s:g}")
        return DrawingInterrupted.message("drawing-interrupted")

    def stop(self):
        with self.available:
            for slot in self.idle:
                slot.stop()


_shared = {"pid": None, "pool": None}
_shared_lock = threading.Lock()


def shared_pool():
    """This process's pool (a new one after a fork: processes are not shared across it)."""
    with _shared_lock:
        if _shared["pid"] != os.getpid():
            _shared["pool"] = DrawingPool(int(settings.value("AUTOGRAD_RENDER_PROCESSES")
                                              or limits.RENDER_PROCESSES))
            _shared["pid"] = os.getpid()
            atexit.register(_shared["pool"].stop)
        return _shared["pool"]
