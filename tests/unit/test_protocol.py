"""webapp/sandbox/protocol.py: how a dead child is answered. A child its own RLIMIT_CPU stopped
(the server was too busy to stop it at the budget first) is told it used its processor time,
like one the server stopped, not that "a resource limit" stopped it."""
import os
import signal

from webapp.sandbox.protocol import OUT_OF_CPU_TIME
from webapp.sandbox.protocol import cpu_limit_answer


def status_of_child(die):
    pid = os.fork()
    if pid == 0:
        try:
            die()
        finally:
            os._exit(0)
    return os.waitpid(pid, 0)[1]


def test_a_child_stopped_by_sigxcpu_ran_out_of_processor_time():
    status = status_of_child(lambda: os.kill(os.getpid(), signal.SIGXCPU))
    assert cpu_limit_answer(status) is OUT_OF_CPU_TIME


def test_a_child_that_died_otherwise_is_not_said_to_have_looped():
    assert cpu_limit_answer(status_of_child(lambda: os.kill(os.getpid(), signal.SIGKILL))) is None
    assert cpu_limit_answer(status_of_child(lambda: None)) is None
