"""One rate-limit count per client for the machine, however many workers serve it
(webapp/web/counters.py, gunicorn.conf.py), and with AUTOGRAD_RATE_LIMIT_STORAGE=redis://...
for every machine, against a real Redis server started by the test."""
import glob
import os
import sys
import tempfile

import pytest
import redis
import requests

from tests.support.paths import REPO
from tests.support.redis_server import redis_server
from webapp import create_app

sys.path.insert(0, str(REPO / "benchmarks"))
import load  # noqa: E402  (benchmarks/ is not a package)

PROGRAM = "x = torch.tensor(2.0, requires_grad=True)\ny = x * x\n"
LIMIT = 5


def statuses_through(apps, count):
    """Statuses of `count` evaluations sent in turn to each of `apps` (the workers)."""
    clients = [app.test_client() for app in apps]
    return [clients[n % len(clients)].post("/api/graph", json={"source": PROGRAM}).status_code
            for n in range(count)]


def workers_on(storage):
    return [create_app({"TESTING": True, "AUTOGRAD_RATE_LIMIT": f"{LIMIT} per minute",
                        "AUTOGRAD_RATE_LIMIT_STORAGE": storage}) for _ in range(2)]


@pytest.fixture
def redis_url(tmp_path):
    with redis_server(tmp_path) as url:
        yield url


def test_two_workers_on_one_counter_file_share_one_limit(tmp_path):
    statuses = statuses_through(workers_on(f"sqlite://{tmp_path}/counters.sqlite3"), 12)
    assert statuses == [200] * LIMIT + [429] * (12 - LIMIT)


def test_two_workers_on_one_redis_share_one_limit(redis_url):
    statuses = statuses_through(workers_on(redis_url), 12)
    assert statuses == [200] * LIMIT + [429] * (12 - LIMIT)
    assert redis.Redis.from_url(redis_url).keys("LIMITS:*"), "nothing was counted in Redis"


def test_memory_counts_per_worker_which_is_why_it_is_not_the_default():
    assert statuses_through(workers_on("memory://"), 12).count(200) == 2 * LIMIT


def test_a_window_that_ended_starts_again(tmp_path):
    from webapp.web.counters import SQLiteStorage
    storage = SQLiteStorage(f"sqlite://{tmp_path}/c.sqlite3")
    assert [storage.incr("k", 60) for _ in range(3)] == [1, 2, 3]
    assert storage.incr("short", 0) == 1 and storage.incr("short", 0) == 1   # ended at once
    assert storage.get("k") == 3 and storage.get("short") == 0
    storage.clear("k")
    assert storage.get("k") == 0 and storage.check()


def hits_over_fresh_connections(base, count):
    statuses = []
    for _ in range(count):
        with requests.Session() as session:        # a new connection: any worker may take it
            statuses.append(session.post(f"{base}/api/graph", json={"source": PROGRAM},
                                         timeout=30, headers={"Connection": "close"}
                                         ).status_code)
    return statuses


@pytest.mark.slow
def test_gunicorns_workers_count_one_limit_and_the_file_goes_with_the_server():
    before = set(glob.glob(os.path.join(tempfile.gettempdir(), "autograd-limits-*")))
    server = load.Server(workers=3, env={"AUTOGRAD_RATE_LIMIT": f"{LIMIT} per minute",
                                         "AUTOGRAD_RATE_LIMIT_STORAGE": ""})
    try:
        made = set(glob.glob(os.path.join(tempfile.gettempdir(), "autograd-limits-*"))) - before
        statuses = hits_over_fresh_connections(server.base, 4 * LIMIT)
    finally:
        server.stop()
    assert statuses.count(200) == LIMIT and statuses.count(429) == 3 * LIMIT, statuses
    assert len(made) == 1 and not any(os.path.exists(folder) for folder in made)


@pytest.mark.slow
def test_gunicorn_with_redis_counts_one_limit(redis_url):
    server = load.Server(workers=3, env={"AUTOGRAD_RATE_LIMIT": f"{LIMIT} per minute",
                                         "AUTOGRAD_RATE_LIMIT_STORAGE": redis_url})
    try:
        statuses = hits_over_fresh_connections(server.base, 4 * LIMIT)
    finally:
        server.stop()
    assert statuses.count(200) == LIMIT and statuses.count(429) == 3 * LIMIT, statuses
    assert redis.Redis.from_url(redis_url).keys("LIMITS:*")
