"""The must-show load runs of issue 14, short versions against gunicorn (full ones:
benchmarks/load.py, figures in benchmarks/README.md). Loopback only, bounded in count and time,
they stop by themselves. Timing is reported, not asserted (the machine is shared).

The burst: 60 students behind a proxy (each its own X-Forwarded-For, AUTOGRAD_TRUSTED_PROXIES=1,
the app's own rate limits and shares), all pressing Run at once, then thinking 1-4 s, one
request in ten hostile, for 30 s: every normal request answered 200 on its first try."""
import json
import sys

import pytest

from tests.support.paths import REPO

sys.path.insert(0, str(REPO / "benchmarks"))
import load  # noqa: E402  (benchmarks/ is not a package)

pytestmark = pytest.mark.slow


def test_a_lecture_hall_at_once_gets_200_on_every_first_try():
    report = load.run(students=60, seconds=30, think=(1.0, 4.0), proxy=True, at_once=True)
    print(json.dumps({k: report[k] for k in ("requests", "normal_first_try_statuses",
                                             "latency_normal", "latency_misses (fresh)")}))
    assert report["requests"] > 200, report
    assert report["normal_not_200_first_try"] == 0, report
    assert report["normal_lost"] == 0 and report["hostile_not_4xx"] == 0, report
    assert report["healthy_after"] and report["leftover_processes"] == 0, report
