"""Gradient descent run directly in PyTorch: the oracle for the descent lesson."""
import torch


def difficult(x):
    """The lecture's difficult function of one number."""
    return -1 / (x ** 2 + 1) * torch.log(1 / (1 + torch.exp(-x)) + 1)


def descend_directly(f, start, lr, steps):
    """x_0 ... x_steps and f(x_0) ... f(x_steps), as a PyTorch loop computes them."""
    x, xs, losses = torch.tensor(start), [], []
    for k in range(steps + 1):
        leaf = x.clone().requires_grad_(True)
        y = f(leaf)
        (grad,) = torch.autograd.grad(y, leaf)
        xs.append(float(x.detach()))
        losses.append(float(y.detach()))
        if k < steps:
            x = (x - lr * grad).detach()
    return xs, losses


def lecture_descent_final_x(steps, lr=0.01, start=3.0):
    """The final x of the lecture's gradient_descent loop (f(x) = x² + exp(-x), updated with
    `x.data = x.data - lr * x.grad`), written as the deck writes it."""
    x = torch.tensor(start, requires_grad=True)
    for _ in range(steps):
        y = x ** 2 + torch.exp(-x)
        y.backward()
        x.data = x.data - lr * x.grad
        x.grad.zero_()
    return x.item()
