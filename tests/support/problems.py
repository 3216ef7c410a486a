"""One shape for every error: the assertion all API tests use for problem+json answers."""

PROBLEM_KEYS = {"type", "title", "status", "detail"}


def assert_problem(response, status, *, detail=None, slug=None, line=None, column=None):
    """Check `response` (requests or Flask) is RFC 9457 problem+json with this status."""
    content_type = response.headers["Content-Type"]
    assert content_type.startswith("application/problem+json"), (content_type, response.text
                                                                  if hasattr(response, "text")
                                                                  else response.data)
    body = response.json() if callable(response.json) else response.json
    assert PROBLEM_KEYS <= set(body), body
    assert response.status_code == status == body["status"], body
    assert body["detail"] and body["title"], body
    if detail is not None:
        assert detail.lower() in body["detail"].lower(), body
    if slug is not None:
        assert body["type"] == f"/problems/{slug}", body
    if line is not None:
        assert body["line"] == line, body
    if column is not None:
        assert body["column"] == column, body
    return body
