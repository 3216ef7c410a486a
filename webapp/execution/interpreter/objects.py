"""The interpreter's own objects that a program may hold: functions of the interpreter
(`torch.no_grad`, `torch.autograd.grad`, `nn.Linear`, `torch.optim.SGD`, ...) and what they
make (modules, optimizers, their parameter groups).

None of them hands a program a real Python attribute: each `Exposed` class lists the names a
program may read (`members`), and `attribute`, `call` and `item` are the only ways in. The
interpreter calls them from `attribute_of`, `Builtins.call` and `subscript`. Runs inside the
sandbox child.
"""
from webapp.core.errors import NotAllowed
from webapp.execution.interpreter.flow import position, run_failed


class Exposed:
    """An object of the interpreter's own. Subclasses list `members` (name -> what the
    member is, for messages) and define `member(name, interpreter, node)`."""
    members = {}
    kind = "object"

    def attribute(self, name, interpreter, node):
        """`self.name` in the program: a listed member, else a 400 naming what exists."""
        if name in self.members:
            return self.member(name, interpreter, node)
        listed = ", ".join(f".{member}" for member in self.members) or "nothing"
        raise NotAllowed(f"'.{name}' of {self.kind} is not available here; it has {listed}.",
                         **position(node))

    def member(self, name, interpreter, node):
        raise NotImplementedError

    def call(self, interpreter, args, kwargs, node):
        raise run_failed(TypeError(f"'{type(self).__name__}' object is not callable"), node)

    def item(self, index, interpreter, node):
        raise run_failed(TypeError(f"'{type(self).__name__}' object is not subscriptable"),
                         node)

    def store_item(self, index, value, interpreter, node):
        raise run_failed(TypeError(f"'{type(self).__name__}' object does not support item "
                                   f"assignment"), node)

    def store_attribute(self, name, value, interpreter, node):
        raise NotAllowed(f"'.{name}' of {self.kind} cannot be assigned to here.",
                         **position(node))

    def bound(self, name, recorder):
        """The program assigned this object to `name` (modules name their parameters)."""


class Function(Exposed):
    """A function of the interpreter: `implementation(interpreter, args, kwargs, node)`."""
    kind = "a function"

    def __init__(self, name, implementation, python=None):
        self.name = name
        self.implementation = implementation
        self.python = python          # what the program calls it in PyTorch (a class), if any

    def call(self, interpreter, args, kwargs, node):
        return self.implementation(interpreter, args, kwargs, node)

    def __repr__(self):     # as Python prints the class or function, without its address
        return repr(self.python) if self.python is not None else f"<function {self.name}>"


class Method(Function):
    """A member function of an Exposed object, bound to it: `implementation(owner,
    interpreter, args, kwargs, node)`."""
    kind = "a method"

    def __init__(self, owner, name, implementation):
        super().__init__(name, implementation)
        self.owner = owner

    def call(self, interpreter, args, kwargs, node):
        return self.implementation(self.owner, interpreter, args, kwargs, node)

    def __repr__(self):
        # Python's text names the method as the class of PyTorch's object that the owner
        # stands for defines it (`Module.parameters`, `SGD.step`, `Optimizer.zero_grad`).
        owner = self.owner
        python = getattr(owner, "module", None) or getattr(owner, "optimizer", owner)
        name = getattr(getattr(python, self.name, None), "__qualname__",
                       f"{type(python).__name__}.{self.name}")
        return f"<bound method {name} of {owner!r}>"


def arguments(name, parameters, args, kwargs, node, required=0):
    """{parameter: value} of a call `name(*args, **kwargs)` to a function whose parameters are
    `parameters` ({name: default}, in order; the first `required` have no default), with
    Python's own errors for a call that does not fit."""
    names = list(parameters)
    if len(args) > len(names):
        raise run_failed(TypeError(f"{name}() takes {len(names)} positional arguments but "
                                   f"{len(args)} were given"), node)
    bound = dict(zip(names, args))
    for key, value in kwargs.items():
        if key not in parameters:
            raise run_failed(TypeError(f"{name}() got an unexpected keyword argument "
                                       f"'{key}'"), node)
        if key in bound:
            raise run_failed(TypeError(f"{name}() got multiple values for argument "
                                       f"'{key}'"), node)
        bound[key] = value
    missing = [n for n in names[:required] if n not in bound]
    if missing:
        raise run_failed(TypeError(f"{name}() missing {len(missing)} required positional "
                                   f"argument{'s' if len(missing) > 1 else ''}: "
                                   + " and ".join(f"'{n}'" for n in missing)), node)
    return {key: bound.get(key, default) for key, default in parameters.items()}
