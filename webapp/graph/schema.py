"""The JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1) of the graph JSON document,
docs/graph-json.md written as a schema. openapi.py serves it inside /api/openapi.json;
tests/http/test_openapi.py validates every lecture program's document against it.

Objects are open (readers ignore fields they do not know, so fields can be added without a new
version); every documented field is required with its type.
"""
from webapp.core import limits

NODE_ID = {"type": "string", "pattern": "^n[0-9]+$"}
EDGE_ID = {"type": "string", "pattern": "^e[0-9]+$"}
GROUP_ID = {"type": "string", "pattern": "^g[0-9]+$"}
SPECIAL_NUMBER = {"enum": ["NaN", "Infinity", "-Infinity"],
                  "description": "A float that JSON cannot hold as a number."}
NUMBER = {"anyOf": [{"type": "number"}, SPECIAL_NUMBER]}
NULLABLE_NUMBER = {"anyOf": [{"type": "number"}, SPECIAL_NUMBER, {"type": "null"}]}
REF = "#/components/schemas/"


def ref(name):
    return {"$ref": REF + name}


def step(phase, required, properties, description):
    return {"type": "object", "description": description,
            "required": ["phase", *required],
            "properties": {"phase": {"const": phase}, **properties}}


SCHEMAS = {
    "Value": {
        "description": "A scalar (number, a special float string or a boolean), a tensor as "
                       "nested lists, a large tensor's summary, or null when not recorded.",
        "anyOf": [{"type": "number"}, SPECIAL_NUMBER, {"type": "boolean"}, {"type": "null"},
                  {"type": "array", "items": {"$ref": REF + "Value"}}, ref("Summary")],
    },
    "Summary": {
        "type": "object",
        "description": "A tensor too large to list within the document's bounds "
                       "(docs/graph-json.md, Bounds).",
        "required": ["summary", "shape", "elements", "first", "min", "max"],
        "properties": {
            "summary": {"const": True},
            "shape": {"type": "array", "items": {"type": "integer", "minimum": 0}},
            "elements": {"type": "integer", "minimum": 0},
            "first": {"anyOf": [{"type": "array", "items": {"anyOf": [
                {"type": "number"}, SPECIAL_NUMBER, {"type": "boolean"}]}},
                {"type": "string"}], "description": "The first elements, row-major."},
            "min": NULLABLE_NUMBER, "max": NULLABLE_NUMBER,
        },
    },
    "Node": {
        "type": "object",
        "description": "A value: an input (leaf that requires grad), a constant, or the "
                       "result of one recorded autograd operation.",
        "required": ["id", "kind", "label", "op", "name", "shape", "dtype", "value", "grad",
                     "is_output", "group"],
        "properties": {
            "id": NODE_ID,
            "kind": {"enum": ["input", "constant", "op"]},
            "label": {"type": "string", "description": "Short readable text: mul, x, 2."},
            "op": {"type": ["string", "null"], "description": "autograd's name, e.g. "
                   "MulBackward0; null for inputs and constants."},
            "name": {"type": ["string", "null"], "description": "The user's variable."},
            "shape": {"type": ["array", "null"], "items": {"type": "integer", "minimum": 0}},
            "dtype": {"type": ["string", "null"]},
            "value": ref("Value"),
            "grad": {**ref("Value"), "description": "d output / d node after backward."},
            "is_output": {"type": "boolean"},
            "group": {"anyOf": [GROUP_ID, {"type": "null"}], "description": "The innermost "
                      "call or iteration the node is in (never a series); null at the top."},
        },
    },
    "Edge": {
        "type": "object",
        "description": "source is an operand of target (forward direction).",
        "required": ["id", "source", "target", "local", "grad", "constant"],
        "properties": {
            "id": EDGE_ID, "source": NODE_ID, "target": NODE_ID,
            "local": {**ref("Value"), "description": "d target / d source: a number for "
                      "scalars, a small Jacobian, or null."},
            "grad": {**ref("Value"), "description": "What autograd passed back along it."},
            "constant": {"type": "boolean"},
        },
    },
    "Paths": {
        "type": "object",
        "description": "The sum over paths from one input to the output.",
        "required": ["count", "paths", "sum", "grad", "truncated"],
        "properties": {
            "count": {"type": "integer", "minimum": 0},
            "paths": {"type": "array", "maxItems": 64, "items": {
                "type": "object", "required": ["nodes", "edges", "product"],
                "properties": {"nodes": {"type": "array", "items": NODE_ID},
                               "edges": {"type": "array", "items": EDGE_ID},
                               "product": NULLABLE_NUMBER}}},
            "sum": NULLABLE_NUMBER,
            "grad": ref("Value"),
            "truncated": {"type": "boolean"},
        },
    },
    "TimelineStep": {
        "oneOf": [
            step("forward", ["node"], {"node": NODE_ID}, "The node's value is computed."),
            step("seed", ["node"], {"node": NODE_ID}, "d output / d output = 1."),
            step("backward", ["edge", "node"], {"edge": EDGE_ID, "node": NODE_ID},
                 "A gradient flows back along the edge to its source node."),
            step("accumulate", ["node", "edges"],
                 {"node": NODE_ID, "edges": {"type": "array", "items": EDGE_ID, "minItems": 2}},
                 "The node's grad is the sum of what flowed back along these edges."),
        ],
    },
    "Group": {
        "type": "object",
        "description": "A call of one of the program's functions, one loop iteration, or a "
                       "series of consecutive identical iterations of one loop "
                       "(docs/graph-json.md, Groups). Listed in pre-order: a parent before "
                       "its children, siblings by their first node.",
        "required": ["id", "kind", "label", "parent", "children", "nodes", "inputs",
                     "outputs", "line"],
        "properties": {
            "id": GROUP_ID,
            "kind": {"enum": ["call", "iteration", "series"]},
            "label": {"type": "string", "description": "call: the function's name (lambda "
                      "for a lambda); iteration: `i = 3` or `iteration 3`; series: the loop's "
                      "header, `for i in range(200)`."},
            "parent": {"anyOf": [GROUP_ID, {"type": "null"}]},
            "children": {"type": "array", "items": GROUP_ID},
            "nodes": {"type": "array", "items": NODE_ID, "minItems": 1,
                      "description": "Every node inside, sub-groups' included, by id."},
            "inputs": {"type": "array", "items": NODE_ID, "description": "Nodes outside "
                       "with an edge into the group (its arguments as the graph uses them)."},
            "outputs": {"type": "array", "items": NODE_ID, "description": "Nodes inside "
                        "with an edge leaving the group, or the output (its results)."},
            "line": {"type": ["integer", "null"], "minimum": 1, "description": "call: the "
                     "line of the call; iteration and series: the loop's line."},
            "function": {"type": "string", "description": "call: Python's qualified name."},
            "parameters": {"type": "array", "items": {"type": "string"}},
            "loop": {"type": "integer", "minimum": 0, "description": "iteration, series: "
                     "which run of a loop (0, 1, ... in order of first group)."},
            "header": {"type": "string"},
            "index": {"type": "integer", "minimum": 0, "description": "iteration: which "
                      "pass of the loop's body, from 0."},
            "count": {"type": "integer", "minimum": 2, "description": "series: how many "
                      "iterations (its children)."},
            "first": GROUP_ID, "last": GROUP_ID,
        },
    },
    "Backward": {
        "type": "object",
        "description": "Which `.backward()` call the graph's numbers belong to.",
        "required": ["called", "call", "calls"],
        "properties": {
            "called": {"type": "boolean", "description": "true: the program called "
                       ".backward() on the output, and every number is taken at that call; "
                       "false: it did not, and the grads are those output.backward() would "
                       "give (seeded with ones) at the values the graph shows."},
            "call": {"type": ["integer", "null"], "minimum": 1, "description": "Which of the "
                     "program's .backward() calls it is (1 = the first); null if not called."},
            "calls": {"type": "integer", "minimum": 0,
                      "description": "How many .backward() calls the program made."},
        },
    },
    "Graph": {
        "type": "object",
        "title": "Autograd graph, version 1",
        "description": "docs/graph-json.md. `graph` is networkx's node_link_data.",
        "required": ["version", "graph", "output", "backward", "paths", "timeline", "stdout",
                     "warnings", "no_graph", "groups"],
        "properties": {
            "version": {"const": 1},
            "graph": {
                "type": "object",
                "required": ["directed", "multigraph", "graph", "nodes", "edges"],
                "properties": {
                    "directed": {"const": True}, "multigraph": {"const": False},
                    "graph": {"type": "object"},
                    "nodes": {"type": "array", "items": ref("Node")},
                    "edges": {"type": "array", "items": ref("Edge")},
                },
            },
            "output": {"anyOf": [NODE_ID, {"type": "null"}], "description": "The node "
                       "differentiated; null when the program recorded no graph (no nodes, "
                       "no timeline, and a warning saying why)."},
            "backward": ref("Backward"),
            "paths": {"type": "object", "propertyNames": NODE_ID,
                      "additionalProperties": ref("Paths")},
            "timeline": {"type": "array", "items": ref("TimelineStep")},
            "groups": {"type": "array", "items": ref("Group")},
            "stdout": {"type": "string"},
            "warnings": {"type": "array", "items": {"type": "string"}},
            "no_graph": {"enum": [None, "plain-numbers", "no-requires-grad",
                                  "nothing-computed", "backward-on-leaf"],
                         "description": "null, or why the program recorded no graph (the "
                                        "warnings say it in words): plain Python numbers "
                                        "only; no tensor requires grad; nothing computed "
                                        "from one that does; .backward() on a leaf."},
            "variables": {"type": "object", "description": "The program's final numbers and "
                          "tensors by name (tensors with their .grad)."},
        },
    },
}


