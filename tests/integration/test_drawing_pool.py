"""The drawing pool (webapp/pool): heavy drawings in bounded processes, never torch, each job
stopped at its named limit with a 422 (or a 503 when its process is lost), the process
replaced, and the web side's own processor time and memory small. Limits are lowered here so
that a modest drawing passes them (the real figures: benchmarks/bench_pool.py)."""
import contextvars
import os
import resource
import signal
import socket
import threading
import time
import tracemalloc

import pytest

from tests.support.documents import document_of
from webapp.core.errors import Busy, ClientGone, DrawingInterrupted, DrawingLimit
from webapp.pool import jobs
from webapp.pool.supervisor import DrawingPool, client_connection

SMALL = "x = torch.tensor(2.0, requires_grad=True)\ny = x * x + 1\ny.backward()\n"
HUNDRED_NODES = ("x = torch.tensor(0.5, requires_grad=True)\ny = x\n"  # 97 nodes: drawn whole
                 "for i in range(24):\n    y = torch.sin(y) * x + 1\ny.backward()\n")
# 300 nodes, 588 edges: dot needs seconds for it.
DENSE = ("x = torch.tensor(0.5, requires_grad=True)\nys = [x * (i + 1) for i in range(40)]\n"
         "z = sum(a * b for a in ys[:12] for b in ys[:12])\nz.backward()\n")
WEB_CPU_S = 2.0                       # the web side's share of one request, at most
WEB_MEMORY_BYTES = 256 * 1024 * 1024


@pytest.fixture(scope="module")
def documents():
    return {name: document_of(source, seed=0)
            for name, source in (("small", SMALL), ("hundred", HUNDRED_NODES), ("dense", DENSE))}


@pytest.fixture
def make_pool():
    pools = []

    def make(size=1, **limits):
        pool = DrawingPool(size, **limits)
        pools.append(pool)
        pool.start()
        return pool
    yield make
    for pool in pools:
        pool.stop()


def web_side(work):
    """(outcome, CPU seconds of this thread, peak bytes Python allocated) of `work()`."""
    tracemalloc.start()
    before = resource.getrusage(resource.RUSAGE_THREAD)
    try:
        outcome = work()
    except Exception as error:             # the problem is the outcome under test
        outcome = error
    after = resource.getrusage(resource.RUSAGE_THREAD)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return outcome, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, peak


def maps_of(pid):
    with open(f"/proc/{pid}/maps") as maps:
        return maps.read()


def test_pool_processes_draw_what_the_request_thread_drew_and_import_no_torch(make_pool,
                                                                             documents):
    pool = make_pool(2)
    doc = documents["small"]
    assert pool.run("svg", doc, {"lang": "ja"}).startswith("<svg")
    assert pool.run("graph-json", doc) == jobs.graph_json(doc)
    assert pool.run("export", doc, "png", {"scale": 2.0})[:8] == b"\x89PNG\r\n\x1a\n"
    for pid in pool.pids():
        assert "torch" not in maps_of(pid) and "cairo" in maps_of(pid)


@pytest.mark.parametrize("limits, job, limit_name", [
    # A GIF of 100 nodes at scale 2 takes seconds of processor.
    ({"cpu_limit_s": 1}, ("export", "hundred", "gif", {"scale": 2.0}), "RENDER_CPU_LIMIT_S"),
    # A PNG at scale 4 is ~20 megapixels: 80 MB of pixels.
    ({"memory_bytes": 48 * 1024 * 1024}, ("export", "hundred", "png", {"scale": 4.0}),
     "RENDER_MEMORY_BYTES"),
    # The same GIF against the clock (a dense graph's layout no longer takes long: past dot's
    # budget it is laid out in Python, render/layered.py).
    ({"wall_limit_s": 0.5}, ("export", "hundred", "gif", {"scale": 2.0}), "RENDER_WALL_LIMIT_S"),
])
def test_each_limit_is_a_422_naming_it_and_costs_the_web_side_little(make_pool, documents,
                                                                     limits, job, limit_name):
    pool = make_pool(1, **limits)
    [first] = pool.pids()
    name, doc, *args = job
    outcome, cpu_s, peak = web_side(lambda: pool.run(name, documents[doc], *args))
    assert isinstance(outcome, DrawingLimit), outcome
    problem = outcome.to_dict("ja")
    assert problem["status"] == 422 and problem["limit"] == limit_name
    assert limit_name in problem["detail"] and "上限" in problem["detail"]
    assert limit_name in outcome.to_dict("en")["detail"]
    assert cpu_s < WEB_CPU_S and peak < WEB_MEMORY_BYTES, (cpu_s, peak)
    assert pool.pids() != [first] and not os.path.exists(f"/proc/{first}")   # replaced, reaped
    assert pool.run("svg", documents["small"], {}).startswith("<svg")


