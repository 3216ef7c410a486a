"""The sandbox child's walls beyond its rlimits (webapp/sandbox/confinement.py), in force in
real children of a real fork server whose entry module acts as a breached interpreter would
(tests/support/breach_entry.py)."""
import os

import pytest

from webapp.sandbox.client import Sandbox
from webapp.sandbox.confinement import readable_by_nobody

REFUSED = ["socket", "unix socket", "program", "fork", "write", "append", "signal"]


@pytest.fixture(scope="module")
def breached():
    own = Sandbox(entry="tests.support.breach_entry")
    own.ensure_running()
    yield own
    own.stop()


@pytest.mark.parametrize("attempt", REFUSED)
def test_what_an_evaluation_never_needs_is_refused(breached, attempt):
    answer = breached.evaluate({"attempt": attempt})
    assert answer == {"outcome": "refused", "error": answer.get("error")}, answer
    assert "Operation not permitted" in answer["error"]
    assert not os.path.exists("/tmp/autograd-breach-test")


def test_reading_is_still_allowed(breached):
    assert breached.evaluate({"attempt": "read"}) == {"outcome": "allowed"}


def test_a_child_holds_only_its_connection_and_control_socket(breached):
    facts = breached.evaluate({"attempt": "facts"})["facts"]
    # stderr, the connection, the control socket, and the listing's own descriptor
    assert len(facts["descriptors"]) == 4 and 2 in facts["descriptors"], facts
    assert facts["no_new_privs"] == "1" and facts["seccomp"] == "2", facts


def test_a_root_server_s_child_runs_as_nobody_where_python_stays_readable(breached):
    facts = breached.evaluate({"attempt": "facts"})["facts"]
    if os.geteuid() == 0 and readable_by_nobody():
        assert facts["uid"] == 65534
    else:                     # these machines: the interpreter is under /root (mode 700)
        assert facts["uid"] == os.geteuid()


def test_a_child_that_dies_of_a_refusal_is_a_clean_422(breached):
    problem = breached.evaluate({"attempt": "crash"})["problem"]
    assert problem["status"] == 422 and problem["type"] == "/problems/limit-exceeded"
