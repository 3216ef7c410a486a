"""The program's own functions: `def` and `lambda`, as values.

A `FunctionCode` is what the compiler made of a definition, once (its compiled body, its
parameters); a `UserFunction` is one evaluation of that definition at run time: the code, the
values of its defaults (computed when the `def` or `lambda` runs, as in Python) and the frames
it closes over (the live dicts of the enclosing functions, so a closure sees later assignments
to them, as a Python cell does). Calling one binds the arguments with Python's own rules and
messages, then runs the body in a new frame. Runs inside the sandbox child.
"""
import ast

from webapp.core import limits
from webapp.core.errors import LimitExceeded, NotAllowed
from webapp.execution.capture.groups import CALL
from webapp.execution.interpreter.flow import Return, position, run_failed


class FunctionCode:
    """A compiled `def` or `lambda`: `body` [(closure, node)], `result` (closure, node) for a
    final `return expression` (or a lambda's expression), `qualname` as Python spells it in
    errors (`outer.<locals>.inner`), positional and keyword-only parameter names."""

    def __init__(self, node, body, result, qualname):
        self.node, self.body, self.result, self.qualname = node, body, result, qualname
        arguments = node.args
        self.positional = [a.arg for a in arguments.posonlyargs + arguments.args]
        self.keyword_only = [a.arg for a in arguments.kwonlyargs]


class UserFunction:
    """A function value of the program: code, default values, enclosing frames."""

    def __init__(self, code, defaults=(), keyword_defaults=None, enclosing=()):
        self.code = code
        self.defaults = tuple(defaults)               # for the last len(defaults) positionals
        self.keyword_defaults = keyword_defaults or {}
        self.enclosing = enclosing                    # innermost first; never the globals

    @property
    def node(self):
        return self.code.node

    @property
    def parameters(self):
        return self.code.positional

    def __repr__(self):
        return f"<function {self.code.qualname}>"


def bind_arguments(function, args, kwargs, node):
    """The new frame {parameter: value} of a call, or Python's TypeError for the call."""
    code = function.code
    positional, name = code.positional, code.qualname
    if not kwargs and len(args) == len(positional) and not code.keyword_only:
        return dict(zip(positional, args))                  # the common call, at once
    if len(args) > len(positional):
        raise run_failed(TypeError(too_many(name, positional, function.defaults, len(args))),
                         node)
    frame = dict(zip(positional, args))
    for keyword, value in kwargs.items():
        if keyword in frame:
            raise run_failed(TypeError(f"{name}() got multiple values for argument "
                                       f"'{keyword}'"), node)
        if keyword not in positional and keyword not in code.keyword_only:
            raise run_failed(TypeError(f"{name}() got an unexpected keyword argument "
                                       f"'{keyword}'"), node)
        frame[keyword] = value
    first_default = len(positional) - len(function.defaults)
    for index, parameter in enumerate(positional[first_default:]):
        frame.setdefault(parameter, function.defaults[index])
    for parameter in code.keyword_only:
        if parameter not in frame and parameter in function.keyword_defaults:
            frame[parameter] = function.keyword_defaults[parameter]
    for kind, names in (("positional", positional), ("keyword-only", code.keyword_only)):
        missing = [p for p in names if p not in frame]
        if missing:
            raise run_failed(TypeError(
                f"{name}() missing {len(missing)} required {kind} argument"
                f"{'s' if len(missing) > 1 else ''}: {listed(missing)}"), node)
    return frame


def too_many(name, positional, defaults, given):
    """Python's words for a call with too many positional arguments."""
    most, least = len(positional), len(positional) - len(defaults)
    takes = f"from {least} to {most}" if least != most else str(most)
    plural = "" if takes == "1" else "s"
    was = "was" if given == 1 else "were"
    return f"{name}() takes {takes} positional argument{plural} but {given} {was} given"


def listed(names):
    """'a', 'a' and 'b', 'a', 'b', and 'c': as Python lists missing arguments."""
    quoted = [f"'{n}'" for n in names]
    if len(quoted) == 1:
        return quoted[0]
    if len(quoted) == 2:
        return f"{quoted[0]} and {quoted[1]}"
    return ", ".join(quoted[:-1]) + ", and " + quoted[-1]


