"""A fork server's child: one evaluation in a process that limits itself first.

`child_main(control, entry)` runs in the forked process: it warms up, waits for the server to
hand it a client connection, confines itself (confinement.py: descriptors, no new privileges,
its user, a system-call filter), sets its rlimits (`limit_myself`), reads the request, answers with
`entry.evaluate(request)` and exits. It never returns into the server's loop.
"""
import math
import os
import resource
import select
import signal
import socket
import sys
import traceback

from webapp.core import limits
from webapp.sandbox.confinement import confine
from webapp.sandbox.protocol import DONE, MAX_REQUEST_BYTES, READY, receive_message, send_message


def child_main(control, entry):
    """A spare child: wait for a connection, limit itself, evaluate, answer, exit.

    `entry` is the evaluation module the server was given (`warm_up_child()`,
    `evaluate(request)`)."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    code = 0
    try:
        # While idle: small evaluations with a backward pass, so that this process's
        # copy-on-write faults and autograd's first-use set-up are paid before a request
        # arrives, not after (the server itself must never run backward). The first piece
        # before saying ready; the rest after, stopping as soon as the server hands over work.
        # Under load, when work is already waiting, warming up would only double the work.
        if not work_arrived(control):
            entry.warm_up_child()
        control.send(READY)
        entry.warm_up_child(lambda: work_arrived(control))
        _, fds, _, _ = socket.recv_fds(control, 16, 1)
        if not fds:
            os._exit(0)                  # the server is going away
        connection = socket.socket(fileno=fds[0])
        confine(keep={connection.fileno(), control.fileno()})
        limit_myself()
        request = receive_message(connection, MAX_REQUEST_BYTES)
        send_message(connection, entry.evaluate(request))
        control.send(DONE)               # the slot is free now; exiting takes a while longer
    except BaseException:                # never let a child fall back into the server's loop
        code = 1
        try:
            traceback.print_exc()        # to the server's log (stderr is kept open)
        except BaseException:
            pass
    os._exit(code)


def work_arrived(control):
    """Whether the server has written to this spare's control socket (work, or goodbye)."""
    return bool(select.select([control], [], [], 0)[0])


def limit_myself():
    """The rlimits of DESIGN.md for this process: no core dumps, no file writes, CPU time (the
    kernel's backstop behind the server's budget), address space (what it has now + the
    headroom), no new processes or threads."""
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))           # no file writes
    cpu = cpu_rlimit()
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    address_space = current_address_space() + limits.MEMORY_HEADROOM_BYTES
    resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))
    resource.setrlimit(resource.RLIMIT_NPROC, (0, 0))           # no new processes or threads
    sys.setrecursionlimit(4_000)


def cpu_rlimit():
    """RLIMIT_CPU's soft value (whole seconds of this process's life): what it has used so far
    (its warm-up) + the budget the server enforces + a margin, so the server stops it first."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    used = usage.ru_utime + usage.ru_stime
    return math.ceil(used + limits.CPU_TIME_LIMIT_S) + limits.CPU_RLIMIT_MARGIN_S


def current_address_space():
    """This process's virtual memory size in bytes (0 if /proc does not say)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def cpu_seconds(pid):
    """User and system time a process has used so far (0 if it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