def in_background(work):
    """A started thread running `work()` in a copy of this context; its outcome in `.result`."""
    holder = {}

    def run():
        try:
            holder["result"] = work()
        except Exception as error:
            holder["result"] = error
    thread = threading.Thread(target=contextvars.copy_context().run, args=(run,))
    thread.holder = holder
    thread.start()
    return thread


def busy_pids(pool, all_pids, timeout_s=10):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        busy = set(all_pids) - set(pool.pids())
        if busy:
            return busy
        time.sleep(0.01)
    raise AssertionError("no job started")


def test_a_killed_pool_process_is_a_503_for_its_job_only_and_is_replaced(make_pool, documents):
    pool = make_pool(2)
    everyone = pool.pids()
    gif = in_background(lambda: pool.run("export", documents["hundred"], "gif", {"scale": 2.0}))
    [victim] = busy_pids(pool, everyone)
    svg = in_background(lambda: pool.run("svg", documents["dense"], {}))
    time.sleep(0.2)
    os.kill(victim, signal.SIGKILL)
    gif.join(60)
    svg.join(60)
    assert isinstance(gif.holder["result"], DrawingInterrupted), gif.holder["result"]
    assert gif.holder["result"].to_dict()["status"] == 503
    assert gif.holder["result"].retry_after is not None
    assert svg.holder["result"].startswith("<svg")        # the other process's job went on
    assert victim not in pool.pids() and len(pool.pids()) == 2
    assert pool.run("svg", documents["small"], {}).startswith("<svg")


def test_a_full_pool_answers_busy(make_pool, documents):
    pool = make_pool(1, queue_wait_s=0.2)
    everyone = pool.pids()
    long_job = in_background(lambda: pool.run("export", documents["hundred"], "gif",
                                              {"scale": 2.0}))  # seconds of processor
    busy_pids(pool, everyone)
    with pytest.raises(Busy) as raised:
        pool.run("svg", documents["small"], {})
    assert raised.value.to_dict()["status"] == 503 and "RENDER_QUEUE_WAIT_S" in str(raised.value)
    long_job.join(60)
    result = long_job.holder["result"]     # a GIF, or stopped at its own limit on a slow day
    assert isinstance(result, DrawingLimit) or result[:6] == b"GIF89a", result


def test_a_job_is_cancelled_when_its_client_closes_the_connection(make_pool, documents):
    pool = make_pool(1)
    everyone = pool.pids()
    ours, clients = socket.socketpair()
    client_connection.set(ours)
    try:
        job = in_background(lambda: pool.run("export", documents["hundred"], "gif",
                                             {"scale": 2.0}))
        [victim] = busy_pids(pool, everyone)
        clients.close()
        job.join(10)
    finally:
        client_connection.set(None)
        ours.close()
    assert not job.is_alive() and isinstance(job.holder["result"], ClientGone)
    assert victim not in pool.pids() and not os.path.exists(f"/proc/{victim}")


def test_a_request_waiting_for_a_free_process_stops_waiting_when_its_client_leaves(make_pool,
                                                                                  documents):
    pool = make_pool(1)
    everyone = pool.pids()
    long_job = in_background(lambda: pool.run("export", documents["hundred"], "gif",
                                              {"scale": 2.0}))  # seconds of processor
    busy_pids(pool, everyone)
    ours, clients = socket.socketpair()
    clients.close()                       # the waiting request's client has already left
    client_connection.set(ours)
    try:
        with pytest.raises(ClientGone):
            pool.run("svg", documents["small"], {})
    finally:
        client_connection.set(None)
        ours.close()
    assert long_job.is_alive()            # it gave up its place without waiting its turn
    long_job.join(60)
    result = long_job.holder["result"]     # a GIF, or stopped at its own limit on a slow day
    assert isinstance(result, DrawingLimit) or result[:6] == b"GIF89a", result


def test_a_job_abandoned_by_its_thread_never_answers_the_next_one(make_pool, documents,
                                                                 monkeypatch):
    from webapp.pool import supervisor
    pool = make_pool(1)
    real_wait = supervisor.multiprocessing.connection.wait

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt           # e.g. the worker told to stop while it waits
    monkeypatch.setattr(supervisor.multiprocessing.connection, "wait", interrupted)
    with pytest.raises(KeyboardInterrupt):
        pool.run("graph-json", documents["dense"])
    monkeypatch.setattr(supervisor.multiprocessing.connection, "wait", real_wait)
    assert pool.run("svg", documents["small"], {}).startswith("<svg")
