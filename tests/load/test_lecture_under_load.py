"""The lecture's gradient descent (10,001 steps, ../shared/lecture_examples.json) over HTTP
against gunicorn while other students' requests keep the machine busy: 200 in 20 of 20 runs,
and the final x is plain PyTorch's. Loopback only, bounded (20 runs, a few load threads that
stop with them); each run is a cache miss (a fresh comment)."""
import sys
import threading
import time

import pytest
import requests

from tests.support.descent import lecture_descent_final_x
from tests.support.paths import REPO

sys.path.insert(0, str(REPO / "benchmarks"))
import load  # noqa: E402  (benchmarks/ is not a package)

pytestmark = pytest.mark.slow

RUNS = 20
LOAD_THREADS = 3
TIMEOUT_S = 60


class Load:
    """LOAD_THREADS students posting the other lecture programs (each a cache miss) until
    stopped; `statuses` counts their answers."""

    def __init__(self, base):
        self.base, self.stopping, self.statuses = base, threading.Event(), {}
        self.threads = [threading.Thread(target=self.student, args=(n,))
                        for n in range(LOAD_THREADS)]

    def student(self, number):
        for run in range(10**6):
            if self.stopping.is_set():
                return
            example = load.EXAMPLES[run % len(load.EXAMPLES)]
            source = f"{example['source']}\n# load {number} {run}\n"
            try:
                status = requests.post(f"{self.base}/api/graph", json={"source": source},
                                       timeout=TIMEOUT_S).status_code
            except requests.RequestException:
                status = "no answer"
            self.statuses[status] = self.statuses.get(status, 0) + 1

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_):
        self.stopping.set()
        for thread in self.threads:
            thread.join(TIMEOUT_S)


class CpuSampler:
    """The processor time each evaluation child of `server` has used, sampled every 20 ms:
    `peaks()` lists the children that used more than `threshold_s`, oldest first."""

    def __init__(self, server, threshold_s=0.5):
        self.server, self.threshold_s = server, threshold_s
        self.seen, self.stopping = {}, threading.Event()
        self.thread = threading.Thread(target=self.sample)

    def sample(self):
        from webapp.sandbox.child import cpu_seconds
        while not self.stopping.wait(0.02):
            for pid in self.server.evaluation_children():
                self.seen[pid] = max(self.seen.get(pid, 0.0), cpu_seconds(pid))

    def peaks(self):
        return [round(cpu, 2) for _, cpu in sorted(self.seen.items()) if cpu > self.threshold_s]

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *_):
        self.stopping.set()
        self.thread.join()


def test_the_lecture_descent_answers_every_time_under_load(lecture_examples):
    source = next(e["source"] for e in lecture_examples if e["id"] == "gradient_descent")
    expected = lecture_descent_final_x(10001)
    server = load.Server(workers=2)
    outcomes = []
    try:
        with CpuSampler(server) as sampler, Load(server.base) as students:
            for run in range(RUNS):
                started = time.monotonic()
                answer = requests.post(f"{server.base}/api/graph", timeout=TIMEOUT_S,
                                       json={"source": f"{source}\n# lecture run {run}\n"})
                body = answer.json()
                outcomes.append((answer.status_code, round(time.monotonic() - started, 2),
                                 body.get("variables", {}).get("x", {}).get("value"),
                                 body.get("detail")))
    finally:
        server.stop()
    report = (f"runs (status, wall s, final x, problem): {outcomes}; child CPU s: "
              f"{sampler.peaks()}; load answers: {students.statuses}")
    print(report)
    assert [status for status, *_ in outcomes] == [200] * RUNS, report
    assert all(x == expected for _, _, x, _ in outcomes), (expected, report)
    assert sum(students.statuses.values()) > RUNS, report         # the load did run beside it
