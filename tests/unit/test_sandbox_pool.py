"""The fork server's warm pool (webapp/sandbox/server.py), its policy alone: which spare a
request gets and when a spare is forked, on a server object with no socket and no children
(`fork_spare` records instead of forking)."""
import types

import pytest

from webapp.sandbox import server as server_module
from webapp.sandbox.server import SPARE_CHILDREN, ForkServer


@pytest.fixture
def pool(monkeypatch):
    """A ForkServer with its state only; `pool.forked` counts the forks it asked for."""
    monkeypatch.setattr(server_module, "CORES", 2)
    pool = ForkServer.__new__(ForkServer)
    pool.spares, pool.running, pool.queue, pool.forked = {}, {}, [], 0

    def fork_spare():
        pool.forked += 1
        pool.spares[1000 + pool.forked] = [None, False]
    pool.fork_spare = fork_spare
    return pool


def test_a_request_gets_a_warmed_spare_before_an_older_one_still_warming_up(pool):
    pool.spares = {11: [None, False], 12: [None, True]}
    assert pool.spare_for_work() == 12 and pool.forked == 0


def test_a_request_waits_for_a_spare_warming_up_rather_than_a_cold_fork(pool):
    pool.spares = {11: [None, False]}
    assert pool.spare_for_work() is None and pool.forked == 0


def test_with_no_spare_left_a_request_gets_a_new_one(pool):
    assert pool.spare_for_work() == 1001 and pool.forked == 1


def test_the_pool_is_replenished_beside_a_child_at_work(pool):
    pool.running = {7: types.SimpleNamespace(demoted=False)}      # a child in its slot
    pool.spares = {12: [None, True]}
    pool.replenish()
    assert pool.forked == 1


def test_no_fork_while_every_core_is_busy(pool):
    pool.running = {7: types.SimpleNamespace(demoted=False)}      # a child in its slot
    pool.spares = {12: [None, True], 13: [None, False]}    # one at work, one warming up
    pool.replenish()
    assert pool.forked == 0


def test_an_idle_server_fills_its_pool_one_fork_per_round(pool):
    for round_number in range(1, SPARE_CHILDREN + 2):
        pool.replenish()
        assert pool.forked == min(round_number, SPARE_CHILDREN)
        for spare in pool.spares.values():
            spare[1] = True                               # warmed up by the next round
