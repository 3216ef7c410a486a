"""Every error leaves as application/problem+json (RFC 9457): `ProblemError`s as they are,
the framework's HTTP errors (404, 405, 413 ...) and rate limiting (429) translated, and
anything unexpected as a logged 500 without details. `init_app` registers the handlers.

Catalogued details (the checker's refusals) are written in the request's language: `lang` in
the JSON body or the query string, else the best of Accept-Language, else English.
"""
from flask import current_app, jsonify, request
from werkzeug.exceptions import HTTPException

from webapp.core.errors import HTTPProblem, InternalError, ProblemError, RateLimited
from webapp.core.messages import DEFAULT_LANGUAGE, LANGUAGES
from webapp.web import protection


def init_app(app):
    app.register_error_handler(ProblemError, problem_response)
    app.register_error_handler(429, handle_rate_limited)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)


def problem_response(problem):
    """The problem+json response for `problem`, with Retry-After where it says when to come
    back."""
    response = jsonify(problem.to_dict(answer_language()))
    response.status_code = problem.status
    response.mimetype = "application/problem+json"
    if problem.notes:
        response.vary.add("Accept-Language")
    if problem.retry_after is not None:
        response.headers["Retry-After"] = str(problem.retry_after)
    return response


def answer_language():
    """The language the request asks its answer in (an unknown `lang` is not an error here:
    its own endpoint refuses it, and this may be that refusal)."""
    try:
        body = request.get_json(silent=True) if request.is_json else None
    except (HTTPException, RecursionError):     # the body itself is the problem (413, 400)
        body = None
    asked = body.get("lang") if isinstance(body, dict) else None
    asked = asked if asked in LANGUAGES else request.args.get("lang")
    if asked in LANGUAGES:
        return asked
    return request.accept_languages.best_match(LANGUAGES, default=DEFAULT_LANGUAGE)


def handle_rate_limited(error):
    return problem_response(RateLimited(
        f"Too many requests from your address (the limit is {error.description}); "
        "please wait a moment.", extra={"retry_after": protection.seconds_until_allowed()}))


def handle_http_error(error):
    return problem_response(HTTPProblem(error.description, status=error.code,
                                        title=error.name))


def handle_unexpected(error):
    current_app.logger.exception("unexpected error")
    return problem_response(InternalError(
        "Something went wrong on the server; it has been logged."))
