"""`tensor.numpy()` (webapp/execution/interpreter/arrays.py): PyTorch's own refusal on a tensor
that requires grad, NumPy's own printing and arithmetic, and none of NumPy's API; each case
compared with NumPy and PyTorch run directly."""
import pytest
import torch

from tests.support.documents import GRAD_X, problem, run

GRAPH = GRAD_X + "z = x * 2\n"
V = "v = torch.tensor([1.0, 2.0], requires_grad=True)\ny = (v ** 2).sum()\ny.backward()\n"


def printed(source):
    """What the program printed (the test fails on a problem)."""
    answer = run(source + GRAPH)
    assert "problem" not in answer, answer["problem"]
    return answer["stdout"]


def test_numpy_on_a_tensor_that_requires_grad_raises_pytorch_s_own_error():
    with pytest.raises(RuntimeError) as raised:
        torch.tensor([1.0], requires_grad=True).numpy()
    refused = problem(V + "a = v.numpy()\n")
    assert refused["detail"] == str(raised.value)
    assert refused["line"] == 4


def test_a_gradient_prints_as_numpy_prints_it():
    v = torch.tensor([1.0, 2.0], requires_grad=True)
    (v ** 2).sum().backward()
    assert printed(V + "print(v.grad.numpy())\n") == f"{v.grad.numpy()}\n" == "[2. 4.]\n"


def test_starred_float32_values_print_in_their_shortest_form():
    values = torch.tensor([0.2, 1.4]).numpy()
    assert printed("g = torch.tensor([0.2, 1.4])\nprint(*g.numpy())\n") == \
        " ".join(map(str, values)) + "\n" == "0.2 1.4\n"


@pytest.mark.parametrize("tensor", ["torch.tensor(3.0)", "torch.tensor(7)",
                                    "torch.tensor([[1.0, 2.5], [3.0, 4.0]])",
                                    "torch.tensor([0.1, 1e-8, 123456789.0])",
                                    "torch.tensor([True, False])",
                                    "torch.tensor([1.0, 2.0], dtype=torch.float64) / 3"])
def test_scalars_and_arrays_print_as_numpy_prints_them(tensor):
    direct = eval(tensor, {"torch": torch}).numpy()
    assert printed(f"print(({tensor}).numpy())\n") == f"{direct}\n"


def test_indexing_length_unpacking_and_arithmetic_with_numbers_are_numpy_s():
    a = torch.tensor([2.0, 4.0]).numpy()
    expected = " ".join(map(str, [a[0], a[1] * 2, len(a), a + 1, 2 * a, -a, a / a, a[0] + 0.1,
                                  a[-1:], a ** 2, a > 3, sum(a), max(a)]))
    source = ("a = torch.tensor([2.0, 4.0]).numpy()\n"
              "print(a[0], a[1] * 2, len(a), a + 1, 2 * a, -a, a / a, a[0] + 0.1, a[-1:],"
              " a ** 2, a > 3, sum(a), max(a))\n")
    assert printed(source) == expected + "\n"
    first, second = a
    assert printed("u, w = torch.tensor([2.0, 4.0]).numpy()\nprint(u, w)\n") == \
        f"{first} {second}\n"


def test_a_two_dimensional_array_indexes_by_rows_as_numpy_does():
    m = torch.tensor([[1.0, 2.0], [3.0, 4.0]]).numpy()
    assert printed("m = torch.tensor([[1.0, 2.0], [3.0, 4.0]]).numpy()\n"
                   "print(m[0], m[1, 0], m[:, 1], len(m))\n") == \
        f"{m[0]} {m[1, 0]} {m[:, 1]} {len(m)}\n"


def test_a_pasted_session_echoes_numpy_s_repr():
    a = torch.tensor([2.0, 4.0]).numpy()
    answer = run(">>> x = torch.tensor(2.0, requires_grad=True)\n>>> z = x * 2\n"
                 ">>> a = torch.tensor([2.0, 4.0]).numpy()\n>>> a\n>>> a[0]\n")
    assert answer["stdout"] == f"{a!r}\n{a[0]!r}\n"


@pytest.mark.parametrize("use", ["a.tolist()", "a.shape", "a.reshape(2, 1)", "a.T"])
def test_no_attribute_of_the_array_is_reachable(use):
    refused = problem(f"a = torch.tensor([2.0, 4.0]).numpy()\nb = {use}\n" + GRAPH)
    assert "'ndarray' object has no attribute" in refused["detail"]


def test_an_array_result_over_the_tensor_limit_is_refused_before_numpy_makes_it():
    refused = problem("a = torch.ones(1000, 1).numpy()\nb = torch.ones(1, 1000).numpy()\n"
                      "c = a * b\n" + GRAPH)
    assert "at most 100,000 elements" in refused["detail"]


def test_indexing_with_a_list_is_refused():
    assert "index a NumPy array" in problem("a = torch.ones(3).numpy()\nb = a[[0, 0]]\n"
                                            + GRAPH)["detail"]


def test_the_array_shares_the_tensor_s_memory_as_pytorch_s_does():
    t = torch.tensor([1.0, 2.0])
    a = t.numpy()
    t.zero_()
    assert printed("t = torch.tensor([1.0, 2.0])\na = t.numpy()\nt.zero_()\nprint(a)\n") == \
        f"{a}\n"
