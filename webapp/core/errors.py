"""One error family whose messages are fit to show a user.

Every failure a user can cause is a `ProblemError`: it knows its HTTP status, a short title,
a detail message and, where it applies, the line and (1-based) column in the user's source.
It travels across the sandbox boundary as a plain dict and leaves the API as problem+json.
"""


class ProblemError(Exception):
    status = 400
    slug = "bad-request"
    title = "Bad request"

    def __init__(self, detail, *, line=None, column=None, extra=None):
        super().__init__(detail)
        self.detail = str(detail)
        self.line = line
        self.column = column
        self.extra = dict(extra or {})

    def to_dict(self):
        problem = {
            "type": f"/problems/{self.slug}",
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if self.line is not None:
            problem["line"] = self.line
            problem["column"] = self.column
        problem.update(self.extra)
        return problem

    @staticmethod
    def from_dict(problem):
        cls = _BY_SLUG.get(problem.get("type", "").rsplit("/", 1)[-1], ProblemError)
        extra = {k: v for k, v in problem.items()
                 if k not in ("type", "title", "status", "detail", "line", "column")}
        return cls(problem.get("detail", ""), line=problem.get("line"),
                   column=problem.get("column"), extra=extra)


class BadRequest(ProblemError):
    status, slug, title = 400, "bad-request", "The request is not valid"


class UnsupportedMediaType(ProblemError):
    status, slug, title = 415, "unsupported-media-type", "The request body must be JSON"


class NotDrawable(ProblemError):
    status, slug, title = 422, "not-drawable", "The graph is too large to draw"


class SyntaxProblem(ProblemError):
    status, slug, title = 400, "syntax-error", "The program does not parse"


class NotAllowed(ProblemError):
    status, slug, title = 400, "not-allowed", "The program uses something that is not allowed"


class SourceTooLarge(ProblemError):
    status, slug, title = 413, "too-large", "The program is too large"


class LimitExceeded(ProblemError):
    status, slug, title = 422, "limit-exceeded", "The program hit a limit"


class TimeLimit(LimitExceeded):
    slug = "time-limit"


class RunFailed(ProblemError):
    status, slug, title = 422, "run-failed", "The program ran and failed"


class NothingToDraw(ProblemError):
    status, slug, title = 422, "no-graph", "There is no autograd graph to show"


class Busy(ProblemError):
    status, slug, title = 503, "busy", "The server is busy"


_BY_SLUG = {cls.slug: cls for cls in
            (ProblemError, BadRequest, UnsupportedMediaType, NotDrawable, SyntaxProblem, NotAllowed,
             SourceTooLarge, LimitExceeded, TimeLimit, RunFailed, NothingToDraw, Busy)}
