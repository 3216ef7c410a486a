"""One error family whose messages are fit to show a user.

Every failure a user can cause is a `ProblemError`: it knows its HTTP status, a short title,
a detail message, where it applies the line and (1-based) column in the user's source, and
for the answers that ask the client to come back (busy, rate limited) the seconds to wait.
It travels across the sandbox boundary and through the result cache as a plain dict
(`to_dict`, `from_dict`: the same class, status, title, detail, position and wait come back)
and leaves the API as problem+json.

Every subclass registers itself under its slug (the last part of the problem's `type`), so
`from_dict` finds it; two classes with one slug are refused when the second is defined.
"""
from webapp.core import limits, messages

# The members `from_dict` reads itself; the rest (retry_after included) go in as `extra`.
FIELDS = ("type", "title", "status", "detail", "line", "column", "errors")


class ProblemError(Exception):
    status = 400
    slug = "bad-request"
    title = "Bad request"
    retry_after = None        # seconds for Retry-After, on the classes that ask to come back
    registry = {}             # slug -> subclass, filled by __init_subclass__

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        taken = ProblemError.registry.get(cls.slug)
        assert taken is None, f"problem slug {cls.slug!r} is taken by {taken.__name__}"
        ProblemError.registry[cls.slug] = cls

    def __init__(self, detail, *, line=None, column=None, extra=None, notes=None):
        """`extra`: more members for the problem dict; its `retry_after`, if any, replaces
        the class's. `notes`: catalogued messages, each (line, column, message id, fields),
        in order of position: the problem lists them as `errors`, in the answer's language,
        and its detail is the first one's text."""
        super().__init__(detail)
        self.detail = str(detail)
        self.line = line
        self.column = column
        self.extra = dict(extra or {})
        self.retry_after = self.extra.pop("retry_after", type(self).retry_after)
        self.notes = list(notes or [])

    @classmethod
    def message(cls, message_id, *, line=None, column=None, **fields):
        """The problem whose detail is catalogued message `message_id` filled with `fields`."""
        return cls.noted([(line, column, message_id, fields)])

    @classmethod
    def noted(cls, notes):
        """The problem listing `notes` (see `__init__`), the first as its detail."""
        line, column, message_id, fields = notes[0]
        return cls(messages.text(message_id, **fields), line=line, column=column, notes=notes)

    def to_dict(self, lang=messages.DEFAULT_LANGUAGE):
        """The problem as RFC 9457 members (plus line/column, the listed errors and
        retry_after where set), its detail in `lang` where the catalog has it."""
        problem = {
            "type": f"/problems/{self.slug}",
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if self.line is not None:
            problem["line"] = self.line
            problem["column"] = self.column
        if self.notes:
            problem.update(noted_members(self.notes, lang))
        if self.retry_after is not None:
            problem["retry_after"] = self.retry_after
        problem.update(self.extra)
        return problem

    @staticmethod
    def from_dict(problem):
        """The `ProblemError` that `to_dict` made `problem` from (its class found by slug)."""
        cls = ProblemError.registry.get(problem.get("type", "").rsplit("/", 1)[-1], ProblemError)
        extra = {k: v for k, v in problem.items() if k not in FIELDS}
        notes = [(e["line"], e["column"], e["message"], e["arguments"])
                 for e in problem.get("errors", ())]
        return cls.restored(problem, problem.get("detail", ""), line=problem.get("line"),
                            column=problem.get("column"), extra=extra, notes=notes)

    @classmethod
    def restored(cls, problem, detail, **fields):
        """An instance from a problem dict; classes whose status or title vary per instance
        read them from `problem` here."""
        return cls(detail, **fields)


def noted_members(notes, lang):
    """`detail` and `errors` of a problem with catalogued notes: at most
    MAX_REPORTED_PROBLEMS listed, `errors_total` counting them all when there are more."""
    errors = [{"line": line, "column": column, "detail": messages.text(message_id, lang, **fields),
               "message": message_id, "arguments": fields}
              for line, column, message_id, fields in notes[:limits.MAX_REPORTED_PROBLEMS]]
    members = {"detail": errors[0]["detail"], "errors": errors}
    if len(notes) > limits.MAX_REPORTED_PROBLEMS:
        members["errors_total"] = len(notes)
    return members


class BadRequest(ProblemError):
    status, slug, title = 400, "bad-request", "The request is not valid"


class UnsupportedMediaType(ProblemError):
    status, slug, title = 415, "unsupported-media-type", "The request body must be JSON"


class NotDrawable(ProblemError):
    status, slug, title = 422, "not-drawable", "The graph is too large to draw"


class ExportTooLarge(NotDrawable):
    status, slug, title = 422, "export-too-large", "The export would take too long"


class DrawingLimit(NotDrawable):
    """A drawing or encoding job passed one of limits.RENDER_*, named in its `limit` member
    (its detail is catalogued, so it is written in the answer's language)."""
    status, slug, title = 422, "drawing-limit", "The drawing hit a limit"

    @classmethod
    def named(cls, limit_name, message_id, **fields):
        return cls(messages.text(message_id, **fields), notes=[(None, None, message_id, fields)],
                   extra={"limit": limit_name})


class DrawingInterrupted(ProblemError):
    """The process drawing the answer was lost (killed, crashed): not the request's fault."""
    status, slug, title = 503, "drawing-interrupted", "The drawing was interrupted"
    retry_after = limits.RETRY_AFTER_S


class ClientGone(ProblemError):
    """The client closed its connection while its drawing was being made (nginx's 499): the
    work was cancelled and nobody reads this answer."""
    status, slug, title = 499, "client-gone", "The client closed the connection"


class SyntaxProblem(ProblemError):
    status, slug, title = 400, "syntax-error", "The program does not parse"


class NotAllowed(ProblemError):
    status, slug, title = 400, "not-allowed", "The program uses something that is not allowed"


class SourceTooLarge(ProblemError):
    status, slug, title = 413, "too-large", "The program is too large"


class LimitExceeded(ProblemError):
    status, slug, title = 422, "limit-exceeded", "The program hit a limit"


class TimeLimit(LimitExceeded):
    """The program used its whole CPU-time budget: its own work, however busy the server."""
    slug = "time-limit"


class RunFailed(ProblemError):
    status, slug, title = 422, "run-failed", "The program ran and failed"


class NothingToDraw(ProblemError):
    status, slug, title = 422, "no-graph", "There is no autograd graph to show"


class Busy(ProblemError):
    status, slug, title = 503, "busy", "The server is busy"
    retry_after = limits.RETRY_AFTER_S


class StarvedOfTime(ProblemError):
    """The wall-clock backstop stopped a child that got too little of the processor to finish
    within its budget: the server's load, not the program (so it says when to come back)."""
    status, slug, title = 503, "server-too-busy", "The server was too busy to finish the program"
    retry_after = limits.RETRY_AFTER_S


class SandboxUnavailable(ProblemError):
    status, slug, title = 503, "sandbox-unavailable", "The evaluation service is starting"
    retry_after = limits.RETRY_AFTER_S


class LongProgramsRunning(ProblemError):
    """A client whose long programs already run outside the evaluator's slots (as many as one
    client may: sandbox/demotion.py) sent another while others wait."""
    status, slug, title = 429, "long-programs-running", "Your long programs are still running"
    retry_after = limits.RETRY_AFTER_S


class QueryTooLong(ProblemError):
    status, slug, title = 414, "query-too-long", "The address is too long"


class RateLimited(ProblemError):
    status, slug, title = 429, "rate-limited", "Too many requests"
    retry_after = limits.RETRY_AFTER_S


class ProcessorShareSpent(ProblemError):
    """A client whose programs used its share of the evaluator's processor time in the last
    minute (its `retry_after`: when enough of it leaves the window)."""
    status, slug, title = 429, "processor-share-spent", "Your programs used their share"
    retry_after = limits.RETRY_AFTER_S


class HTTPProblem(ProblemError):
    """An HTTP error the framework raised (404, 405, 413 ...): its status and title are the
    framework's, per instance."""
    status, slug, title = 400, "http-error", "HTTP error"

    def __init__(self, detail, *, status=400, title="HTTP error", **fields):
        super().__init__(detail, **fields)
        self.status, self.title = status, title
        if status == 503 and self.retry_after is None:     # every 503 says when to come back
            self.retry_after = limits.RETRY_AFTER_S

    @classmethod
    def restored(cls, problem, detail, **fields):
        return cls(detail, status=problem.get("status", cls.status),
                   title=problem.get("title", cls.title), **fields)


class InternalError(ProblemError):
    """A bug of ours: logged, and answered without details."""
    status, slug, title = 500, "internal-error", "Internal error"


class LiveInputRefused(ProblemError):
    """A request's `inputs` (live inputs) that cannot be set: its detail is catalogued message
    `message` with `arguments`, in the answer's language. Not `noted`: nothing in the program's
    text is refused, so there is no position for the `errors` list."""
    status, slug, title = 400, "live-input", "The live input cannot be set"

    @classmethod
    def of(cls, message_id, **fields):
        return cls(messages.text(message_id, **fields),
                   extra={"message": message_id, "arguments": fields})

    def to_dict(self, lang=messages.DEFAULT_LANGUAGE):
        problem = super().to_dict(lang)
        if "message" in self.extra:
            problem["detail"] = messages.text(self.extra["message"], lang,
                                              **self.extra.get("arguments", {}))
        return problem
