"""Rate limits, request-size limits and security headers."""
import pytest

from tests.support.problems import assert_problem
from webapp import create_app

PROGRAM = "x = torch.tensor(2.0, requires_grad=True)\ny = x * x\n"


@pytest.fixture
def limited_client():
    return create_app({"TESTING": True, "AUTOGRAD_RATE_LIMIT": "3 per minute"}).test_client()


def test_rate_limit_is_problem_json_with_retry_after(limited_client):
    for _ in range(3):
        assert limited_client.post("/api/graph", json={"source": PROGRAM}).status_code == 200
    answer = limited_client.get("/api/graph.svg", query_string={"source": PROGRAM})
    body = assert_problem(answer, 429, slug="rate-limited")
    assert "3 per 1 minute" in body["detail"]
    assert int(answer.headers["Retry-After"]) > 0


def test_the_page_and_health_are_not_rate_limited(limited_client):
    for _ in range(5):
        limited_client.post("/api/graph", json={"source": PROGRAM})
    assert limited_client.get("/healthz").status_code == 200
    assert limited_client.get("/").status_code == 200


def test_clients_are_told_apart_behind_a_trusted_proxy():
    client = create_app({"TESTING": True, "AUTOGRAD_RATE_LIMIT": "2 per minute",
                         "AUTOGRAD_TRUSTED_PROXIES": "1"}).test_client()
    for student in range(5):
        answer = client.post("/api/graph", json={"source": PROGRAM},
                             headers={"X-Forwarded-For": f"10.0.0.{student}"})
        assert answer.status_code == 200


def test_request_size_limit(client):
    assert_problem(client.post("/api/graph", data=b"{" + b" " * 70_000 + b"}",
                               content_type="application/json"), 413)


def test_page_security_headers(client):
    headers = client.get("/").headers
    policy = headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy.split(
        "script-src")[1].split(";")[0]
    assert "frame-ancestors 'self'" in policy
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_framing_policy_is_configurable():
    client = create_app({"TESTING": True,
                         "AUTOGRAD_FRAME_ANCESTORS": "'self' https://lms.example.ac.jp"}
                        ).test_client()
    assert "frame-ancestors 'self' https://lms.example.ac.jp" in \
        client.get("/").headers["Content-Security-Policy"]


def test_images_may_be_embedded_but_run_nothing(client):
    answer = client.get("/api/graph.svg", query_string={"source": PROGRAM})
    assert answer.status_code == 200
    assert answer.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert answer.headers["Cross-Origin-Resource-Policy"] == "cross-origin"


def test_errors_carry_the_headers_too(client):
    answer = client.post("/api/graph", json={"source": "x = ("})
    assert answer.status_code == 400 and answer.headers["X-Content-Type-Options"] == "nosniff"