# What autograd saved for backward, and the graph of a gradient (issue 15): added to the
# schemas above in one place (docs/graph-json.md, "Saved for backward" and "Higher order").
NULLABLE_NODE_ID = {"anyOf": [NODE_ID, {"type": "null"}]}
SCHEMAS["SavedValue"] = {
    "type": "object",
    "description": "One `grad_fn._saved_<name>` of an op node: a tensor (shape, dtype, bytes, "
                   "its storage and whose value it is), tensors, a number, sizes, none, or "
                   "unavailable (changed in place since it was saved).",
    "required": ["name", "kind", "value", "shape", "dtype", "bytes", "storage",
                 "storage_bytes", "role", "node", "summary"],
    "properties": {
        "name": {"type": "string", "description": "self, other, result, exponent, ..."},
        "kind": {"enum": ["tensor", "tensors", "scalar", "sizes", "none", "unavailable"]},
        "value": {"description": "The tensor's values (null past the listing limits), the "
                  "number or sizes, or for `tensors` a list of SavedValue."},
        "shape": {"type": ["array", "null"], "items": {"type": "integer", "minimum": 0}},
        "dtype": {"type": ["string", "null"]},
        "bytes": {"type": ["integer", "null"], "minimum": 0,
                  "description": "numel * element size of the saved tensor."},
        "storage": {"type": ["string", "null"], "pattern": "^s[0-9]+$",
                    "description": "Which storage: equal ids share memory."},
        "storage_bytes": {"type": ["integer", "null"], "minimum": 0},
        "role": {"enum": ["input", "output", "graph", "other", None],
                 "description": "An operand of this op, its own result, another node's "
                                "value, or a tensor no node shows."},
        "node": {**NULLABLE_NODE_ID, "description": "The node whose value it is."},
        "summary": {"type": ["object", "null"], "description": "min, max, mean of a "
                    "tensor too large to list."},
        "uses": {"type": ["array", "null"], "items": NODE_ID, "description": "The operands "
                 "whose local derivative uses it (null: not known for this op)."},
    },
}
SCHEMAS["SavedMemory"] = {
    "type": "object", "required": ["bytes", "storages", "tensors"],
    "description": "Memory autograd keeps for the graph's backward: every storage once.",
    "properties": {key: {"type": "integer", "minimum": 0}
                   for key in ("bytes", "storages", "tensors")},
}
SCHEMAS["Node"]["required"] += ["saved", "saved_bytes", "backward_pass", "derivative",
                                "gradient"]
