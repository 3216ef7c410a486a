"""Shared fixtures: the app and its test client, a live server, the lecture's examples, and
a fresh result cache and layout cache for every test. Browser fixtures: tests/browser."""
import json
import os
import threading

import pytest
from werkzeug.serving import make_server

from tests.support.paths import SHARED
from webapp import create_app
from webapp.pipeline import cache
from webapp.pool import supervisor
from webapp.render import drawing

LOCAL_HOST = "127.0.0.1"
# The whole suite is one client (127.0.0.1) that spends minutes of processor on purpose (time
# limits, endless loops): its fork servers give it a share to match, as the rate limit does.
# The share itself is tested with its own server (tests/integration/test_fair_sharing.py).
os.environ.setdefault("AUTOGRAD_CLIENT_CPU_S_PER_MINUTE", "100000")


@pytest.fixture(autouse=True)
def fresh_caches():
    """Each test computes and lays out for itself: the process-wide result cache and layout
    cache would otherwise carry one test's work (or failure) into the next."""
    cache.results.clear()
    drawing.layout.cache_clear()
    yield
    cache.results.clear()
    drawing.layout.cache_clear()


@pytest.fixture
def drawing_in_process(monkeypatch):
    """Drawings made on the request thread rather than in the drawing pool's processes, for
    the tests that patch render's functions (a pool process would not see the patch)."""
    monkeypatch.setitem(supervisor._shared, "pool", supervisor.DrawingPool(0))
    monkeypatch.setitem(supervisor._shared, "pid", os.getpid())


@pytest.fixture
def app():
    return create_app({"TESTING": True})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def live_server():
    """The base URL ("http://127.0.0.1:PORT") of the app served from a thread.

    A thread, not a process: forking after torch is imported is unsafe.
    """
    # A whole test suite comes from one address: the rate limit is tested on its own.
    app = create_app({"TESTING": True, "AUTOGRAD_RATE_LIMIT": "100000 per minute"})
    supervisor.shared_pool().start()      # as gunicorn.conf.py does: no import at a first drawing
    server = make_server(LOCAL_HOST, 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live_server", daemon=True)
    thread.start()
    yield f"http://{LOCAL_HOST}:{server.server_port}"
    server.shutdown()
    thread.join()
    server.server_close()


@pytest.fixture(scope="session")
def lecture_examples():
    """The lecture's programs from ../shared/lecture_examples.json: the "examples" list."""
    path = SHARED / "lecture_examples.json"
    if not path.exists():
        pytest.skip(f"{path} is absent (the shared folder sits beside the repository)")
    return json.loads(path.read_text(encoding="utf-8"))["examples"]
