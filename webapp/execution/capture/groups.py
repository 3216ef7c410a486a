"""The program's structure around each recorded operation: which call of a user function and
which loop iteration it ran in.

The interpreter keeps the innermost open group in `Recorder.group` (functions.call_user opens
a call, compiler's `for` and `while` open an iteration for each pass of the body) and
`Recorder.record` notes it on the operation's autograd node, one attribute read per operation.
A group is a plain tuple, made once per call or iteration (a 10,001-step loop makes 10,001
small tuples, no objects, no function call: ~0.1 us a pass):

    (CALL, parent, function code, call's AST node, None)
    (ITERATION, parent, loop's AST node, index from 0, the loop's range or None)

`parent` is the enclosing group or None. The tuple holds no tensor (a tensor that pointed
back at its own group through its node's metadata would be a cycle through autograd's C++
nodes, never collected): an iteration's label names the loop variable's value only for a
loop over a `range`, whose value at an index is known without keeping it.
A loop statement runs at most once per enclosing group, so (parent, loop node) names one run
of the loop. `GroupKeys` turns the tuples met in a trace into plain dicts.
Runs inside the sandbox child.
"""
import ast

CALL, ITERATION = "call", "iteration"


class GroupKeys:
    """Keys `g0, g1, ...` for the group tuples met while a trace is made, each group's
    ancestors included, and their plain descriptions in the order first met."""

    def __init__(self):
        self.keys = {}           # id(group tuple) -> key (the tuples live while tracing)
        self.loops = {}          # id(loop node) -> loop number, for the description
        self.described = []

    def key(self, group):
        """The key of `group` (None for none), describing it and its ancestors once."""
        if group is None:
            return None
        key = self.keys.get(id(group))
        if key is None:
            parent = self.key(group[1])
            key = self.keys[id(group)] = f"g{len(self.keys)}"
            self.described.append(describe(group, key, parent, self.loops))
        return key


def describe(group, key, parent, loops):
    """A group tuple as plain data: {key, kind, parent, label, line, ...}."""
    kind, _, source, detail, counted = group
    if kind == CALL:
        code, call = source, detail
        name = code.node.name if isinstance(code.node, ast.FunctionDef) else "lambda"
        return {"key": key, "kind": CALL, "parent": parent, "label": name,
                "function": code.qualname, "parameters": code.positional + code.keyword_only,
                "line": getattr(call, "lineno", None)}
    loop = loops.setdefault(id(source), len(loops))
    return {"key": key, "kind": ITERATION, "parent": parent,
            "label": iteration_label(source, detail, counted), "loop": loop,
            "header": loop_header(source), "index": detail, "line": source.lineno}


def loop_header(node):
    """`for i in range(3)`, `while y < 10`: the loop's first line as written."""
    if isinstance(node, ast.For):
        return f"for {ast.unparse(node.target)} in {ast.unparse(node.iter)}"
    return f"while {ast.unparse(node.test)}"


def iteration_label(node, index, counted):
    """`i = 3` for a loop over a range with one name, else `iteration 3`."""
    if counted is not None and isinstance(node, ast.For) and isinstance(node.target, ast.Name):
        return f"{node.target.id} = {counted[index]}"
    return f"iteration {index}"
