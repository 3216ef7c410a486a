"""Waiting for what a test cannot be told of: a condition polled until it holds (a process
started, a file gone), and, without sleeping, a request waiting on an identical one in the
result cache (webapp/pipeline/cache.py: its Flight's `done` event is watched)."""
import threading
import time

from webapp.pipeline import cache as cache_module


def watch_waiters(monkeypatch):
    """An Event that is set as soon as any request waits for another's result."""
    waiting = threading.Event()

    class WatchedEvent(threading.Event):
        def wait(self, timeout=None):
            waiting.set()
            return super().wait(timeout)

    class WatchedFlight(cache_module.Flight):
        def __init__(self):
            super().__init__()
            self.done = WatchedEvent()
    monkeypatch.setattr(cache_module, "Flight", WatchedFlight)
    return waiting


def wait_for(condition, patience_s=60.0, period_s=0.05):
    """Return once `condition()` is true; fail the test if it is not within `patience_s` (a
    bound for a hung test, generous enough for a loaded machine)."""
    deadline = time.monotonic() + patience_s
    while not condition():
        assert time.monotonic() < deadline, f"not within {patience_s:g} s"
        time.sleep(period_s)
