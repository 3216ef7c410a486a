"""The fork server: one process with torch imported that forks a fresh child per evaluation.

Run as `python -m webapp.sandbox.server SOCKET_PATH ENTRY_MODULE`. The entry module imports
torch once (1-2 s), then listens on
a Unix socket. Each connection is one evaluation: a length-prefixed JSON request in, one JSON
answer out. The server keeps SPARE_CHILDREN children forked and warmed up ahead (so a request
waits neither for fork nor for a cold process), hands it the connection, and enforces the limits a child cannot enforce on itself:
at most MAX_CONCURRENT_EVALUATIONS at once, a short queue (then "busy"), and the wall clock
(SIGKILL after WALL_CLOCK_S). The child sets its own rlimits, runs `evaluate`, answers, exits.

The server is single-threaded and never runs autograd itself (fork after a backward pass would
leave the child's autograd engine unusable).
"""
import collections
import importlib
import json
import os
import resource
import select
import selectors
import signal
import socket
import struct
import sys
import time
import traceback

from webapp.core import limits

HEADER = struct.Struct("!I")
MAX_REQUEST_BYTES = 1 << 20
READY_LINE = "forkserver ready"
DONE = b"done"
READY = b"ready"
SPARE_CHILDREN = 2



def send_message(sock, message):
    data = json.dumps(message).encode()
    sock.sendall(HEADER.pack(len(data)) + data)


def receive_message(sock, limit=1 << 30):
    header = receive_exactly(sock, HEADER.size)
    (size,) = HEADER.unpack(header)
    if size > limit:
        raise ValueError("message too large")
    return json.loads(receive_exactly(sock, size))


def receive_exactly(sock, size):
    chunks, remaining = [], size
    while remaining:
        chunk = sock.recv(min(remaining, 1 << 20))
        if not chunk:
            raise ConnectionError("connection closed")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def problem(slug, title, status, detail, **extra):
    return {"problem": {"type": f"/problems/{slug}", "title": title, "status": status,
                        "detail": detail, **extra}}


BUSY = problem("busy", "The server is busy", 503,
               "Too many programs are running right now; try again in a moment.",
               retry_after=limits.RETRY_AFTER_S)
TIMED_OUT = problem("time-limit", "The program hit a limit", 422,
                    f"The program ran longer than {limits.WALL_CLOCK_S:g} s and was stopped.")
# Stopped by the clock while it waited for a busy processor: another moment may be different.
TIMED_OUT_BUSY = problem("limit-exceeded", "The program hit a limit", 422,
                         f"The program ran longer than {limits.WALL_CLOCK_S:g} s and was "
                         "stopped (the server was busy: trying again may work).")
# A stopped child that had a processor for at least this share of its time was stopped by its
# own work, not by the server's load.
CPU_BOUND_SHARE = 0.8
KILLED = problem("limit-exceeded", "The program hit a limit", 422,
                 "The program was stopped by a resource limit (memory or CPU time).")


# The child ------------------------------------------------------------------------------------

