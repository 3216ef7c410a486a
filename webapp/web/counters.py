"""Rate-limit counters in one SQLite file that every gunicorn worker of the machine opens: the
storage behind `AUTOGRAD_RATE_LIMIT_STORAGE=sqlite:///path` (Flask-Limiter's fixed windows).

Why a file: Flask-Limiter's memory:// keeps a count per worker, so with N workers a client gets
N times its limit (and which worker a request reaches is chance). A Redis server shares them
between machines, but a single machine should not need another daemon to count right. SQLite is
in the standard library, its transactions make each increment atomic across processes, and a
worker killed in the middle of one leaves no lock behind (the kernel drops its locks; SQLite
rolls the transaction back). gunicorn's master makes the file's folder when it starts and
removes it when it stops (gunicorn.conf.py); the counters need not outlive the server, so the
file is written without syncing to disk.
"""
import os
import sqlite3
import threading
import time

from limits.storage import Storage

SCHEMA = ("CREATE TABLE IF NOT EXISTS counters (key TEXT PRIMARY KEY, count INTEGER NOT NULL, "
          "expires REAL NOT NULL)")
# One statement, so one atomic step: a window that has ended starts again at `amount`.
INCREMENT = """
INSERT INTO counters (key, count, expires) VALUES (:key, :amount, :now + :expiry)
ON CONFLICT (key) DO UPDATE SET
    count = CASE WHEN expires <= :now THEN :amount ELSE count + :amount END,
    expires = CASE WHEN expires <= :now THEN :now + :expiry ELSE expires END
RETURNING count
"""
SWEEP_EVERY = 512             # increments of a connection between removals of ended windows
BUSY_TIMEOUT_S = 5            # how long a writer waits for another's transaction


class SQLiteStorage(Storage):
    """limits' storage interface (what the fixed-window strategy uses) over one SQLite file."""
    STORAGE_SCHEME = ["sqlite"]

    def __init__(self, uri, wrap_exceptions=False, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.path = uri.split("://", 1)[1]
        self.local = threading.local()          # sqlite3 connections stay in their thread
        self.connection()                       # a wrong path fails at start, not per request

    @property
    def base_exceptions(self):
        return sqlite3.Error

    def connection(self):
        local = self.local
        if getattr(local, "pid", None) != os.getpid():      # not a connection of a parent
            connection = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S,
                                         isolation_level=None)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=OFF")
            connection.execute(SCHEMA)
            local.connection, local.pid, local.increments = connection, os.getpid(), 0
        return local.connection

    def incr(self, key, expiry, amount=1):
        connection = self.connection()
        now = time.time()
        (count,) = connection.execute(INCREMENT, {"key": key, "amount": amount, "now": now,
                                                  "expiry": expiry}).fetchone()
        self.local.increments += 1
        if self.local.increments % SWEEP_EVERY == 0:
            connection.execute("DELETE FROM counters WHERE expires <= ?", (now,))
        return count

    def get(self, key):
        row = self.connection().execute(
            "SELECT count FROM counters WHERE key = ? AND expires > ?",
            (key, time.time())).fetchone()
        return row[0] if row else 0

    def get_expiry(self, key):
        now = time.time()
        row = self.connection().execute(
            "SELECT expires FROM counters WHERE key = ? AND expires > ?", (key, now)).fetchone()
        return row[0] if row else now

    def check(self):
        return self.connection().execute("SELECT 1").fetchone() == (1,)

    def reset(self):
        return self.connection().execute("DELETE FROM counters").rowcount

    def clear(self, key):
        self.connection().execute("DELETE FROM counters WHERE key = ?", (key,))
