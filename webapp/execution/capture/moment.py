"""The moment of a `.backward()` call: what the graph's leaves held when the program called it.

A training loop changes its leaves after `.backward()` (`x.data = x.data - lr * x.grad`), and
autograd's nodes keep the leaf itself, not a copy: replayed after the program ended, the
backward pass would differentiate at the updated values. So `Recorder.backward` notes, for
every call, the storage each leaf of the graph had then and its values (`BackwardCall`, kept on
the root's autograd node); `leaves_at(call)` puts them back for as long as the trace is taken,
then gives the leaves their current data again. Runs inside the sandbox child (torch).
"""
import contextlib


class BackwardCall:
    """One `.backward()` of the program: its number (1, 2, ... in the order called), the
    gradient it was seeded with (or None), and per leaf reachable from it (leaf tensor, the
    leaf's storage then, its values then: a number for one element, else a copy)."""
    __slots__ = ("number", "gradient", "leaves")

    def __init__(self, number, gradient, leaves):
        self.number, self.gradient, self.leaves = number, gradient, leaves


def leaf_state(variable):
    """(variable, its storage, its values) now: `.data` is an alias of the storage with a
    version counter of its own, so writing through it later bumps no version autograd checks."""
    storage = variable.data
    return variable, storage, storage.item() if storage.numel() == 1 else storage.clone()


@contextlib.contextmanager
def leaves_at(states):
    """While inside: each leaf of `states` (from `leaf_state`, or (leaf, a view, None) to put
    back a view's storage without writing to it) holds its storage and values of then. Both
    are changed back on the way out, whatever happens inside.

    Putting the storage back undoes `x.data = ...` (the views recorded with the calls keep the
    old storage); writing the old values into it undoes in-place writes (`x.data.fill_(1)`).
    """
    undo = []
    try:
        for variable, storage, values in states:
            later = None if values is None else storage.clone()
            undo.append((variable, variable.data, storage, later))
            if values is not None:
                restore(storage, values)
            variable.data = storage
        yield
    finally:
        for variable, current, storage, later in reversed(undo):
            if later is not None:
                storage.copy_(later)
            variable.data = current


def restore(storage, values):
    """Write `values` (a number or a tensor, from `leaf_state`) into `storage`."""
    if isinstance(values, (int, float, complex, bool)):
        storage.fill_(values)
    else:
        storage.copy_(values)
