"""The interpreter's Python: what runs, what it prints, and the limits it enforces itself.
Runs in-process through `evaluate` (what the sandbox child runs)."""
from webapp.core import limits
from tests.support.documents import GRAD_X, problem, run


def test_repl_paste_echoes_expressions_like_the_repl():
    answer = run(">>> x = torch.tensor(2.0, requires_grad=True)\n>>> y = x * 3\n"
                 ">>> y.backward()\n>>> x.grad\ntensor(3.)\n")
    assert answer["stdout"] == "tensor(3.)\n"


def test_data_assignment_and_zero_grad_like_a_training_loop():
    answer = run(GRAD_X + "for i in range(3):\n    y = x * x\n    y.backward()\n"
                 "    x.data = x.data - 0.1 * x.grad\n    x.grad.zero_()\n")
    assert abs(answer["variables"]["x"]["value"] - 2.0 * 0.8 ** 3) < 1e-6


def test_pytorch_warnings_are_passed_on():
    answer = run(GRAD_X + "y = x * 2\nz = y.grad\n")
    assert any("not a leaf" in w for w in answer["warnings"])


def test_steps_limit(monkeypatch):
    monkeypatch.setattr(limits, "MAX_STEPS", 1_000)
    body = problem("x = 0\nfor i in range(2000):\n    x = x + 1\n")
    assert body["status"] == 422 and "1,000 steps" in body["detail"]


def test_call_depth_limit():
    body = problem("def f(x):\n    return f(x)\nf(1)\n")
    assert f"{limits.MAX_CALL_DEPTH} deep" in body["detail"]


def test_stdout_limit():
    answer = run(GRAD_X + "y = x * 1\nfor i in range(2000):\n    print('a' * 100)\n")
    assert len(answer["stdout"]) == limits.MAX_STDOUT_CHARS
    assert any("cut" in w for w in answer["warnings"])


def test_integer_limit():
    assert "too large" in problem("n = 2 ** 100000\n")["detail"]
    assert "too large" in problem("n = 2 ** 4000\nm = n * n\n")["detail"]


def test_string_and_list_limits():
    assert "too long" in problem("s = 'ab' * 6000\n")["detail"]
    assert "too long" in problem("l = [1] * 20000\n")["detail"]


def test_seeded_random_numbers_repeat():
    source = "x = torch.rand(2, requires_grad=True)\nprint(x)\ny = x.sum()\n"
    assert run(source, seed=3)["stdout"] == run(source, seed=3)["stdout"] \
        != run(source, seed=4)["stdout"]
