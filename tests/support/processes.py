"""Reading the process tree from /proc, for the tests that check nothing is left running."""
import os
import time


def children_of(pid):
    """Live (not zombie) children of `pid`."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(entry))
    return found


def settle_children(pid, expected, timeout_s=10.0, steady_s=0.5):
    """The children of `pid` once at most `expected` have remained for `steady_s` (a spare
    forked a moment ago is one of them), or whatever there is when the timeout passes."""
    deadline = time.monotonic() + timeout_s
    steady_since = None
    while True:
        children = children_of(pid)
        now = time.monotonic()
        if len(children) <= expected:
            steady_since = steady_since or now
            if now - steady_since >= steady_s:
                return children
        else:
            steady_since = None
        if now > deadline:
            return children
        time.sleep(0.05)


def describe(pids):
    """State and what each process waits on, for an assertion message."""
    lines = []
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as stat, open(f"/proc/{pid}/wchan") as wchan:
                fields = stat.read().rsplit(")", 1)[1].split()
                ticks = os.sysconf("SC_CLK_TCK")
                lines.append(f"{pid} {fields[0]} waiting in {wchan.read() or '-'}, cpu "
                             f"{(int(fields[11]) + int(fields[12])) / ticks:.1f} s")
        except OSError:
            lines.append(f"{pid} gone")
    return "; ".join(lines)
