"""The shapes of tensor operations' results, predicted before they run (for `guard`).

Three ways, cheapest first: the creation functions' shapes from their size arguments
(`CREATION_SHAPES`; a size may be a number or a 1-element integer tensor, as PyTorch takes it);
no prediction at all for the operations whose result cannot hold more elements than their
tensor arguments together (`BOUNDED`: elementwise, broadcasting, reductions, views, products)
when those are few; and for everything else (repeat, expand, one_hot, pad, diag, cat, ...)
the operation run on shape-only "meta" tensors. Runs inside the sandbox child.
"""
import math
import operator

import torch
import torch.nn.functional as F

from webapp.core import limits

Tensor = torch.Tensor
Parameter = torch.nn.Parameter
PREDICTION_ERRORS = (TypeError, ValueError, OverflowError, ZeroDivisionError, KeyError,
                     IndexError, RuntimeError)


def number(value):
    """A size or bound as PyTorch reads it: a 1-element tensor becomes its number."""
    if isinstance(value, Tensor) and value.numel() == 1:
        return value.item()
    return value


def is_size(value):
    """An int that is not a bool."""
    return isinstance(value, int) and not isinstance(value, bool)


def size_from_arguments(sizes):
    """The shape given as sizes (`ones(2, 3)`, `ones((2, 3))`, `ones(torch.tensor(6))`), or
    None when torch should judge them itself."""
    if len(sizes) == 1 and isinstance(sizes[0], (list, tuple, torch.Size)):
        sizes = sizes[0]
    sizes = [number(s) for s in sizes]
    if not all(is_size(s) and s >= 0 for s in sizes):
        return None                    # torch says what is wrong
    return tuple(sizes)


def arange_shape(args, kwargs):
    """The shape torch.arange would make from these arguments (numbers or 0-d tensors)."""
    numbers = [float(number(a)) for a in args]
    start, end, step = {1: lambda: (0.0, numbers[0], 1.0), 2: lambda: (*numbers, 1.0),
                        3: lambda: tuple(numbers)}[len(numbers)]()
    if "start" in kwargs:
        start, end = float(number(kwargs["start"])), numbers[0]
    if "step" in kwargs:
        step = float(number(kwargs["step"]))
    return (max(0, math.ceil((end - start) / step)),)


def linspace_shape(args, kwargs):
    """The shape torch.linspace would make (None when `steps` is not a size)."""
    steps = number(kwargs.get("steps", args[2] if len(args) > 2 else 0))
    return (steps,) if is_size(steps) else None


def eye_shape(args, kwargs):
    """The shape torch.eye would make (None without sizes)."""
    sizes = [number(a) for a in args]
    if not sizes or not all(is_size(s) for s in sizes):
        return None
    return (sizes[0], sizes[-1])


def randint_shape(args, kwargs):
    """The shape torch.randint(high, size) or torch.randint(low, high, size) would make."""
    return size_from_arguments(args[-1:])


def data_shape(args, kwargs):
    """The shape torch.tensor would give nested lists, following first elements (a list
    repeated by reference, [[0] * 10**4] * 10**4, is not walked element by element)."""
    shape, data = [], args[0] if args else None
    while isinstance(data, (list, tuple)):
        shape.append(len(data))
        if not data:
            break
        data = data[0]
    if isinstance(data, Tensor):
        shape.extend(data.shape)
    return tuple(shape)


def one_hot_shape(args, kwargs):
    """The shape F.one_hot would make: the input's shape and one more dimension, of
    `num_classes` (or, when not given, the input's largest value + 1)."""
    tensor = args[0]
    classes = number(kwargs.get("num_classes", args[1] if len(args) > 1 else -1))
    if not isinstance(tensor, Tensor) or not is_size(classes):
        return None
    if classes == -1:
        if tensor.numel() == 0 or tensor.is_floating_point() or tensor.is_complex():
            return None
        classes = int(tensor.max()) + 1
    return (*tensor.shape, classes)


def sized(predict):
    """A creation shape from the size arguments given as `ones(...)` takes them."""
    return lambda args, kwargs: predict(args)


CREATION_SHAPES = {
    **{f: sized(size_from_arguments) for f in (torch.ones, torch.zeros, torch.rand, torch.randn)},
    torch.full: lambda args, kwargs: size_from_arguments(args[:1]),
    torch.randint: randint_shape, torch.arange: arange_shape, torch.linspace: linspace_shape,
    torch.eye: eye_shape, torch.tensor: data_shape, torch.as_tensor: data_shape,
    F.one_hot: one_hot_shape,
}

# Operations whose result has at most as many elements as their tensor arguments have
# together (the product of their counts): elementwise and broadcasting arithmetic,
# reductions, views and copies, products (matmul, outer, einsum).
BOUNDED_OPERATORS = (operator.add, operator.sub, operator.mul, operator.truediv,
                     operator.floordiv, operator.mod, operator.pow, operator.matmul,
                     operator.iadd, operator.isub, operator.imul, operator.itruediv,
                     operator.ifloordiv, operator.imod, operator.ipow, operator.imatmul,
                     operator.neg, operator.pos, operator.eq, operator.ne, operator.lt,
                     operator.le, operator.gt, operator.ge, operator.getitem)
