"""Who runs next on the evaluator: waiting evaluations by client, taken in turn, and each
client's share of processor time. Plain bookkeeping for the fork server (server.py), with an
injected clock so that it is tested without processes.

A lecture hall is many clients with a few programs each; one client sending endless loops must
slow only itself. So the queue is one line per client, served round-robin (a client with ten
waiting programs does not make the others wait ten turns), the client that used the least
processor time in the window first; each client's programs may use
CLIENT_CPU_S_PER_MINUTE seconds of processor in a sliding CLIENT_CPU_WINDOW_S, after which it is
answered 429 with the time until enough of it leaves the window; and a request is admitted
only if its estimated wait fits in MAX_QUEUE_WAIT_S, rather than by a fixed count that cheap
and costly programs share alike. The estimate follows the round: what is ahead of a client's
new request is its own waiting programs and, of every other client, as many as it has waiting
up to one more than ours, each at its client's usual cost (the median of its recent runs): an
abuser's endless loops count once against an honest student, not once per loop.
"""
import collections
import math
import statistics
import time

from webapp.core import limits

RECENT_RUNS = 8                # a client's evaluations its usual cost is the median of
FIRST_GUESS_S = 0.05           # the usual cost of a client with no finished evaluation
MAX_CLIENTS = 4_096            # clients remembered; past it, those idle for a window go


class FairQueue:
    def __init__(self, share_s=limits.CLIENT_CPU_S_PER_MINUTE, slots=None,
                 clock=time.monotonic):
        self.share_s, self.clock = share_s, clock
        self.slots = slots or limits.MAX_CONCURRENT_EVALUATIONS
        self.lines = collections.OrderedDict()      # client -> deque of (item, arrival)
        self.spent = {}                             # client -> deque of (when, cpu seconds)
        self.recent = {}                            # client -> deque of cpu seconds

    def __len__(self):
        return sum(len(line) for line in self.lines.values())

    def refusal(self, client, running=()):
        """Why `client`'s new request may not wait (("share", seconds until it may) or
        ("busy", None)), or None: it may. `running`: the clients of the evaluations at work."""
        spent = self.spent_by(client)
        if spent >= self.share_s:
            return "share", self.seconds_until_below_share(client)
        if len(self) >= limits.MAX_QUEUED_EVALUATIONS or \
                self.estimated_wait(client, running) > limits.MAX_QUEUE_WAIT_S:
            return "busy", None
        return None

    def push(self, client, item):
        self.lines.setdefault(client, collections.deque()).append((item, self.clock()))

    def pop(self):
        """(client, item) of the next evaluation: of the clients waiting, the one whose
        programs used the least processor time in the window, the first in turn among equals;
        its turn then moves to the back of the round."""
        client = min(self.lines, key=self.spent_by)      # min keeps the first of equals
        line = self.lines[client]
        item, _ = line.popleft()
        del self.lines[client]
        if line:
            self.lines[client] = line                # the back of the round
        return client, item

    def push_front(self, client, item):
        """Put back an item `pop` gave (its child could not take it), first in turn."""
        line = self.lines.pop(client, collections.deque())
        line.appendleft((item, self.clock()))
        self.lines[client] = line
        self.lines.move_to_end(client, last=False)

    def expired(self):
        """Remove and return the items that have waited longer than MAX_QUEUE_WAIT_S."""
        now, gone = self.clock(), []
        for client in list(self.lines):
            line = self.lines[client]
            while line and now - line[0][1] > limits.MAX_QUEUE_WAIT_S:
                gone.append(line.popleft()[0])
            if not line:
                del self.lines[client]
        return gone

    def charge(self, client, cpu_seconds):
        """An evaluation of `client` ended having used `cpu_seconds` of processor."""
        self.spent.setdefault(client, collections.deque()).append((self.clock(), cpu_seconds))
        self.recent.setdefault(client, collections.deque(maxlen=RECENT_RUNS)).append(
            cpu_seconds)
        if len(self.spent) > MAX_CLIENTS:
            for known in list(self.spent):
                self.spent_by(known)                 # forgets those idle for a whole window

    def spent_by(self, client):
        """Processor seconds `client`'s evaluations used in the window."""
        line = self.spent.get(client)
        if not line:
            return 0.0
        horizon = self.clock() - limits.CLIENT_CPU_WINDOW_S
        while line and line[0][0] < horizon:
            line.popleft()
        if not line:
            del self.spent[client]
            self.recent.pop(client, None)
            return 0.0
        return sum(cpu for _, cpu in line)

    def seconds_until_below_share(self, client):
        """Whole seconds until `client` has spent less than its share in the window."""
        excess, now = self.spent_by(client) - self.share_s, self.clock()
        for when, cpu in self.spent.get(client, ()):
            excess -= cpu
            if excess < 0:
                return max(1, math.ceil(when + limits.CLIENT_CPU_WINDOW_S - now))
        return 1

    def usual_cost(self, client):
        runs = self.recent.get(client)
        return statistics.median(runs) if runs else FIRST_GUESS_S

    def estimated_wait(self, client, running=()):
        """Seconds a new request of `client` would wait (see the module's docstring), the
        evaluations at work (their clients in `running`) included, shared by the slots."""
        own = len(self.lines.get(client, ()))
        ahead = own * self.usual_cost(client) + sum(self.usual_cost(c) for c in running)
        for other, line in self.lines.items():
            if other != client:
                ahead += min(len(line), own + 1) * self.usual_cost(other)
        return ahead / self.slots
