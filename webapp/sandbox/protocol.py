"""The fork server's wire protocol, shared by the server, its children and the web's client.

A message is a 4-byte big-endian length and that many bytes of JSON. A connection carries the
client's name for fairness (`{"client": ...}`, at most MAX_CLIENT_BYTES, read by the server),
one request (at most MAX_REQUEST_BYTES, read by the child) and one answer: `{"problem": problem dict}` or the
evaluation's plain data. The server prints READY_LINE on stdout once it listens; it and each
child talk over a socket pair with the control bytes READY and DONE. The answers the server
gives itself (busy, out of CPU time, starved, killed) are built here from the error family, so
the web side restores the same classes (`ProblemError.from_dict`).
"""
import json
import os
import signal
import struct

from webapp.core import limits
from webapp.core.errors import (Busy, LimitExceeded, ProcessorShareSpent, StarvedOfTime,
                                TimeLimit)

HEADER = struct.Struct("!I")
MAX_REQUEST_BYTES = 1 << 20
MAX_CLIENT_BYTES = 512
CLIENT_WAIT_S = 1.0        # the web side sends its client line right after connecting
READY_LINE = "forkserver ready"
DONE = b"done"           # child -> server: answered, the slot is free
READY = b"ready"         # child -> server: warmed up, give me work

BUSY = {"problem": Busy(
    "Too many programs are running right now; try again in a moment.").to_dict()}
# Stopped by its CPU budget: the program's own work, however busy the server was.
OUT_OF_CPU_TIME = {"problem": TimeLimit(
    f"The program used {limits.CPU_TIME_LIMIT_S:g} s of processor time, the limit for one run, "
    "and was stopped: it loops for too long or does too much work. Make the loop shorter or "
    "the tensors smaller.").to_dict()}


def starved(cpu_seconds):
    """The answer for a child the wall-clock backstop stopped after `cpu_seconds` of work:
    the server's load, not the program."""
    return {"problem": StarvedOfTime(
        f"The server was too busy to finish the program: after "
        f"{limits.WALL_CLOCK_BACKSTOP_S:g} s it had had only {cpu_seconds:.1f} s of the "
        f"{limits.CPU_TIME_LIMIT_S:g} s of processor time a run may use. Try again in a "
        "moment.").to_dict()}


def cpu_limit_answer(status):
    """OUT_OF_CPU_TIME for a child its own RLIMIT_CPU stopped (SIGXCPU: it ran past the budget
    while the server, busy or starved on a loaded machine, had not yet looked), else None."""
    if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGXCPU:
        return OUT_OF_CPU_TIME
    return None


KILLED = {"problem": LimitExceeded(
    "The program was stopped by a resource limit (memory or CPU time).").to_dict()}


def share_spent(retry_after):
    """The answer for a client whose programs used their share of processor time."""
    return {"problem": ProcessorShareSpent(
        f"Your programs used {limits.CLIENT_CPU_S_PER_MINUTE:g} s of processor time in the "
        f"last minute, the share of one client; try again in {retry_after} s.",
        extra={"retry_after": retry_after}).to_dict()}


def receive_client(connection):
    """The client named at the start of `connection` (the server reads it; the child reads
    the request after it), or None if it does not come in time or is not one."""
    connection.settimeout(CLIENT_WAIT_S)
    try:
        message = receive_message(connection, MAX_CLIENT_BYTES)
    except (OSError, ValueError):
        return None
    finally:
        connection.settimeout(None)
    client = message.get("client") if isinstance(message, dict) else None
    return client if isinstance(client, str) else None


def send_message(sock, message):
    """Send `message` (plain data) as one length-prefixed JSON message."""
    data = json.dumps(message).encode()
    sock.sendall(HEADER.pack(len(data)) + data)


def receive_message(sock, limit=1 << 30):
    """The next message on `sock`; ValueError if it announces more than `limit` bytes,
    ConnectionError if the peer closes first."""
    header = receive_exactly(sock, HEADER.size)
    (size,) = HEADER.unpack(header)
    if size > limit:
        raise ValueError("message too large")
    return json.loads(receive_exactly(sock, size))


def receive_exactly(sock, size):
    """`size` bytes from `sock`, or ConnectionError if it closes first."""
    chunks, remaining = [], size
    while remaining:
        chunk = sock.recv(min(remaining, 1 << 20))
        if not chunk:
            raise ConnectionError("connection closed")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)
