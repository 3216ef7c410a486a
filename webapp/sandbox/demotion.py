"""Long evaluations leave their slot to short ones: what the fork server (server.py) does with
a child still at work after DEMOTE_AFTER_CPU_S of processor time.

The evaluator has few slots (cores − 1: one on two cores). An endless loop holds its slot until
its CPU budget stops it (5 s of processor, more on a loaded machine), and every student's
program waits behind it: fair order in the queue does not help while the slot is taken. So a
child that has used DEMOTE_AFTER_CPU_S goes on outside the slots, at a lower priority (nice
DEMOTED_NICE: when the machine is busy it gets a smaller share, when it is idle all of it), and
the slot takes the next request. Its CPU budget and wall-clock backstop still hold.

Demoted children are bounded: MAX_DEMOTED_EVALUATIONS on the machine and MAX_DEMOTED_PER_CLIENT
of one client. A child that may not be demoted keeps its slot while nobody waits for it; once
someone does, it is stopped and answered: 429 if its own client has its long programs running
already (an abuser slows only itself), 503 with Retry-After if the machine has its most.
"""
import os

from webapp.core import limits
from webapp.core.errors import Busy, LongProgramsRunning

DEMOTE, KEEP, CLIENT_FULL, MACHINE_FULL = "demote", "keep", "client-full", "machine-full"
ANSWERS = {
    CLIENT_FULL: {"problem": LongProgramsRunning(
        f"{limits.MAX_DEMOTED_PER_CLIENT} of your programs that each run longer than "
        f"{limits.DEMOTE_AFTER_CPU_S:g} s are still running, as many as one client may run at "
        "once while others wait; this one was stopped. Try again when they have "
        "finished.").to_dict()},
    MACHINE_FULL: {"problem": Busy(
        "The server is running as many long programs as it can; this one was stopped after "
        f"{limits.DEMOTE_AFTER_CPU_S:g} s of processor time. Try again in a "
        "moment.").to_dict()},
}


def is_long(cpu_s, wall_s, someone_waits):
    """Whether a child at work `wall_s` after it started, having used `cpu_s` of processor, is
    a long one: past DEMOTE_AFTER_CPU_S, or (on a machine so loaded that the processor time
    comes slowly) past DEMOTE_AFTER_WALL_S in its slot while someone waits for one."""
    return cpu_s > limits.DEMOTE_AFTER_CPU_S or (someone_waits and
                                                 wall_s > limits.DEMOTE_AFTER_WALL_S)


def decide(client, demoted_clients, someone_waits):
    """What becomes of a child of `client` past DEMOTE_AFTER_CPU_S, given the clients of the
    children already demoted and whether a request waits for a slot."""
    if demoted_clients.count(client) >= limits.MAX_DEMOTED_PER_CLIENT:
        return CLIENT_FULL if someone_waits else KEEP
    if len(demoted_clients) >= limits.MAX_DEMOTED_EVALUATIONS:
        return MACHINE_FULL if someone_waits else KEEP
    return DEMOTE


def lower_priority(pid):
    """The child runs on at nice DEMOTED_NICE (the server may always lower a child's
    priority)."""
    try:
        os.setpriority(os.PRIO_PROCESS, pid, limits.DEMOTED_NICE)
    except (ProcessLookupError, PermissionError):
        pass