SCHEMAS["Node"]["properties"].update({
    "saved": {"type": ["array", "null"], "items": ref("SavedValue"),
              "description": "What the op saved for backward; null for inputs, constants."},
    "saved_bytes": {"type": ["integer", "null"], "minimum": 0},
    "backward_pass": {"type": ["integer", "null"], "minimum": 1, "description": "The "
                      "create_graph backward call that made this op (null: the program's "
                      "own operation)."},
    "derivative": {"type": ["integer", "null"], "minimum": 0, "description": "0 for the "
                   "program's operations, 1 for those of a first derivative, ..."},
    "gradient": {"type": ["object", "null"], "required": ["call", "index"],
                 "description": "This node is the gradient `index` of backward call `call` "
                              "(an entry of higher_order)."},
})
GRAPH_PART = ("graph", "output", "backward", "paths", "timeline", "groups", "saved_memory")
SCHEMAS["Graph"]["required"] += ["saved_memory", "higher_order"]
SCHEMAS["Graph"]["properties"]["saved_memory"] = ref("SavedMemory")
SCHEMAS["GradientGraph"] = {
    "type": "object",
    "description": "A gradient made with create_graph=True and its own graph (the backward "
                   "pass as forward operations), differentiated again.",
    "required": ["call", "index", "api", "of", "wrt", "name", "order", "shape", "node",
                 "document"],
    "properties": {
        "call": {"type": "integer", "minimum": 1}, "api": {"enum": ["grad", "backward"]},
        "index": {"type": "integer", "minimum": 0, "description": "Which of the call's "
                  "inputs (0 = the first) it is the gradient for."},
        "of": {"type": ["string", "null"]}, "wrt": {"type": ["string", "null"]},
        "name": {"type": ["string", "null"]}, "order": {"type": "integer", "minimum": 1},
        "shape": {"type": "array", "items": {"type": "integer", "minimum": 0}},
        "node": {**NULLABLE_NODE_ID, "description": "The gradient's node in the main graph."},
        "document": {"anyOf": [{"type": "null"}, {
            "type": "object", "required": list(GRAPH_PART),
            "properties": {key: SCHEMAS["Graph"]["properties"][key] for key in GRAPH_PART}}]},
    },
}
SCHEMAS["Graph"]["properties"]["higher_order"] = {
    "type": "array", "maxItems": limits.MAX_HIGHER_ORDER_GRAPHS,
    "items": ref("GradientGraph")}
# Live inputs (issue 15): the scalar leaves a request's `inputs` may set (docs/graph-json.md).
SCHEMAS["LiveInput"] = {
    "type": "object", "required": ["name", "original", "value", "dtype", "node"],
    "description": "A top-level name bound to a scalar floating-point leaf that requires grad, "
                   "as the program made it; `inputs` sets its value.",
    "properties": {"name": {"type": "string"}, "dtype": {"type": "string"},
                   "original": {"type": "number", "description": "The program's own value."},
                   "value": {"type": "number", "description": "The value this run used."},
                   "node": {**NULLABLE_NODE_ID, "description": "Its input node in the graph."}}}
SCHEMAS["Graph"]["required"] += ["live_inputs"]
SCHEMAS["Graph"]["properties"]["live_inputs"] = {"type": "array", "items": ref("LiveInput")}
