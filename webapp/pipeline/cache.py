"""A bytes-bounded LRU cache of results, where identical concurrent misses compute once.

Two hundred students opening the same link cost one evaluation and one layout per worker
process: the first request computes, the ones that arrive meanwhile wait for its result.
Results are graph documents, rendered images, and the problems of programs that fail the same
way every time; a program stopped by its CPU-time budget is kept for a few seconds only (a rush
of the same runaway loop does not take the sandbox again and again, but a program that needed
about the whole budget may fit next time), and one the server was too busy to finish is not
kept at all.
"""
import collections
import pickle
import threading
import time

from webapp.core.errors import ProblemError

# Problems that depend on the program alone, not on the server's load.
DETERMINISTIC_PROBLEMS = {"not-allowed", "syntax-error", "too-large", "run-failed", "no-graph"}
# Problems kept for a short while only, by slug: a stop by the CPU-time budget ("time-limit")
# is the program's own work, but the same work measures a little differently each run; a
# drawing that could not be made in time ("not-drawable", "export-too-large") depends on the
# machine's load too, but a rush of the same request must not lay it out again and again.
BRIEF_PROBLEMS_TTL_S = {"time-limit": 10.0, "not-drawable": 30.0, "export-too-large": 30.0,
                        "drawing-limit": 30.0}
# Outcomes of the computing request alone: its client left and its drawing was cancelled. The
# requests that waited for it compute for themselves instead.
RETRIED_PROBLEMS = {"client-gone"}


def size_of(value):
    """About how many bytes `value` holds: its length, or its pickle's (pickle, not json:
    json.dumps of a document with large tensors takes seconds, pickling a few hundredths)."""
    if isinstance(value, (bytes, str)):
        return len(value)
    return len(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))


class Flight:
    """A result being computed: its outcome (value or exception) once `done` is set."""

    def __init__(self):
        self.done = threading.Event()
        self.outcome = None


class ResultCache:
    """Up to `max_bytes` of results (JSON-sized) by key; `clock()` (seconds, monotonic) times
    the entries that expire."""

    def __init__(self, max_bytes, clock=time.monotonic):
        self.max_bytes = max_bytes
        self.clock = clock
        self.entries = collections.OrderedDict()     # key -> (value or problem, size, expiry)
        self.bytes = 0
        self.in_flight = {}                          # key -> Flight
        self.lock = threading.Lock()
        self.hits = self.misses = 0

    def get_or_compute(self, key, compute):
        """The cached value for `key`, or `compute()`'s. Requests that arrive while it is being
        computed wait for it and share its outcome, a raised problem included (they came in
        the same rush); only deterministic problems are kept for later requests."""
        while True:
            role, found = self._claim(key)
            if role == "kept":
                return self._unpack(found)
            if role == "compute":
                return self._compute(key, found, compute)
            found.done.wait()
            if not (isinstance(found.outcome, ProblemError)
                    and found.outcome.slug in RETRIED_PROBLEMS):
                return self._unpack(found.outcome)

    def _claim(self, key):
        """("kept", the entry), ("wait", the Flight computing it), or ("compute", a new
        Flight) for the request that is to compute it."""
        with self.lock:
            if key in self.entries and self.entries[key][2] < self.clock():
                self._evict(key)
            if key in self.entries:
                self.entries.move_to_end(key)
                self.hits += 1
                return "kept", self.entries[key][0]
            flight = self.in_flight.get(key)
            if flight is not None:
                return "wait", flight
            flight = self.in_flight[key] = Flight()
            self.misses += 1
            return "compute", flight

    def _compute(self, key, flight, compute):
        try:
            flight.outcome = compute()
        except ProblemError as problem:
            flight.outcome = problem
            if problem.slug in DETERMINISTIC_PROBLEMS:
                self._store(key, problem)
            elif problem.slug in BRIEF_PROBLEMS_TTL_S:
                self._store(key, problem, ttl=BRIEF_PROBLEMS_TTL_S[problem.slug])
            raise
        except BaseException as error:          # waiters must not wait forever
            flight.outcome = error
            raise
        else:
            self._store(key, flight.outcome)
            return flight.outcome
        finally:
            with self.lock:
                del self.in_flight[key]
            flight.done.set()

    @staticmethod
    def _unpack(entry):
        if isinstance(entry, ProblemError):
            raise ProblemError.from_dict(entry.to_dict())    # a fresh one per request
        if isinstance(entry, BaseException):
            raise RuntimeError("the request computing this result failed") from entry
        return entry

    def _store(self, key, value, ttl=None):
        size = size_of(value.to_dict() if isinstance(value, ProblemError) else value)
        if size > self.max_bytes // 4:                # one entry never takes the whole cache
            return
        with self.lock:
            expiry = self.clock() + ttl if ttl else float("inf")
            self.entries[key] = (value, size, expiry)
            self.bytes += size
            while self.bytes > self.max_bytes:
                self._evict(next(iter(self.entries)))

    def _evict(self, key):
        _, size, _ = self.entries.pop(key)
        self.bytes -= size

    def clear(self):
        """Forget every kept result and the hit counts (results being computed finish as
        usual): a fresh cache for a test, or for a new configuration."""
        with self.lock:
            self.entries.clear()
            self.bytes = 0
            self.hits = self.misses = 0


results = ResultCache(64 * 1024 * 1024)      # the process's cache; create_app sets its size
