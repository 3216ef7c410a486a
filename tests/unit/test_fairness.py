"""The fork server's fair sharing (webapp/sandbox/fairness.py), with a clock of our own: clients
in turn, each within its share of processor time, admitted by their estimated wait."""
import pytest

from webapp.core import limits
from webapp.sandbox.fairness import FIRST_GUESS_S, FairQueue


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock():
    return Clock()


def test_clients_are_served_in_turn_whatever_they_sent(clock):
    queue = FairQueue(share_s=15, slots=1, clock=clock)
    for n in range(4):
        queue.push("loops", f"loop {n}")
    queue.push("alice", "a1")
    queue.push("bob", "b1")
    queue.push("alice", "a2")
    order = [queue.pop()[1] for _ in range(len(queue))]
    assert order == ["loop 0", "a1", "b1", "loop 1", "a2", "loop 2", "loop 3"]


def test_the_client_that_used_the_least_processor_goes_first(clock):
    queue = FairQueue(share_s=15, slots=1, clock=clock)
    queue.push("loops", "loop 1")
    queue.push("alice", "a1")
    queue.charge("loops", 5.0)                     # its first loop ran meanwhile
    queue.charge("alice", 0.02)
    queue.push("bob", "b1")
    assert [queue.pop()[1] for _ in range(3)] == ["b1", "a1", "loop 1"]


def test_an_item_put_back_is_first_again(clock):
    queue = FairQueue(slots=1, clock=clock)
    queue.push("alice", "a1")
    queue.push("bob", "b1")
    client, item = queue.pop()
    queue.push_front(client, item)
    assert queue.pop() == ("alice", "a1") and queue.pop() == ("bob", "b1") and not queue


def test_a_client_past_its_share_is_refused_until_enough_leaves_the_window(clock):
    queue = FairQueue(share_s=15, slots=1, clock=clock)
    for _ in range(3):
        assert queue.refusal("loops") is None
        queue.charge("loops", 5.0)                 # three runs stopped by the CPU budget
        clock.now += 1
    # spent 15 s at 0, 1, 2 s; now 3 s: below the share once the first run leaves, at 60 s
    assert queue.refusal("loops") == ("share", limits.CLIENT_CPU_WINDOW_S - 3)
    assert queue.refusal("alice") is None          # the others are not slowed
    clock.now += limits.CLIENT_CPU_WINDOW_S - 2    # the first run has left the window
    assert queue.refusal("loops") is None and queue.spent_by("loops") == 10.0


def test_the_wait_counts_an_abusers_loops_once_against_an_honest_student(clock):
    queue = FairQueue(share_s=1000, slots=1, clock=clock)
    for _ in range(3):
        queue.charge("loops", 5.0)
    queue.charge("alice", 0.01)
    for n in range(8):
        queue.push("loops", f"loop {n}")
    # alice's new request waits for one loop (in turn), not for eight
    assert queue.estimated_wait("alice") == pytest.approx(5.0)
    assert queue.refusal("alice") is None
    # the abuser's own ninth waits for its eight: past MAX_QUEUE_WAIT_S, so it is busy
    assert queue.estimated_wait("loops") == pytest.approx(40.0)
    assert queue.refusal("loops") == ("busy", None)


def test_the_evaluations_at_work_count_at_their_clients_cost(clock):
    queue = FairQueue(slots=1, clock=clock)
    queue.charge("loops", 4.0)
    assert queue.estimated_wait("alice", running=["loops"]) == pytest.approx(4.0)
    assert queue.estimated_wait("alice") == 0
    assert queue.usual_cost("nobody") == FIRST_GUESS_S


def test_the_queue_has_a_bound_on_its_length(clock):
    queue = FairQueue(share_s=1000, slots=1, clock=clock)
    for n in range(limits.MAX_QUEUED_EVALUATIONS):
        queue.push(f"student {n}", n)
    assert queue.refusal("one more") == ("busy", None)


def test_waiting_too_long_expires_in_arrival_order(clock):
    queue = FairQueue(slots=1, clock=clock)
    queue.push("alice", "a1")
    clock.now += 1
    queue.push("bob", "b1")
    clock.now += limits.MAX_QUEUE_WAIT_S - 0.5     # a1 has waited 0.5 s too long, b1 not
    assert queue.expired() == ["a1"]
    assert queue.pop() == ("bob", "b1")


def test_idle_clients_are_forgotten_after_a_window(clock):
    queue = FairQueue(clock=clock)
    queue.charge("alice", 1.0)
    clock.now += limits.CLIENT_CPU_WINDOW_S + 1
    assert queue.spent_by("alice") == 0.0 and "alice" not in queue.spent
    assert "alice" not in queue.recent
