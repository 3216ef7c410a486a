"""Live inputs: the program's scalar leaves whose value a request may set (the page's sliders).

A live input is a name of the program's top level bound to a leaf it has just made: a
floating-point tensor of one finite number that requires grad, such as
`x = torch.tensor(2.0, requires_grad=True)`. "Just made": the last tensor operation before
the binding made it, and no recorded operation ran since (so nothing has used it yet), and
the tensor has no name yet. A request's `inputs` ({name: number}) replace the value of each such
leaf when it is bound, before the program goes on: the run is the run of the program with that
number written in place of its own (for a loop that makes the leaf again, every time).

`LiveInputs(wanted).watch(interpreter)` before the run; `checked()` after it raises the 400 for
a name that was never replaced; `listed()` is the answer's `live_inputs`: each live input's
name, the value the program gives it, the value used and its dtype. Runs inside the sandbox
child.
"""
import math

from webapp.core.errors import LiveInputRefused


class LiveInputs:
    def __init__(self, wanted=None):
        self.wanted = dict(wanted or {})
        self.found = {}          # name -> {"name", "original", "value", "dtype"}, first binding
        self.refused = {}        # name -> (message id, fields): why a wanted name was not set
        self.made = None         # the last tensor made that autograd did not record
        self.recorded = None     # the interpreter's last recorded result when it was made
        self.interpreter = None

    def watch(self, interpreter):
        """Follow `interpreter`'s run (its on_tensor and on_bind hooks)."""
        self.interpreter = interpreter
        interpreter.on_tensor = self.tensor_made
        interpreter.on_bind = self.bound

    def tensor_made(self, tensor):
        self.made = tensor
        self.recorded = self.interpreter.last_recorded

    def bound(self, name, tensor):
        """A top-level name is being bound to `tensor` (not yet named for the graph)."""
        fresh = tensor is self.made and self.interpreter.last_recorded is self.recorded \
            and self.interpreter.recorder.name_of(tensor) is None
        if not fresh or not tensor.requires_grad or not tensor.is_floating_point():
            if name in self.wanted and name not in self.found:
                self.refused.setdefault(name, ("live-input-not-a-leaf", {"name": name}))
            return
        if tensor.numel() != 1:
            if name in self.wanted and name not in self.found:
                self.refused.setdefault(name, ("live-input-not-scalar", {
                    "name": name, "count": tensor.numel(), "shape": list(tensor.shape)}))
            return
        original = tensor.item()
        if not math.isfinite(original):      # no number for a slider to start from
            return
        if name in self.wanted:
            tensor.data.fill_(self.wanted[name])    # .data: autograd's version stays 0
        self.found.setdefault(name, {"name": name, "original": original,
                                     "value": tensor.item(),
                                     "dtype": str(tensor.dtype).removeprefix("torch.")})

    def checked(self):
        """Raise the 400 for the first wanted name (in the request's order) never replaced."""
        for name in self.wanted:
            if name not in self.found:
                message_id, fields = self.refused.get(name, ("live-input-unknown", {
                    "name": name, "known": ", ".join(self.found) or "—"}))
                raise LiveInputRefused.of(message_id, **fields)

    def listed(self):
        return list(self.found.values())

