"""Size limits on tensors (webapp/execution/interpreter/guard.py): a result too large is
refused before it is made, the elements held by live tensors are counted and released, both
through a program run in-process by `evaluate` and on Guard and check_shape directly."""
import gc

import pytest
import torch

from webapp.core import limits
from webapp.core.errors import LimitExceeded
from tests.support.documents import GRAD_X, problem, run
from webapp.execution.interpreter.guard import Guard, check_shape


def test_tensor_element_limit():
    assert "at most" in problem(f"x = torch.ones({limits.MAX_TENSOR_ELEMENTS + 1})\n")["detail"]
    assert "problem" not in run(f"x = torch.ones({limits.MAX_TENSOR_ELEMENTS}, "
                                "requires_grad=True)\ny = x.sum()\n")


def test_tensor_dimension_limit():
    shape = ", ".join(["1"] * (limits.MAX_TENSOR_DIMS + 1))
    assert "dimensions" in problem(f"x = torch.ones({shape})\n")["detail"]


def test_total_elements_limit():
    body = problem("l = []\nfor i in range(20):\n    l = l + [torch.ones(90000)]\n")
    assert f"{limits.MAX_TOTAL_ELEMENTS:,}" in body["detail"]


def test_live_elements_are_released_when_tensors_go_away():
    answer = run(GRAD_X + "for i in range(50):\n    t = torch.ones(90000)\ny = x * 1\n")
    assert "problem" not in answer


def test_check_shape_refuses_too_many_dimensions_and_too_many_elements():
    check_shape((limits.MAX_TENSOR_ELEMENTS,))
    check_shape((1,) * limits.MAX_TENSOR_DIMS)
    with pytest.raises(LimitExceeded, match="dimensions"):
        check_shape((1,) * (limits.MAX_TENSOR_DIMS + 1))
    with pytest.raises(LimitExceeded, match=f"{limits.MAX_TENSOR_ELEMENTS + 1:,}"):
        check_shape((limits.MAX_TENSOR_ELEMENTS + 1,))


def test_before_refuses_a_creation_and_a_broadcast_before_they_run():
    guard = Guard()
    guard.before(torch.ones, (10,), {})
    with pytest.raises(LimitExceeded, match="at most"):
        guard.before(torch.ones, (limits.MAX_TENSOR_ELEMENTS + 1,), {})
    column, row = torch.ones(1000, 1), torch.ones(1, 1000)
    assert (column + row).numel() > limits.MAX_TENSOR_ELEMENTS      # what PyTorch would make
    with pytest.raises(LimitExceeded, match="1,000,000"):
        guard.before(torch.add, (column, row), {})


def test_after_counts_the_elements_of_live_tensors_and_releases_them():
    guard = Guard()
    small, large = torch.ones(10), torch.ones(5_000)
    assert guard.after(small) is small and guard.after(large) is large
    assert guard.live_elements == 5_000
    del large
    gc.collect()
    assert guard.live_elements == 0