def child_main(control, entry):
    """A spare child: wait for a connection, limit itself, evaluate, answer, exit.

    `entry` is the evaluation module the server was given (`warm_up_child()`,
    `evaluate(request)`)."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    code = 0
    try:
        # While idle: one small evaluation with a backward pass, so that this process's
        # copy-on-write faults and autograd's first-use set-up are paid before a request
        # arrives, not after (the server itself must never run backward). Under load, when
        # work is already waiting, that would only double the work: skip it.
        if not select.select([control], [], [], 0)[0]:    # no work waiting yet
            entry.warm_up_child()
        control.send(READY)
        _, fds, _, _ = socket.recv_fds(control, 16, 1)
        if not fds:
            os._exit(0)                  # the server is going away
        connection = socket.socket(fileno=fds[0])
        limit_myself()
        request = receive_message(connection, MAX_REQUEST_BYTES)
        send_message(connection, entry.evaluate(request))
        control.send(DONE)               # the slot is free now; exiting takes a while longer
    except BaseException:                # never let a child fall back into the server's loop
        code = 1
    os._exit(code)


def limit_myself():
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))           # no file writes
    resource.setrlimit(resource.RLIMIT_CPU, (limits.CPU_TIME_S, limits.CPU_TIME_S + 1))
    address_space = current_address_space() + limits.MEMORY_HEADROOM_BYTES
    resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))
    resource.setrlimit(resource.RLIMIT_NPROC, (0, 0))           # no new processes or threads
    sys.setrecursionlimit(4_000)


def cpu_seconds(pid):
    """User and system time a process has used so far (0 if it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def current_address_space():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


# The server -----------------------------------------------------------------------------------

class Running:
    """A child at work: the client's connection, when it started, its control socket."""

    def __init__(self, connection, control):
        self.connection = connection
        self.control = control
        self.started = time.monotonic()


class ForkServer:
    def __init__(self, path, entry):
        self.path = path
        self.entry = entry
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        if os.path.exists(path):
            os.unlink(path)
        self.listener.bind(path)
        os.chmod(path, 0o600)
        self.listener.listen(64)
        self.listener.setblocking(False)
        self.queue = collections.deque()        # (connection, arrival time)
        self.running = {}                       # pid -> Running
        self.spares = {}                        # pid -> [control socket, warmed up?]
        self.parent = os.getppid()
        self.wakeup_read, self.wakeup_write = os.pipe()
        os.set_blocking(self.wakeup_write, False)
        signal.set_wakeup_fd(self.wakeup_write)
        signal.signal(signal.SIGCHLD, lambda *_: None)
        signal.signal(signal.SIGTERM, self.stop)
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.listener, selectors.EVENT_READ)
        self.selector.register(self.wakeup_read, selectors.EVENT_READ)

    def fork_spare(self):
        ours, theirs = socket.socketpair()
        pid = os.fork()
        if pid == 0:
            ours.close()
            self.listener.close()
            child_main(theirs, self.entry)
        theirs.close()
        self.spares[pid] = [ours, False]
        self.selector.register(ours, selectors.EVENT_READ, data=("spare", pid))

    def serve(self):
        for _ in range(SPARE_CHILDREN):
            self.fork_spare()
        print(READY_LINE, flush=True)
        while True:
            try:
                self.step()
            except Exception:                   # one bad moment must not end the service
                traceback.print_exc()
            if os.getppid() != self.parent:     # the web process is gone: so are we
                self.stop()

    def step(self):
        for key, _ in self.selector.select(timeout=0.05):
            if key.fileobj is self.listener:
                self.accept()
            elif key.fileobj == self.wakeup_read:
                os.read(self.wakeup_read, 512)
            elif key.data[0] == "spare":
                self.warmed_up(key.data[1])
            else:
                self.finished(key.data[1])
        self.reap()
        self.enforce_wall_clock()
        self.dispatch()
        self.replenish()

    def accept(self):
        while True:
            try:
                connection, _ = self.listener.accept()
            except BlockingIOError:
                return
            connection.setblocking(True)
            if len(self.queue) >= limits.MAX_QUEUED_EVALUATIONS:
                self.answer(connection, BUSY)
            else:
                self.queue.append((connection, time.monotonic()))

    def dispatch(self):
        now = time.monotonic()
        while self.queue and now - self.queue[0][1] > limits.MAX_QUEUE_WAIT_S:
            self.answer(self.queue.popleft()[0], BUSY)
        while self.queue and len(self.running) < limits.MAX_CONCURRENT_EVALUATIONS:
            if not self.spares:
                self.fork_spare()
            connection, _ = self.queue.popleft()
            # A warmed-up spare if there is one; else the oldest, which starts when it is ready.
            pid = next((p for p, (_, ready) in self.spares.items() if ready),
                       next(iter(self.spares)))
            control, _ = self.spares.pop(pid)
            self.selector.unregister(control)
            try:
                socket.send_fds(control, [b"x"], [connection.fileno()])
            except OSError:                     # the spare died: answer from another
                self.queue.appendleft((connection, now))
                control.close()
                continue
            self.running[pid] = Running(connection, control)
            self.selector.register(control, selectors.EVENT_READ, data=("running", pid))

    def replenish(self):
        """Fork spares up to SPARE_CHILDREN, but not while a child is at work unless none is
        left: a fork copies the server's page tables (~10 ms of processor), which would
        compete with the request being answered."""
        # One per round, so that a request arriving meanwhile waits for one fork at most.
        if len(self.spares) < SPARE_CHILDREN and (not self.running or not self.spares):
            self.fork_spare()

    def warmed_up(self, pid):
        if pid not in self.spares:              # reaped already, in the same round
            return
        control, _ = self.spares[pid]
        if control.recv(len(READY)) == READY:
            self.spares[pid][1] = True
        else:                                   # it died while warming up
            self.selector.unregister(control)
            control.close()
            del self.spares[pid]

    def finished(self, pid, answer=None, exited=False):
        """A child answered (or died, or ran out of time): free its slot."""
        child = self.running.get(pid)
        if child is None:
            return
        if answer is None:
            message = child.control.recv(64)
            if message == READY and not exited:  # work reached a spare before it warmed up
                return
            if not message.endswith(DONE):
                answer = KILLED                 # it died before answering
        del self.running[pid]
        self.selector.unregister(child.control)
        child.control.close()
        if answer is None:
            child.connection.close()
        else:
            self.answer(child.connection, answer)

    def reap(self):
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            if pid in self.spares:
                control, _ = self.spares.pop(pid)
                self.selector.unregister(control)
                control.close()
            elif pid in self.running:
                self.finished(pid, exited=True)

    def enforce_wall_clock(self):
        now = time.monotonic()
        for pid, child in list(self.running.items()):
            if now - child.started > limits.WALL_CLOCK_S:
                cpu = cpu_seconds(pid)
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                bound = cpu >= CPU_BOUND_SHARE * (now - child.started)
                self.finished(pid, TIMED_OUT if bound else TIMED_OUT_BUSY)

    @staticmethod
    def answer(connection, message):
        try:
            send_message(connection, message)
        except OSError:
            pass
        connection.close()

    def stop(self, *_):
        for pid in list(self.running) + list(self.spares):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            os.unlink(self.path)
        except OSError:
            pass
        os._exit(0)


def main():
    """`python -m webapp.sandbox.server SOCKET_PATH ENTRY_MODULE`: the entry module (by name,
    so that this package never imports torch itself) prepares the server once, before any
    fork, and evaluates in the children."""
    path, entry_name = sys.argv[1], sys.argv[2]
    os.environ.setdefault("OMP_NUM_THREADS", "1")      # before torch is imported
    entry = importlib.import_module(entry_name)
    entry.prepare_server()
    ForkServer(path, entry).serve()


if __name__ == "__main__":
    main()
