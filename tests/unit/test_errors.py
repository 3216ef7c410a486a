"""The error family (webapp/core/errors.py): every ProblemError subclass is registered by its
slug and comes back as itself (class, status, slug, title, detail, line/column, Retry-After)
from its dict, from the JSON the fork server sends, and from the result cache when a request
waited on an identical one."""
import json
import socket
import threading

import pytest

from tests.support.waiting import watch_waiters
from webapp.core import limits
from webapp.core.errors import (Busy, HTTPProblem, LimitExceeded, ProblemError,
                                SandboxUnavailable, StarvedOfTime, TimeLimit)
from webapp.pipeline import cache as cache_module
from webapp.pipeline.cache import RETRIED_PROBLEMS
from webapp.sandbox import protocol

CLASSES = sorted(ProblemError.registry.values(), key=lambda cls: cls.slug)


def example(cls):
    """An instance of `cls` with every field set that it can carry."""
    if cls is HTTPProblem:
        return HTTPProblem("No such method here.", status=405, title="Method Not Allowed",
                           line=2, column=5)
    return cls(f"What went wrong ({cls.slug}).", line=2, column=5)


def same_problem(restored, original):
    assert type(restored) is type(original)
    assert restored.to_dict() == original.to_dict()
    assert (restored.status, restored.slug, restored.title, restored.detail, restored.line,
            restored.column, restored.retry_after) == (
        original.status, original.slug, original.title, original.detail, original.line,
        original.column, original.retry_after)


def test_the_registry_holds_every_subclass():
    def subclasses(cls):
        for subclass in cls.__subclasses__():
            yield subclass
            yield from subclasses(subclass)
    assert set(subclasses(ProblemError)) == set(CLASSES)
    assert {"export-too-large", "sandbox-unavailable", "rate-limited", "http-error",
            "internal-error"} <= set(ProblemError.registry)


def test_a_second_class_with_a_taken_slug_is_refused():
    with pytest.raises(AssertionError, match="taken"):
        class AnotherBusy(ProblemError):      # noqa: F841 (never created)
            slug = "busy"
    assert ProblemError.registry["busy"] is Busy


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.slug)
def test_round_trip_through_a_dict(cls):
    original = example(cls)
    same_problem(ProblemError.from_dict(original.to_dict()), original)


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.slug)
def test_round_trip_through_the_sandbox_protocol(cls):
    original = example(cls)
    ours, theirs = socket.socketpair()
    with ours, theirs:
        protocol.send_message(theirs, {"problem": original.to_dict()})
        answer = protocol.receive_message(ours)
    same_problem(ProblemError.from_dict(answer["problem"]), original)


# A client that left is its own request's outcome: the waiters compute for themselves
# (tests/unit/test_cache.py).
@pytest.mark.parametrize("cls", [cls for cls in CLASSES if cls.slug not in RETRIED_PROBLEMS],
                         ids=lambda cls: cls.slug)
def test_a_request_waiting_on_an_identical_one_gets_the_same_problem(cls, monkeypatch):
    original = example(cls)
    results = ResultsOfTwo(monkeypatch)
    results.run(lambda cache: cache.get_or_compute("key", results.blocked(original)))
    first, second = results.raised
    assert first is original
    same_problem(second, original)
    assert results.computed == 1


class ResultsOfTwo:
    """Two threads ask a fresh ResultCache for one key; the first one's compute is held until
    the second is waiting for it (cache.Flight is watched for that)."""

    def __init__(self, monkeypatch):
        self.started = threading.Event()
        self.computed, self.raised = 0, [None, None]
        self.waiting = watch_waiters(monkeypatch)

    def blocked(self, problem):
        def compute():
            self.computed += 1
            self.started.set()
            assert self.waiting.wait(30), "the second request never waited"
            raise problem
        return compute

    def run(self, ask):
        cache = cache_module.ResultCache(100_000)

        def request(index):
            try:
                ask(cache)
            except ProblemError as problem:
                self.raised[index] = problem
        threads = [threading.Thread(target=request, args=(index,)) for index in (0, 1)]
        threads[0].start()
        assert self.started.wait(30)
        threads[1].start()
        for thread in threads:
            thread.join(60)


@pytest.mark.parametrize("cls", [Busy, SandboxUnavailable, HTTPProblem],
                         ids=lambda cls: cls.slug)
def test_retry_after_is_the_classes_and_may_be_set_per_problem(cls):
    fields = {"status": 503, "title": "Service Unavailable"} if cls is HTTPProblem else {}
    assert cls("wait", **fields).retry_after == limits.RETRY_AFTER_S
    later = cls("wait", extra={"retry_after": 7}, **fields)
    assert later.to_dict()["retry_after"] == 7
    assert ProblemError.from_dict(later.to_dict()).retry_after == 7


def test_only_the_come_back_problems_carry_retry_after():
    asking = {cls.slug for cls in CLASSES if example(cls).retry_after is not None}
    assert asking == {"busy", "server-too-busy", "sandbox-unavailable", "rate-limited",
                      "processor-share-spent", "drawing-interrupted"}


@pytest.mark.parametrize("answer, cls, detail", [
    (protocol.BUSY, Busy, "Too many programs are running right now; try again in a moment."),
    (protocol.OUT_OF_CPU_TIME, TimeLimit,
     f"The program used {limits.CPU_TIME_LIMIT_S:g} s of processor time, the limit for one run, "
     "and was stopped: it loops for too long or does too much work. Make the loop shorter or "
     "the tensors smaller."),
    (protocol.starved(1.3), StarvedOfTime,
     f"The server was too busy to finish the program: after "
     f"{limits.WALL_CLOCK_BACKSTOP_S:g} s it had had only 1.3 s of the "
     f"{limits.CPU_TIME_LIMIT_S:g} s of processor time a run may use. Try again in a moment."),
    (protocol.KILLED, LimitExceeded,
     "The program was stopped by a resource limit (memory or CPU time)."),
])
def test_the_fork_servers_own_answers_are_problems_of_the_family(answer, cls, detail):
    problem = ProblemError.from_dict(json.loads(json.dumps(answer))["problem"])
    assert type(problem) is cls and problem.detail == detail
    assert problem.to_dict() == answer["problem"]
