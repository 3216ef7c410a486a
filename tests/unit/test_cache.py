"""The result cache: bounded by bytes, least recently used out first, one computation for
identical concurrent misses, deterministic problems kept, a CPU-budget stop kept briefly."""
import threading
import time

import pytest

from webapp.pipeline.cache import ResultCache
from webapp.core.errors import (ExportTooLarge, LimitExceeded, NotDrawable, ProblemError,
                                RunFailed, StarvedOfTime, TimeLimit)


def test_hits_do_not_compute_again():
    cache, calls = ResultCache(1_000), []
    for _ in range(3):
        assert cache.get_or_compute("k", lambda: calls.append(1) or "value") == "value"
    assert len(calls) == 1 and (cache.hits, cache.misses) == (2, 1)


def test_bounded_by_bytes_least_recently_used_first():
    cache = ResultCache(1_000)
    for key in "abcd":
        cache.get_or_compute(key, lambda: "x" * 240)
    cache.get_or_compute("a", lambda: pytest.fail("a was evicted"))     # a is now recent
    cache.get_or_compute("e", lambda: "x" * 240)
    assert cache.bytes <= 1_000
    assert "b" not in cache.entries and {"a", "e"} <= set(cache.entries)


def test_an_entry_larger_than_a_quarter_is_not_kept():
    cache = ResultCache(1_000)
    cache.get_or_compute("big", lambda: "x" * 300)
    assert cache.entries == {} and cache.bytes == 0


def test_identical_concurrent_misses_compute_once():
    cache, calls, started = ResultCache(10_000), [], threading.Event()

    def slow():
        calls.append(1)
        started.set()
        time.sleep(0.3)
        return {"graph": "done"}
    results = []
    threads = [threading.Thread(target=lambda: results.append(cache.get_or_compute("k", slow)))
               for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1 and results == [{"graph": "done"}] * 20


def test_deterministic_problems_are_cached_and_raised_again():
    cache, calls = ResultCache(10_000), []

    def failing():
        calls.append(1)
        raise RunFailed("Only Tensors of floating point ...", line=1, column=5)
    for _ in range(2):
        with pytest.raises(RunFailed) as raised:
            cache.get_or_compute("k", failing)
        assert raised.value.line == 1
    assert len(calls) == 1


def test_load_dependent_problems_are_not_cached():
    from webapp.core.errors import Busy
    cache, calls = ResultCache(10_000), []

    def busy():
        calls.append(1)
        raise Busy("Too many programs are running right now.")
    for _ in range(2):
        with pytest.raises(Busy):
            cache.get_or_compute("k", busy)
    assert len(calls) == 2 and not cache.entries


def test_waiters_share_a_load_dependent_failure_and_later_requests_compute_again():
    cache, outcomes, first_running = ResultCache(10_000), [], threading.Event()

    def first():
        first_running.set()
        time.sleep(0.2)
        raise LimitExceeded("busy machine")

    def wait_for_it():
        try:
            cache.get_or_compute("k", lambda: "never")
        except LimitExceeded as problem:
            outcomes.append(problem.detail)
    thread = threading.Thread(target=lambda: pytest.raises(LimitExceeded, cache.get_or_compute,
                                                           "k", first))
    thread.start()
    first_running.wait()
    waiter = threading.Thread(target=wait_for_it)
    waiter.start()
    thread.join()
    waiter.join()
    assert outcomes == ["busy machine"]
    assert cache.get_or_compute("k", lambda: "later") == "later"


def counted(problem, calls):
    """A computation that records its call and raises `problem`."""
    def compute():
        calls.append(1)
        raise problem
    return compute


def test_a_stop_by_the_cpu_budget_is_kept_only_briefly():
    from webapp.pipeline import cache as cache_module
    from webapp.sandbox.protocol import OUT_OF_CPU_TIME
    calls, now = [], [1000.0]
    cache = ResultCache(10_000, clock=lambda: now[0])
    stopped = counted(ProblemError.from_dict(OUT_OF_CPU_TIME["problem"]), calls)
    for _ in range(3):                   # a rush of the same runaway loop: one child
        with pytest.raises(TimeLimit):
            cache.get_or_compute("loop", stopped)
    assert len(calls) == 1
    now[0] += cache_module.BRIEF_PROBLEMS_TTL_S["time-limit"] - 1
    with pytest.raises(TimeLimit):
        cache.get_or_compute("loop", stopped)
    assert len(calls) == 1
    now[0] += 2                          # past the TTL: a program near the limit may fit now
    with pytest.raises(TimeLimit):
        cache.get_or_compute("loop", stopped)
    assert len(calls) == 2


def test_a_program_the_server_was_too_busy_to_finish_is_not_kept():
    from webapp.sandbox.protocol import starved
    cache, calls = ResultCache(10_000), []
    stopped = counted(ProblemError.from_dict(starved(0.4)["problem"]), calls)
    for _ in range(3):
        with pytest.raises(StarvedOfTime):
            cache.get_or_compute("loop", stopped)
    assert len(calls) == 3 and cache.entries == {}


def test_other_limits_are_not_kept():
    cache, calls = ResultCache(10_000), []
    for _ in range(2):
        with pytest.raises(LimitExceeded):
            cache.get_or_compute("memory", counted(LimitExceeded("out of memory"), calls))
    assert len(calls) == 2


@pytest.mark.parametrize("problem", [NotDrawable("the layout took too long"),
                                     ExportTooLarge("the GIF would take too long")])
def test_a_drawing_that_could_not_be_made_is_kept_briefly(problem):
    from webapp.pipeline import cache as cache_module
    calls, now = [], [1000.0]
    cache = ResultCache(10_000, clock=lambda: now[0])
    for _ in range(3):                   # a rush of the same dense graph: one layout
        with pytest.raises(NotDrawable):
            cache.get_or_compute("dense", counted(problem, calls))
    assert len(calls) == 1
    now[0] += cache_module.BRIEF_PROBLEMS_TTL_S[problem.slug] + 1
    with pytest.raises(NotDrawable):
        cache.get_or_compute("dense", counted(problem, calls))
    assert len(calls) == 2


def test_waiters_compute_for_themselves_when_the_computing_client_went_away(monkeypatch):
    from tests.support.waiting import watch_waiters
    from webapp.core.errors import ClientGone
    waiting = watch_waiters(monkeypatch)
    results = ResultCache(1 << 20)
    started, release = threading.Event(), threading.Event()
    outcomes = []

    def cancelled():
        started.set()
        release.wait(10)
        raise ClientGone("gone")

    first = threading.Thread(target=lambda: outcomes.append(
        pytest.raises(ClientGone, results.get_or_compute, "key", cancelled)))
    first.start()
    started.wait(10)
    second = threading.Thread(target=lambda: outcomes.append(
        results.get_or_compute("key", lambda: "drawn")))
    second.start()
    assert waiting.wait(10)            # the second waits for the first's flight
    release.set()
    first.join(10)
    second.join(10)
    assert "drawn" in outcomes and results.get_or_compute("key", lambda: "again") == "drawn"
