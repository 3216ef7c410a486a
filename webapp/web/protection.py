"""What stands between the app and a busy or hostile lecture hall: per-client rate limits on
the evaluating endpoints (Flask-Limiter, counted once for the machine: counters.py), security
headers on every response, and trust in a configured number of reverse proxies for the client's
address.

The global cap on concurrent evaluations lives in the fork server (sandbox/server.py); this is
the per-client layer in front of it; each request also names its client to the fork server,
which shares the evaluator fairly between clients (sandbox/fairness.py).
"""
import math
import time

from flask import current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from werkzeug.middleware.proxy_fix import ProxyFix

from webapp.core import limits
from webapp.core.errors import QueryTooLong
from webapp.pipeline import evaluation as pipeline
from webapp.web import counters  # noqa: F401  (registers the sqlite:// storage with limits)

# The page loads only its own scripts, styles, fonts and images; drawings are inlined from the
# API as data, never as script. KaTeX sets styles through the DOM (allowed without
# 'unsafe-inline').
PAGE_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: "
               "blob:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
               "form-action 'self'; frame-ancestors {frame_ancestors}")
# An SVG opened on its own is a document too: it may style itself, nothing else.
IMAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors *"


def init_app(app, limited_blueprints):
    """Proxy trust, one rate-limit budget per client over `limited_blueprints` (those whose
    routes may spend a sandbox child), and security headers."""
    trusted = int(app.config["AUTOGRAD_TRUSTED_PROXIES"])
    if trusted:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=trusted, x_proto=trusted, x_host=trusted)
    # No rate-limit headers on every response: Flask-Limiter's would also overwrite the
    # Retry-After of a 503 from the sandbox with its own window's reset time.
    # One count per client for the machine (or, with Redis, for every machine): memory:// only
    # where one process serves everything. A storage that fails lets requests through (and
    # logs it) rather than answering 500: the fork server's fair share still holds.
    limiter = Limiter(get_remote_address, app=app, headers_enabled=False, swallow_errors=True,
                      storage_uri=app.config["AUTOGRAD_RATE_LIMIT_STORAGE"] or "memory://")
    app.extensions["autograd_limiter"] = limiter
    for blueprint in limited_blueprints:
        limiter.shared_limit(evaluation_limit, scope="evaluations")(blueprint)
    app.before_request(refuse_long_query)
    app.before_request(lambda: pipeline.on_behalf_of(get_remote_address()))
    app.after_request(security_headers)


def refuse_long_query():
    """An address longer than MAX_QUERY_BYTES is a 414 problem (a longer request line is
    gunicorn's, answered the same way by serving.py)."""
    length = len(request.query_string)
    if length > limits.MAX_QUERY_BYTES:
        raise QueryTooLong.message("query-too-long", bytes=length, limit=limits.MAX_QUERY_BYTES)


def evaluation_limit():
    """The per-client limit for endpoints that may spend a sandbox child."""
    return current_app.config["AUTOGRAD_RATE_LIMIT"]


def security_headers(response):
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    if response.mimetype.startswith("image/"):
        headers.setdefault("Content-Security-Policy", IMAGE_POLICY)
        headers.setdefault("Cross-Origin-Resource-Policy", "cross-origin")  # <img> in slides
    else:
        frame_ancestors = current_app.config["AUTOGRAD_FRAME_ANCESTORS"]
        headers.setdefault("Content-Security-Policy",
                           PAGE_POLICY.format(frame_ancestors=frame_ancestors))
    return response


def seconds_until_allowed():
    """For a 429: when the client's current window lets it in again."""
    limit = current_app.extensions["autograd_limiter"].current_limit
    return max(1, math.ceil(limit.reset_at - time.time())) if limit else 1