def call_user(interpreter, function, args, kwargs, node):
    """Call the program's function: bind, check the call depth, run its body in a new frame
    that sees the frames it closes over."""
    frame = bind_arguments(function, args, kwargs, node)
    builtins = interpreter.builtins
    if builtins.call_depth >= limits.MAX_CALL_DEPTH:
        raise LimitExceeded(f"Functions may call each other at most "
                            f"{limits.MAX_CALL_DEPTH} deep.", **position(node))
    code = function.code
    interpreter.frames.append(frame)
    interpreter.scopes.append(function.enclosing)
    builtins.call_depth += 1
    recorder = interpreter.recorder
    caller = recorder.group
    recorder.group = (CALL, caller, code, node, None)     # its operations' group
    try:
        interpreter.run_block(code.body)
        if code.result is not None:
            return interpreter.run_result(*code.result)
    except Return as result:
        return result.value
    finally:
        recorder.group = caller
        builtins.call_depth -= 1
        interpreter.scopes.pop()
        interpreter.frames.pop()
    return None


class FunctionCompiler:
    """The compiler's handlers for `def` and `lambda` (`ExpressionCompiler` inherits them):
    the body compiled once; each time the definition runs, a new `UserFunction` with its
    defaults evaluated then and the frames it closes over."""
    enclosing_names = ()                          # the functions being compiled, outermost first
    local_names = None                            # the names local to the one being compiled

    def function_code(self, node, name, body, result, result_node):
        qualname = ".".join([f"{outer}.<locals>" for outer in self.enclosing_names] + [name])
        arguments = node.args
        if arguments.vararg or arguments.kwarg:
            raise NotAllowed("'*args' and '**kwargs' parameters are not allowed.",
                             **position(node))
        outer_locals, self.local_names = self.local_names, assigned_names(node)
        self.enclosing_names = self.enclosing_names + (name,)
        try:
            compiled_body = self.block(body)
            compiled_result = None if result is None else (self.expression(result), result_node)
        finally:
            self.enclosing_names = self.enclosing_names[:-1]
            self.local_names = outer_locals
        return FunctionCode(node, compiled_body, compiled_result, qualname)

    def function_maker(self, node, code):
        """A closure that makes the function value when the definition runs."""
        interpreter = self.interpreter
        defaults = [self.expression(d) for d in node.args.defaults]
        keyword_defaults = [(a.arg, self.expression(d)) for a, d in
                            zip(node.args.kwonlyargs, node.args.kw_defaults) if d is not None]
        return lambda: UserFunction(code, [d() for d in defaults],
                                    {k: d() for k, d in keyword_defaults},
                                    interpreter.enclosing_scope())

    def define(self, node):
        body, result = node.body, None
        if type(body[-1]) is ast.Return and body[-1].value is not None:
            body, result = body[:-1], body[-1]            # the value, without raising Return
        code = self.function_code(node, node.name, body, result and result.value, result)
        make, bind = self.function_maker(node, code), self.interpreter.bind
        return lambda: bind(node.name, make())

    def local_name(self, node):
        """A name the function being compiled assigns: read from its own frame only, as
        Python does (reading it before it is assigned is Python's UnboundLocalError)."""
        frames, name = self.interpreter.frames, node.id

        def load_local():
            scope = frames[-1]
            if name in scope:
                return scope[name]
            raise run_failed(UnboundLocalError(f"cannot access local variable '{name}' where "
                                               f"it is not associated with a value"), node)
        return load_local

    def lambda_(self, node):
        return self.function_maker(node, self.function_code(node, "<lambda>", [], node.body,
                                                             node.body))


NEW_SCOPES = (ast.FunctionDef, ast.Lambda, ast.ListComp, ast.DictComp, ast.SetComp,
              ast.GeneratorExp)


def assigned_names(function):
    """The names local to a `def` or `lambda`: its parameters and every name its body binds
    (assignment and loop targets, nested defs, imports), not looking into nested scopes."""
    arguments = function.args
    names = {a.arg for a in arguments.posonlyargs + arguments.args + arguments.kwonlyargs}
    body = function.body if isinstance(function.body, list) else [function.body]
    pending = list(body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
        if isinstance(node, ast.FunctionDef):
            names.add(node.name)
        if isinstance(node, (ast.FunctionDef, ast.Lambda)):   # defaults are evaluated here
            pending.extend(node.args.defaults + [d for d in node.args.kw_defaults if d])
        elif isinstance(node, NEW_SCOPES):
            pending.append(node.generators[0].iter)   # the first iterable is evaluated here
        else:
            pending.extend(ast.iter_child_nodes(node))
    return names
