"""The direct call of autograd's engine (webapp/execution/capture/engine.py): for every case it
takes, the gradients are exactly those of `Tensor.backward`; every other case goes through
`Tensor.backward` and fails with PyTorch's own words."""
import pytest
import torch

from webapp.execution.capture.engine import is_plain_scalar, run_backward


def scalar_float32():
    x = torch.tensor(3.0, requires_grad=True)
    return [x], x ** 2 + torch.exp(-x)


def scalar_float64():
    x = torch.tensor(0.7, dtype=torch.float64, requires_grad=True)
    return [x], torch.sin(x) * torch.cos(x)


def one_element_vector():
    w = torch.tensor([1.5, -2.0], requires_grad=True)
    return [w], (w * w).sum().reshape(1)


def two_leaves_shared():
    a, b = torch.tensor(2.0, requires_grad=True), torch.tensor(-1.0, requires_grad=True)
    c = a * b
    return [a, b], c * a + c.exp()


def the_leaf_itself():
    x = torch.tensor(4.0, requires_grad=True)
    return [x], x


def half_precision():
    x = torch.tensor(1.25, dtype=torch.float16, requires_grad=True)
    return [x], x * x


CASES = [scalar_float32, scalar_float64, one_element_vector, two_leaves_shared,
         the_leaf_itself, half_precision]


@pytest.mark.parametrize("make", CASES, ids=lambda m: m.__name__)
def test_the_direct_call_gives_tensor_backwards_gradients_exactly(make):
    leaves, output = make()
    assert is_plain_scalar(output, None)
    run_backward(output, retain_graph=True)
    ours = [leaf.grad.clone() for leaf in leaves]
    expected_leaves, expected_output = make()
    expected_output.backward(retain_graph=True)
    for got, expected in zip(ours, (leaf.grad for leaf in expected_leaves)):
        assert got.dtype == expected.dtype and torch.equal(got, expected)


def test_the_direct_call_accumulates_like_backward_and_frees_without_retain():
    x = torch.tensor(3.0, requires_grad=True)
    y = x ** 3
    run_backward(y, retain_graph=True)
    run_backward(y)                                   # buffers freed now, as PyTorch does
    assert x.grad.item() == 2 * 27.0
    with pytest.raises(RuntimeError) as ours:
        run_backward(y)
    with pytest.raises(RuntimeError) as theirs:
        z = x ** 3
        z.backward()
        z.backward()
    assert str(ours.value) == str(theirs.value)


def unusual_cases():
    vector = torch.tensor([1.0, 2.0], requires_grad=True) * 2
    constant = torch.tensor(1.0)
    with_gradient = torch.tensor([1.0, 2.0], requires_grad=True) * 3
    return [("non-scalar", vector, None), ("no grad", constant, None),
            ("gradient given", with_gradient, torch.tensor([1.0, 0.5]))]


@pytest.mark.parametrize("case", range(3), ids=["non-scalar", "no-grad", "gradient-given"])
def test_other_cases_go_through_tensor_backward_with_pytorchs_words(case):
    _, tensor, gradient = unusual_cases()[case]
    assert not is_plain_scalar(tensor, gradient)
    _, same, same_gradient = unusual_cases()[case]
    try:
        same.backward(same_gradient)
        expected = None
    except RuntimeError as error:
        expected = str(error)
    if expected is None:
        run_backward(tensor, gradient)
        leaf = tensor.grad_fn.next_functions[0][0].variable
        assert torch.equal(leaf.grad, same.grad_fn.next_functions[0][0].variable.grad)
    else:
        with pytest.raises(RuntimeError) as ours:
            run_backward(tensor, gradient)
        assert str(ours.value) == expected
