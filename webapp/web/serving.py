"""gunicorn's worker for this app: gthread's, except that a request line longer than gunicorn
reads (limits.LONGEST_REQUEST_LINE) is answered with problem+json like every other error of the
API, not with gunicorn's own HTML page, and that a replacement worker that fails to start does
not stop the server. gunicorn.conf.py names it as the worker class.

gunicorn's master loads this class: it imports no more of the app than the error catalog.
Only the start of such a request was read (no headers, no query), so its language is not known:
the answer is in English, the catalog's default, with the Japanese text beside it.
"""
import json
import sys
import time

from gunicorn.http.errors import LimitRequestLine
from gunicorn.workers.gthread import ThreadWorker

from webapp.core import limits, messages
from webapp.core.errors import QueryTooLong


def too_long_answer():
    """The raw HTTP answer to a request line gunicorn refused."""
    fields = {"bytes": f"> {limits.LONGEST_REQUEST_LINE:,}", "limit": limits.MAX_QUERY_BYTES}
    problem = QueryTooLong(messages.text("query-too-long", **fields)).to_dict()
    problem["detail_ja"] = messages.text("query-too-long", "ja", **fields)
    body = json.dumps(problem, ensure_ascii=False).encode()
    head = ("HTTP/1.1 414 URI Too Long\r\nConnection: close\r\n"
            "Content-Type: application/problem+json\r\nX-Content-Type-Options: nosniff\r\n"
            "Content-Security-Policy: default-src 'none'\r\n"
            f"Content-Length: {len(body)}\r\n\r\n")
    return head.encode("ascii") + body


# How long a replacement worker that failed to start waits before it exits (and gunicorn
# starts another): a failure that lasts does not become a loop of starts on every core.
REPLACEMENT_RETRY_PAUSE_S = 1.0


class ProblemWorker(ThreadWorker):
    def init_process(self):
        """gunicorn stops the whole server when a worker fails to start (its exit status
        WORKER_BOOT_ERROR): right for the first workers (the app cannot start), wrong for a
        replacement of one that died, on a machine loaded enough that something in its start
        failed once; the other workers are serving. That one exits like a crashed worker and
        is replaced in its turn."""
        try:
            super().init_process()
        except Exception:
            if self.booted or self.age <= self.cfg.workers:
                raise
            self.log.exception("A replacement worker failed to start; another will be.")
            time.sleep(REPLACEMENT_RETRY_PAUSE_S)
            sys.exit(1)

    def handle_error(self, req, client, addr, exc):
        if not isinstance(exc, LimitRequestLine):
            return super().handle_error(req, client, addr, exc)
        self.log.warning("Request line too long from ip=%s: %s", (addr or ("",))[0], exc)
        try:
            client.sendall(too_long_answer())
        except OSError:
            self.log.debug("Failed to send the 414 answer.")
