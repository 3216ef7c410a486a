"""Every setting, declared once with its default and help (a test checks the README lists them).

Settings come from the environment. `gunicorn.conf.py` reads the serving ones; `create_app`
reads the rest into the Flask config (a test config can override any of them).
"""
import dataclasses
import os


@dataclasses.dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str


SETTINGS = (
    Setting("AUTOGRAD_BIND", "127.0.0.1:8000", "Address gunicorn listens on."),
    Setting("AUTOGRAD_WORKERS", "2", "gunicorn worker processes."),
    Setting("AUTOGRAD_THREADS", "16",
            "Threads per worker: most of a request is waiting for the sandbox, and the page and "
            "cached answers must not queue behind those that wait."),
    Setting("AUTOGRAD_FORKSERVER_SOCKET", "",
            "Unix socket of a fork server shared by all workers; gunicorn's master starts one "
            "and sets this itself. Empty: each process starts its own."),
    Setting("AUTOGRAD_CACHE_BYTES", str(64 * 1024 * 1024),
            "Size of each worker's result cache (graphs and rendered images), in bytes; 0 "
            "turns it off."),
    Setting("AUTOGRAD_RATE_LIMIT", "300 per minute;20 per second",
            "Per-client limit on the API's evaluating endpoints (Flask-Limiter syntax). A whole "
            "lecture hall behind one address must fit in it."),
    Setting("AUTOGRAD_RATE_LIMIT_STORAGE", "",
            "Where rate-limit counters live: e.g. redis://host:6379 to share them between "
            "machines. Empty: under gunicorn, one file for all workers of the machine "
            "(sqlite:///..., made by the master); in a single process, memory://."),
    Setting("AUTOGRAD_TRUSTED_PROXIES", "0",
            "How many reverse proxies in front of the app set X-Forwarded-For (and -Proto, "
            "-Host); their headers are trusted for the client's address."),
    Setting("AUTOGRAD_FRAME_ANCESTORS", "'self'",
            "Content-Security-Policy frame-ancestors: which sites may embed the page in a frame "
            "(e.g. \"'self' https://lms.example.ac.jp\"; '*' for anyone)."),
    Setting("AUTOGRAD_CLIENT_CPU_S_PER_MINUTE", "",
            "Processor seconds one client's programs may use in a sliding minute (then 429 "
            "until they may again); empty: webapp/core/limits.py's CLIENT_CPU_S_PER_MINUTE. "
            "Read by the fork server. A whole lecture hall behind one address must fit in it."),
    Setting("AUTOGRAD_RENDER_PROCESSES", "",
            "Drawing processes per worker (layout, PNG/PDF/GIF, large JSON; webapp/pool); "
            "empty: webapp/core/limits.py's RENDER_PROCESSES; 0 draws on the request thread, "
            "without the pool's limits (debugging only)."),
    Setting("AUTOGRAD_MAX_REQUEST_BYTES", "65536", "Largest request body accepted (413 above)."),
)


def value(name, environ=None):
    """The setting's value from the environment, or its default."""
    environ = os.environ if environ is None else environ
    setting = next(s for s in SETTINGS if s.name == name)
    return environ.get(name) or setting.default


def as_config(environ=None):
    """{name: value} for every setting, for the Flask config."""
    return {setting.name: value(setting.name, environ) for setting in SETTINGS}
