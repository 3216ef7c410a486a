"""Knowing, without sleeping, that a request is waiting on an identical one in the result
cache (webapp/pipeline/cache.py): its Flight's `done` event is watched."""
import threading

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