def test_after_refuses_more_live_elements_than_the_total_limit():
    guard, kept = Guard(), []
    per_tensor = limits.MAX_TENSOR_ELEMENTS
    for _ in range(limits.MAX_TOTAL_ELEMENTS // per_tensor):
        kept.append(guard.after(torch.zeros(per_tensor)))
    with pytest.raises(LimitExceeded, match=f"{limits.MAX_TOTAL_ELEMENTS:,}"):
        guard.after(torch.zeros(per_tensor))


def test_a_large_tensor_seen_twice_is_counted_once():
    """Counted by identity: a membership test by value (`==`) would fail on a large tensor."""
    guard, large = Guard(), torch.ones(5_000)
    guard.after(large)
    guard.after(large)
    assert guard.live_elements == 5_000


M = limits.MAX_TENSOR_ELEMENTS
# (a call at the limit, the same call one element over it): each is predicted before it
# allocates; sizes given as 0-d tensors are read like numbers.
AT_THE_LIMIT = [
    (f"torch.ones({M})", f"torch.ones({M + 1})"),
    (f"torch.ones(torch.tensor({M}))", f"torch.ones(torch.tensor({M + 1}))"),
    (f"torch.zeros(2, torch.tensor({M // 2}))", f"torch.zeros(torch.tensor({M + 1}), 1)"),
    (f"torch.rand(({M},))", f"torch.rand(({M + 1},))"),
    (f"torch.randn({M})", f"torch.randn(torch.tensor([{M + 1}]))"),
    (f"torch.full(({M},), 1.0)", f"torch.full((torch.tensor({M + 1}),), 1.0)"),
    (f"torch.randint(0, 10, ({M},))", f"torch.randint(10, ({M + 1},))"),
    (f"torch.arange({M})", f"torch.arange(torch.tensor({M + 1}))"),
    (f"torch.arange(torch.tensor(0.0), {M}, 1.0)", f"torch.arange(torch.tensor(0.0), {M + 1}, 1.0)"),
    (f"torch.arange(0.0, {M / 2}, step=0.5)", f"torch.arange(0.0, {(M + 1) / 2}, step=torch.tensor(0.5))"),
    (f"torch.linspace(0, 1, {M})", f"torch.linspace(0, 1, torch.tensor({M + 1}))"),
    (f"torch.linspace(0, 1, steps={M})", f"torch.linspace(0, 1, steps={M + 1})"),
    ("torch.eye(1000, 100)", "torch.eye(torch.tensor(1000), 101)"),
    ("torch.eye(316)", "torch.eye(torch.tensor(317))"),
    ("torch.tensor([[0.0] * 1000] * 100)", "torch.tensor([[0.0] * 1000] * 101)"),
    (f"torch.ones_like(torch.ones({M}))", None),
    (f"torch.ones(1).repeat({M})", f"torch.tensor(1.0).repeat({M + 1})"),
    (f"torch.ones(1, 1).repeat(100, 1000)", "torch.tensor(1.0).repeat(torch.tensor(101), 1000)"),
    (f"torch.ones(1).expand({M}).clone()", f"torch.ones(1).expand({M + 1}).clone()"),
    (f"F.one_hot(torch.tensor([0]), num_classes={M})",
     f"F.one_hot(torch.tensor([0]), num_classes={M + 1})"),
    (f"F.one_hot(torch.tensor([{M - 1}]))", f"F.one_hot(torch.tensor([{M}]))"),
    (f"F.one_hot(torch.tensor(0), torch.tensor({M}))",
     f"F.one_hot(torch.tensor(0), num_classes=torch.tensor({M + 1}))"),
    (f"F.pad(torch.ones(1), (0, {M - 1}))", f"F.pad(torch.ones(1), (0, {M}))"),
    (f"F.pad(torch.ones(1), (0, torch.tensor({M - 1})))", f"F.pad(torch.tensor([1.0]), (torch.tensor({M}), 0))"),
    ("torch.einsum('i,j->ij', torch.ones(1000), torch.ones(100))",
     "torch.einsum('i,j->ij', torch.ones(1000), torch.ones(101))"),
    ("torch.outer(torch.ones(1000), torch.ones(100))",
     "torch.ones(1000).outer(torch.ones(101))"),
    (f"torch.ones({M}).cumsum(0)", None),
    (f"torch.cumsum(torch.ones(1000, 100), dim=1)", None),
    ("torch.diag(torch.ones(316))", "torch.diag(torch.ones(317))"),
    ("torch.ones(1000, 1) + torch.ones(1, 100)", "torch.ones(1000, 1) * torch.ones(1, 101)"),
    ("torch.ones(1000, 0) @ torch.ones(0, 100)", "torch.ones(1000, 0) @ torch.ones(0, 101)"),
    (f"torch.ones({M}, 0).sum(1)", f"torch.ones({M + 1}, 0).sum(dim=1)"),
    ("torch.stack([torch.ones(1000)] * 100)", "torch.cat([torch.ones(1000)] * 101)"),
]
LIMIT_MESSAGE = f"A tensor may have at most {M:,} elements"


@pytest.mark.parametrize("at_limit, over_limit", AT_THE_LIMIT)
def test_each_sized_call_is_checked_at_the_limit(at_limit, over_limit, monkeypatch):
    """Refused by the prediction: no result over the limit ever reaches `Guard.after`."""
    after = Guard.after

    def after_within_the_limit(guard, value):
        assert not isinstance(value, torch.Tensor) or value.numel() <= M, "allocated"
        return after(guard, value)
    monkeypatch.setattr(Guard, "after", after_within_the_limit)
    graph = GRAD_X + "z = x * 2\n"
    assert "problem" not in run("import torch.nn.functional as F\n"
                                f"t = {at_limit}\n" + graph), at_limit
    if over_limit is not None:
        refused = problem("import torch.nn.functional as F\n" + f"t = {over_limit}\n" + graph)
        assert LIMIT_MESSAGE in refused["detail"], (over_limit, refused)


@pytest.mark.parametrize("call", [
    "torch.ones(torch.tensor(10**8))", "torch.arange(torch.tensor(0.0), 1e8, 1.0)",
    "torch.eye(torch.tensor(10000))", "torch.ones(1).repeat(10000, 10000)",
    "F.one_hot(torch.tensor([1]), num_classes=10**8)", "torch.tensor(2.0).repeat(10**8)",
    "torch.linspace(0, 1, torch.tensor(10**8))", "torch.arange(1, step=1e-8)"])
def test_the_issue_s_large_calls_are_refused_before_they_allocate(call):
    guard = Guard()
    func, args, kwargs = captured_call("import torch.nn.functional as F\n" + call)
    with pytest.raises(LimitExceeded, match=LIMIT_MESSAGE):
        guard.before(func, args, kwargs)


def captured_call(source):
    """(func, args, kwargs) of the call that is the program's last statement, taken without
    running it (the calls inside its arguments run)."""
    from webapp import language
    from webapp.execution.interpreter.interpreter import Interpreter

    class Stop(Exception):
        pass
    program = language.check(source)
    interpreter, calls, last = Interpreter(program), [], program.tree.body[-1].value
    tensor_call = interpreter.tensor_call

    def note(func, args, kwargs, node, **options):
        if node is not last:
            return tensor_call(func, args, kwargs, node, **options)
        calls.append((func, args, kwargs))
        raise Stop()
    interpreter.tensor_call = note
    with pytest.raises(Stop):
        interpreter.run()
    return calls[-1]
