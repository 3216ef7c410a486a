"""The fork server: one process with torch imported that forks a fresh child per evaluation.

Run as `python -m webapp.sandbox.server SOCKET_PATH ENTRY_MODULE`. The entry module imports
torch once (1-2 s), then the server listens on a Unix socket. Each connection is one
evaluation: a request in, one answer out (protocol.py). The server keeps a pool of
SPARE_CHILDREN children forked and warmed up ahead, replenished on an idle core while others
work (so a request waits neither for a fork nor for a warm-up), hands a warmed one the
connection, and enforces the limits a child cannot enforce on itself: at most
MAX_CONCURRENT_EVALUATIONS at once, a queue shared fairly by clients (fairness.py: in turn,
each within its share of processor time, admitted by estimated wait), the child's CPU budget
(SIGKILL once it has used CPU_TIME_LIMIT_S of processor time, read from /proc every round)
and a wall-clock backstop for a child starved of the processor (WALL_CLOCK_BACKSTOP_S). The
child (child.py) sets its own rlimits, runs the entry module's `evaluate`, answers, exits.

The server is single-threaded and never runs autograd itself (fork after a backward pass would
leave the child's autograd engine unusable).
"""
import importlib
import os
import selectors
import signal
import socket
import sys
import time
import traceback

from webapp.core import limits
from webapp.sandbox import demotion
from webapp.sandbox.child import child_main, cpu_seconds
from webapp.sandbox.fairness import FairQueue
from webapp.sandbox.protocol import (BUSY, DONE, KILLED, OUT_OF_CPU_TIME, READY, READY_LINE,
                                     cpu_limit_answer, receive_client, send_message,
                                     share_spent, starved)

SPARE_CHILDREN = 3
# Processes that may be busy at once: the children at work and the spares warming up.
CORES = os.cpu_count() or 2


class Running:
    """A child at work: the client and its connection, its control socket, when it started
    (wall clock) and the processor time it had used by then (its warm-up, not the request's)."""

    def __init__(self, pid, client, connection, control):
        self.client = client
        self.connection = connection
        self.control = control
        self.started = time.monotonic()
        self.cpu_before = cpu_seconds(pid)
        self.demoted = False        # past DEMOTE_AFTER_CPU_S, on outside the slots (demotion.py)

    def cpu_used(self, pid):
        return cpu_seconds(pid) - self.cpu_before


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
        share = float(os.environ.get("AUTOGRAD_CLIENT_CPU_S_PER_MINUTE") or
                      limits.CLIENT_CPU_S_PER_MINUTE)
        self.queue = FairQueue(share)           # connections waiting, by client
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
        self.enforce_time_limits()
        self.dispatch()
        self.replenish()

    def accept(self):
        while True:
            try:
                connection, _ = self.listener.accept()
            except BlockingIOError:
                return
            connection.setblocking(True)
            client = receive_client(connection)
            refusal = self.queue.refusal(client, [c.client for c in self.at_work()])
            if client is None:                  # not our client: its request is unreadable
                self.answer(connection, BUSY)
            elif refusal is None:
                self.queue.push(client, connection)
            elif refusal[0] == "share":
                self.answer(connection, share_spent(refusal[1]))
            else:
                self.answer(connection, BUSY)

    def dispatch(self):
        for connection in self.queue.expired():
            self.answer(connection, BUSY)
        while self.queue and len(self.at_work()) < limits.MAX_CONCURRENT_EVALUATIONS:
            pid = self.spare_for_work()
            if pid is None:                     # one is warming up: the request waits for it
                return
            client, connection = self.queue.pop()
            control, _ = self.spares.pop(pid)
            self.selector.unregister(control)
            try:
                socket.send_fds(control, [b"x"], [connection.fileno()])
            except OSError:                     # the spare died: answer from another
                self.queue.push_front(client, connection)
                control.close()
                continue
            self.running[pid] = Running(pid, client, connection, control)
            self.selector.register(control, selectors.EVENT_READ, data=("running", pid))

    def spare_for_work(self):
        """The spare to hand the next request: a warmed-up one if there is one; None while
        one is still warming up (it is handed the request the round it is ready, sooner than
        a cold child would answer); else a new one, which skips its warm-up for work waiting."""
        warming = None
        for pid, (_, ready) in self.spares.items():
            if ready:
                return pid
            warming = pid
        if warming is not None:
            return None
        self.fork_spare()
        return next(iter(self.spares))

    def replenish(self):
        """Fork a spare while the pool has fewer than SPARE_CHILDREN and a core is idle: the
        children at work and the spares warming up hold one each, so that a fork and its
        warm-up (~15 ms of the server's processor, ~30 ms of the child's) run beside the
        request being answered, not on its core (on 2 cores: one child at work and one spare
        warming up). One per round, so that a request arriving meanwhile waits for one fork
        at most."""
        warming = sum(not ready for _, ready in self.spares.values())
        if len(self.spares) < SPARE_CHILDREN and len(self.at_work()) + warming < CORES:
            self.fork_spare()

    def at_work(self):
        """The children in the evaluator's slots (the demoted ones run on outside them)."""
        return [child for child in self.running.values() if not child.demoted]

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
            if message == READY and not exited:  # work reached a new spare, which starts now
                child.cpu_before = cpu_seconds(pid)
                return
            if not message.endswith(DONE):
                answer = KILLED                 # it died before answering
        del self.running[pid]
        self.queue.charge(child.client, child.cpu_used(pid) if not exited else 0.0)
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
                self.finished(pid, answer=cpu_limit_answer(status), exited=True)

    def enforce_time_limits(self):
        """Kill a child that has used its CPU budget (its own work: the program loops or does
        too much), or that is still at work after the wall-clock backstop with less (starved
        of the processor by the machine's load, or stopped): each is told which."""
        now = time.monotonic()
        for pid, child in list(self.running.items()):
            used = child.cpu_used(pid)
            if used > limits.CPU_TIME_LIMIT_S:
                answer = OUT_OF_CPU_TIME
            elif now - child.started > limits.WALL_CLOCK_BACKSTOP_S:
                answer = starved(used)
            elif child.demoted or not demotion.is_long(used, now - child.started, bool(self.queue)):
                continue
            else:
                answer = self.demote(pid, child)
                if answer is None:
                    continue
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.finished(pid, answer)

    def demote(self, pid, child):
        """A long child leaves its slot (demotion.py): None, or the answer it is stopped with."""
        decision = demotion.decide(child.client, [c.client for c in self.running.values()
                                                  if c.demoted], bool(self.queue))
        if decision == demotion.DEMOTE:
            demotion.lower_priority(pid)
            child.demoted = True
        return demotion.ANSWERS.get(decision)

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
