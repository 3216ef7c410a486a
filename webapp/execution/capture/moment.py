"""The moment of a `.backward()` call: what the graph's leaves held when the program called it.

A training loop changes its leaves after `.backward()` (`x.data = x.data - lr * x.grad`), and
autograd's nodes keep the leaf itself, not a copy: replayed after the program ended, the
backward pass would differentiate at the updated values. So `Recorder.backward` notes, for
every call, the storage each leaf of the graph had then and its values (`BackwardCall`, kept on
the root's autograd node); `leaves_at(call)` puts them back for as long as the trace is taken,
then gives the leaves their current data again. Runs inside the sandbox child (torch).
"""
import contextlib

import torch


class BackwardCall:
    """One `.backward()` of the program: its number (1, 2, ... in the order called), the
    gradient it was seeded with (or None), and per leaf reachable from it (leaf tensor, the
    leaf's storage then, its values then: a number for one element, else a copy)."""
    __slots__ = ("number", "gradient", "leaves")

    def __init__(self, number, gradient, leaves):
        self.number, self.gradient, self.leaves = number, gradient, leaves


def leaf_state(variable):
    """(variable, its storage, its values, its version) now: `.data` is an alias of the
    storage with a version counter of its own, so writing through it later bumps no version
    autograd checks; an in-place update of the leaf itself (`x -= lr * x.grad` under
    no_grad, an optimizer's step) does, and the version is put back with the values."""
    storage = variable.data
    values = storage.item() if storage.numel() == 1 else storage.clone()
    return variable, storage, values, variable._version


@contextlib.contextmanager
def leaves_at(states):
    """While inside: each leaf of `states` (from `leaf_state`, or (leaf, a view, None) to put
    back a view's storage without writing to it) holds its storage, values and version of then. All
    are changed back on the way out, whatever happens inside.

    Putting the storage back undoes `x.data = ...` (the views recorded with the calls keep the
    old storage); writing the old values into it undoes in-place writes (`x.data.fill_(1)`).
    """
    undo = []
    try:
        for variable, storage, values, *version in states:
            later = None if values is None else storage.clone()
            undo.append((variable, variable.data, storage, later, variable._version))
            if values is not None:
                restore(storage, values)
            variable.data = storage
            if version:
                set_version(variable, version[0])
        yield
    finally:
        for variable, current, storage, later, version in reversed(undo):
            if later is not None:
                storage.copy_(later)
            variable.data = current
            set_version(variable, version)


def set_version(variable, version):
    """Set the version counter autograd checks saved tensors against (autograd's own way)."""
    if variable._version != version:
        torch._C._autograd._unsafe_set_version_counter((variable,), (version,))


def restore(storage, values):
    """Write `values` (a number or a tensor, from `leaf_state`) into `storage`."""
    if isinstance(values, (int, float, complex, bool)):
        storage.fill_(values)
    else:
        storage.copy_(values)
