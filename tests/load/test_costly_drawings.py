"""The costly drawings of issue 14 against real gunicorn (one worker, gunicorn.conf.py): each
answered inside its limits (200, or 422 naming the limit) while the web worker's own
processor time (its rusage in /proc) and peak memory stay small; parallel 32-megapixel PNGs
queue for the drawing processes instead of filling the worker's memory; a drawing process
killed during a request answers that request 503 and is replaced, and the machine's
evaluation cap (one fork server) stays. Loopback only, bounded."""
import os
import signal
import sys
import threading

import pytest
import requests

from tests.support.costly_programs import CHAIN, DENSE, HUNDRED_NODES, PDF_NEAR_LIMIT
from tests.support.paths import REPO

sys.path.insert(0, str(REPO / "benchmarks"))
import load  # noqa: E402  (benchmarks/ is not a package)
from tests.load.test_drawing_cancellation import (busy_one, cpu_ticks, idle_pool,  # noqa: E402
                                                  pool_processes)

pytestmark = pytest.mark.slow

WEB_CPU_S = 2.0
WEB_MEMORY_BYTES = 256 * 1024 * 1024
COSTLY = [
    ("/api/graph.gif", {"source": HUNDRED_NODES, "scale": "2"}),
    ("/api/graph.png", {"source": CHAIN, "scale": "4"}),
    ("/api/graph.pdf", {"source": PDF_NEAR_LIMIT, "pages": "steps"}),
    ("/api/graph.svg", {"source": DENSE, "lang": "ja"}),
]


def peak_rss(pid):
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmHWM:"))


def fork_servers(server):
    return [pid for pid in server.tree()
            if b"webapp.sandbox.server" in load.read_cmdline(pid).split(b"\0")
            and b"webapp.sandbox.server" not in
            load.read_cmdline(load.parent_of(pid) or 0).split(b"\0")]


@pytest.fixture(scope="module")
def server():
    server = load.Server(workers=1)
    for source in {query["source"] for _, query in COSTLY}:   # the documents, evaluated once
        assert requests.get(f"{server.base}/api/graph.json", params={"source": source},
                            timeout=120).status_code == 200
    yield server
    server.stop()


@pytest.mark.parametrize("path, query", COSTLY, ids=[path for path, _ in COSTLY])
def test_a_costly_drawing_costs_the_web_worker_little(server, path, query):
    [worker] = server.workers()
    ticks, peak = cpu_ticks(worker), peak_rss(worker)
    answer = requests.get(server.base + path, params=query, timeout=120)
    cpu_s = (cpu_ticks(worker) - ticks) / os.sysconf("SC_CLK_TCK")
    grown = peak_rss(worker) - peak
    assert answer.status_code == 200 or (
        answer.status_code == 422 and answer.json()["type"] == "/problems/drawing-limit"), \
        answer.text[:300]
    assert cpu_s <= WEB_CPU_S and grown <= WEB_MEMORY_BYTES, (cpu_s, grown)


def test_parallel_32_megapixel_pngs_wait_for_the_pool_not_in_the_worker(server):
    [worker] = server.workers()
    peak = peak_rss(worker)
    answers = [None] * 4

    def ask(step):
        answers[step] = requests.get(f"{server.base}/api/graph.png", timeout=120,
                                     params={"source": CHAIN, "scale": "4", "step": str(step)})
    threads = [threading.Thread(target=ask, args=(step,)) for step in range(len(answers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    statuses = sorted(answer.status_code for answer in answers)
    assert set(statuses) <= {200, 503, 422} and 200 in statuses, statuses
    assert all(answer.headers.get("Retry-After") for answer in answers
               if answer.status_code == 503)
    assert peak_rss(worker) - peak <= WEB_MEMORY_BYTES


def test_a_pool_process_killed_during_a_request_answers_503_and_is_replaced(server):
    evaluators = fork_servers(server)
    before = idle_pool(server)
    answer = {}
    request = threading.Thread(target=lambda: answer.setdefault("response", requests.get(
        f"{server.base}/api/graph.gif", timeout=120,
        params={"source": HUNDRED_NODES, "scale": "3"})))
    request.start()
    victim = busy_one(server, before)
    os.kill(victim, signal.SIGKILL)
    request.join(60)
    response = answer["response"]
    assert response.status_code == 503 and response.headers.get("Retry-After")
    assert response.json()["type"] == "/problems/drawing-interrupted"
    after = pool_processes(server)
    assert victim not in after and len(after) == 2
    assert fork_servers(server) == evaluators          # the evaluation cap is untouched
    again = requests.get(f"{server.base}/api/graph.svg", timeout=60,
                         params={"source": HUNDRED_NODES})
    assert again.status_code == 200
