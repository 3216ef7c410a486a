"""A short lecture hall against gunicorn (the full one: `benchmarks/load.py`, 100 students for
60 s). Loopback only, bounded in time, stops by itself."""
import sys

import pytest

from tests.support.paths import REPO

sys.path.insert(0, str(REPO / "benchmarks"))
import load  # noqa: E402  (benchmarks/ is not a package)

pytestmark = pytest.mark.slow


def test_a_short_lecture_hall_loses_nothing():
    report = load.run(students=40, seconds=20)
    assert report["requests"] > 100, report
    assert report["normal_lost"] == 0, report
    assert report["normal_failed_cleanly"] == report["normal_still_busy_after_3_retries"], report
    assert report["hostile_not_4xx"] == 0, report
    assert report["healthy_after"] and report["leftover_processes"] == 0, report


def test_killed_children_and_a_killed_worker_fail_cleanly_and_the_server_recovers():
    report = load.run(students=30, seconds=20, faults=True)
    assert "child" in report["faults"] and "worker" in report["faults"], report
    assert report["normal_lost"] == 0, report
    assert report["healthy_after"] and report["leftover_processes"] == 0, report
