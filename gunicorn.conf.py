"""Gunicorn settings for `./app.sh serve` and the Docker image.

Settings come from the environment, declared in webapp/core/settings.py (listed in the README).
"""
import os
import shutil
import tempfile

from webapp.core import limits, settings

bind = settings.value("AUTOGRAD_BIND")
workers = int(settings.value("AUTOGRAD_WORKERS"))
# Threads serve the cheap requests (page, static files, health) while another request waits
# for its sandbox child.
worker_class = "webapp.web.serving.ProblemWorker"    # gthread's, with a problem+json 414
# The longest request line gunicorn reads (its own maximum; its default is 4,094): addresses up
# to it reach the app, which answers those over MAX_QUERY_BYTES with problem+json itself.
limit_request_line = limits.LONGEST_REQUEST_LINE
threads = int(settings.value("AUTOGRAD_THREADS"))
timeout = 30
# Never preload: that imports the app, and with it torch, in the master before it forks the
# workers. A process forked after torch started its thread pools can deadlock, so each
# worker imports torch itself, after the fork.
preload_app = False
# Nothing uses gunicornc, and the default socket in ~/.gunicorn would be shared by every
# server this user starts (another checkout, a second port).
control_socket_disable = True


def on_starting(server):
    """One fork server for all workers, started by the master (which never imports torch),
    so that the cap on concurrent evaluations holds for the whole machine; and one file of
    rate-limit counters for all workers, unless a storage is configured."""
    shared_rate_limit_counters(server)
    from webapp.sandbox.client import Sandbox
    sandbox = Sandbox()
    sandbox.ensure_running()
    sandbox.supervise()
    os.environ["AUTOGRAD_FORKSERVER_SOCKET"] = sandbox.path
    server.autograd_sandbox = sandbox


def shared_rate_limit_counters(server):
    """Without AUTOGRAD_RATE_LIMIT_STORAGE, the workers count each client's requests in one
    SQLite file (webapp/web/counters.py), not each in its own memory (N workers, N limits)."""
    server.autograd_counters = None
    if not settings.value("AUTOGRAD_RATE_LIMIT_STORAGE"):
        server.autograd_counters = tempfile.mkdtemp(prefix="autograd-limits-")
        os.environ["AUTOGRAD_RATE_LIMIT_STORAGE"] = \
            f"sqlite://{server.autograd_counters}/counters.sqlite3"


def on_exit(server):
    server.autograd_sandbox.stop()
    if server.autograd_counters:
        shutil.rmtree(server.autograd_counters, ignore_errors=True)


def post_worker_init(worker):
    """Start the worker's drawing processes (webapp/pool) now, not at its first drawing: each
    imports cairosvg and Pillow, about a second of processor."""
    from webapp.pool.supervisor import shared_pool
    shared_pool().start()