BOUNDED_NAMES = """
    sin cos tan asin acos atan atan2 sinh cosh tanh asinh acosh atanh exp exp2 expm1 log log2
    log10 log1p sqrt rsqrt square abs neg sign floor ceil round trunc frac reciprocal erf
    sigmoid relu clamp clip lerp hypot maximum minimum where
    add sub subtract mul multiply div divide true_divide pow remainder fmod
    sum mean prod max min amax amin std var norm logsumexp cumsum cumprod argmax argmin
    softmax log_softmax matmul mm mv bmm dot outer inner trace einsum tensordot cross
    tril triu reshape flatten squeeze unsqueeze transpose t permute view view_as
    ones_like zeros_like full_like rand_like randn_like empty_like numel is_tensor allclose
    equal isclose isnan isinf item tolist size dim detach clone zero_ fill_ requires_grad_
    retain_grad float double long int bool manual_seed
    relu6 leaky_relu elu selu gelu silu softplus softsign hardtanh logsigmoid normalize
    linear mse_loss l1_loss smooth_l1_loss huber_loss binary_cross_entropy
    binary_cross_entropy_with_logits cross_entropy nll_loss cosine_similarity dropout
""".split()
BOUNDED = frozenset(
    BOUNDED_OPERATORS
    + tuple(getattr(torch, n) for n in BOUNDED_NAMES if hasattr(torch, n))
    + tuple(getattr(Tensor, n) for n in BOUNDED_NAMES if hasattr(Tensor, n))
    + tuple(getattr(F, n) for n in BOUNDED_NAMES if hasattr(F, n)))
# Operations that take sizes after their tensor: a 1-element integer tensor there is a number.
TAKES_SIZES = frozenset({Tensor.repeat, Tensor.expand, Tensor.reshape, Tensor.view,
                         torch.reshape, torch.broadcast_to, F.pad, torch.diag, Tensor.diag})


def predict_shape(func, args, kwargs):
    """The result's shape if it must be known before running, else None (when the result
    cannot be large, or when torch will refuse the arguments itself)."""
    creation = CREATION_SHAPES.get(func)
    if creation is not None:
        try:
            return creation(args, kwargs)
        except PREDICTION_ERRORS:
            return None                  # torch says what is wrong with the arguments
    if func in BOUNDED:
        total = 1
        for value in (*args, *kwargs.values()) if kwargs else args:
            kind = type(value)
            if kind is Tensor or kind is Parameter:       # a module's weight is a tensor too
                total *= value.numel() or extent(value)
            elif kind is list or kind is tuple:
                return meta_shape(func, args, kwargs)
        return None if total <= limits.MAX_TENSOR_ELEMENTS else meta_shape(func, args, kwargs)
    for value in (*args, *kwargs.values()):
        if isinstance(value, (Tensor, list, tuple)):
            return meta_shape(func, args, kwargs)
    return None


def extent(tensor):
    """The elements an empty tensor's shape spans when its zero sizes count as one: what a
    reduction over them or a product across them may make (`ones(10**9, 0).sum(1)`)."""
    return math.prod(max(size, 1) for size in tensor.shape)


def meta_shape(func, args, kwargs):
    """Run the operation on meta tensors (shapes only, no data) to learn the result's shape."""
    sizes = func in TAKES_SIZES

    def to_meta(a, first=False):
        if isinstance(a, Tensor):
            if sizes and not first and a.numel() == 1 and not a.is_floating_point():
                return a.item()
            return torch.empty(a.shape, dtype=a.dtype, device="meta")
        if isinstance(a, (list, tuple)):
            return type(a)(to_meta(x) for x in a)
        return a
    try:
        result = func(*(to_meta(a, i == 0) for i, a in enumerate(args)),
                      **{k: to_meta(v) for k, v in kwargs.items()})
    except Exception:                  # not every op runs on meta; the check after still holds
        return None
    return result.shape if isinstance(result, Tensor) else None


def warm_up():
    """Load, once and before the fork server forks, what the first prediction on meta
    tensors, autograd's first backward and the capture's first rerun would otherwise import
    in every child: the meta kernels; torch.fx's symbolic shapes and sympy (~0.6 s of CPU and
    ~36 MB each); torch._dynamo, which the first call of a function PyTorch keeps out of
    dynamo imports (~1.3 s). The predictions used to load them by the way; the common
    operations no longer run on meta tensors."""
    import torch._dynamo  # noqa: F401
    import torch.fx.experimental.symbolic_shapes  # noqa: F401
    meta_shape(torch.matmul, (torch.ones(2, 2), torch.ones(2)), {})


warm_up()
