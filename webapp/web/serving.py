"""gunicorn's worker for this app: gthread's, except that a request line longer than gunicorn
reads (limits.LONGEST_REQUEST_LINE) is answered with problem+json like every other error of the
API, not with gunicorn's own HTML page. gunicorn.conf.py names it as the worker class.

gunicorn's master loads this class: it imports no more of the app than the error catalog.
Only the start of such a request was read (no headers, no query), so its language is not known:
the answer is in English, the catalog's default, with the Japanese text beside it.
"""
import json

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


class ProblemWorker(ThreadWorker):
    def handle_error(self, req, client, addr, exc):
        if not isinstance(exc, LimitRequestLine):
            return super().handle_error(req, client, addr, exc)
        self.log.warning("Request line too long from ip=%s: %s", (addr or ("",))[0], exc)
        try:
            client.sendall(too_long_answer())
        except OSError:
            self.log.debug("Failed to send the 414 answer.")
