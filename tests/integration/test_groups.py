"""Groups from the program's structure (capture/groups.py, graph/groups.py): calls, loop
iterations and series, checked against the program's own structure. Where a group's content
is numbers, PyTorch run directly on the same loop is the oracle (each iteration's result
must be the value of that iteration's output port)."""
import jsonschema
import torch

from tests.support.documents import GRAD_X, document_of, nodes_of
from tests.support.numbers import close
from webapp.graph.schema import SCHEMAS


def groups_by_id(doc):
    return {group["id"]: group for group in doc["groups"]}


def of_kind(doc, kind):
    return [group for group in doc["groups"] if group["kind"] == kind]


def labels(doc, group):
    nodes = nodes_of(doc)
    return [nodes[n]["label"] for n in group["nodes"] if nodes[n]["kind"] == "op"]


def output_value(doc, group):
    (port,) = group["outputs"]
    return nodes_of(doc)[port]["value"]


def assert_well_formed(doc):
    """What holds for every document: the schema; pre-order ids; each node's `group` is
    the innermost group listing it; a group's nodes are its own plus its children's."""
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema",
              "$ref": "#/components/schemas/Graph",
              "components": {"schemas": SCHEMAS}}
    jsonschema.validate(doc, schema)
    groups = groups_by_id(doc)
    assert [g["id"] for g in doc["groups"]] == [f"g{i}" for i in range(len(groups))]
    for group in doc["groups"]:
        assert group["nodes"] == sorted(group["nodes"], key=lambda n: int(n[1:]))
        if group["parent"] is not None:
            parent = groups[group["parent"]]
            assert int(parent["id"][1:]) < int(group["id"][1:])
            assert group["id"] in parent["children"]
            assert set(group["nodes"]) <= set(parent["nodes"])
        for child in group["children"]:
            assert groups[child]["parent"] == group["id"]
    for node in doc["graph"]["nodes"]:
        holding = [g for g in doc["groups"] if node["id"] in g["nodes"]]
        if node["group"] is None:
            assert holding == [] or all(g["kind"] != "call" and g["kind"] != "iteration"
                                        for g in holding)
        else:
            assert groups[node["group"]]["kind"] in ("call", "iteration")
            inner = [g for g in holding if g["kind"] != "series"]
            assert max(inner, key=lambda g: int(g["id"][1:]))["id"] == node["group"]
        if node["kind"] == "input":
            assert node["group"] is None and holding == []


CHAIN = GRAD_X + "y = x\nfor i in range(6):\n    y = torch.sin(y) * 1.01 + x\ny.backward()\n"


def test_a_loop_of_identical_iterations_is_one_series_whose_ports_hold_pytorchs_values():
    doc = document_of(CHAIN)
    assert_well_formed(doc)
    (series,) = of_kind(doc, "series")
    iterations = of_kind(doc, "iteration")
    assert series["count"] == 6 and series["children"] == [g["id"] for g in iterations]
    assert series["first"] == iterations[0]["id"] and series["last"] == iterations[-1]["id"]
    assert series["header"] == "for i in range(6)" and series["parent"] is None
    x = torch.tensor(2.0, requires_grad=True)
    y = x
    for i, iteration in enumerate(iterations):
        y = torch.sin(y) * 1.01 + x
        assert iteration["label"] == f"i = {i}" and iteration["index"] == i
        assert labels(doc, iteration) == ["sin", "mul", "add"]
        assert close(output_value(doc, iteration), y)
    inputs = [n["id"] for n in doc["graph"]["nodes"] if n["kind"] == "input"]
    assert series["inputs"] == inputs and series["outputs"] == [doc["output"]]


NESTED = GRAD_X + """def inner(a):
    return torch.exp(a) * 2
def outer(a, b=3.0):
    return inner(a) + inner(a * b)
y = outer(x)
y.backward()
"""


def test_nested_calls_are_groups_inside_their_caller():
    doc = document_of(NESTED)
    assert_well_formed(doc)
    calls = of_kind(doc, "call")
    assert [c["label"] for c in calls] == ["outer", "inner", "inner"]
    outer, first, second = calls
    assert outer["parameters"] == ["a", "b"] and outer["function"] == "outer"
    assert first["parent"] == second["parent"] == outer["id"]
    assert outer["children"] == [first["id"], second["id"]]
    assert first["function"] == "inner"
    assert labels(doc, first) == ["exp", "mul"]
    assert labels(doc, outer) == ["exp", "mul", "mul", "exp", "mul", "add"]
    x = torch.tensor(2.0)
    assert close(output_value(doc, first), torch.exp(x) * 2)
    assert close(output_value(doc, second), torch.exp(x * 3.0) * 2)
    assert outer["outputs"] == [doc["output"]]
    assert first["line"] == second["line"] == 5          # where inner is called


IN_A_LOOP = GRAD_X + """def step(h, k):
    return torch.tanh(h * k)
h = x
for k in [0.5, 1.5, 2.5]:
    h = step(h, k) + h
h.backward()
"""


def test_a_function_called_in_a_loop_is_a_call_inside_each_iteration():
    doc = document_of(IN_A_LOOP)
    assert_well_formed(doc)
    groups = groups_by_id(doc)
    (series,) = of_kind(doc, "series")
    iterations = of_kind(doc, "iteration")
    calls = of_kind(doc, "call")
    assert len(iterations) == len(calls) == 3 and series["count"] == 3
    x = torch.tensor(2.0)
    h = x
    for iteration, call, k in zip(iterations, calls, [0.5, 1.5, 2.5]):
        assert call["parent"] == iteration["id"] and groups[iteration["parent"]] is series
        assert iteration["label"] == "iteration " + str(iteration["index"])   # floats
        assert close(output_value(doc, call), torch.tanh(h * k))
        h = torch.tanh(h * k) + h
        assert close(output_value(doc, iteration), h)


def test_a_while_loop_makes_an_iteration_per_pass_of_its_body():
    doc = document_of(GRAD_X + "y = x\nwhile y < 50:\n    y = y * 3\ny.backward()\n")
    assert_well_formed(doc)
    iterations = of_kind(doc, "iteration")
    passes, y = 0, 2.0
    while y < 50:
        y, passes = y * 3, passes + 1
    assert [g["index"] for g in iterations] == list(range(passes))
    assert of_kind(doc, "series")[0]["header"] == "while y < 50"
    assert close(output_value(doc, iterations[-1]), y)


def test_only_runs_of_identical_iterations_are_series():
    source = GRAD_X + """y = x
for i in range(7):
    if i < 3:
        y = y * 1.5
    elif i < 4:
        y = torch.sin(y)
    else:
        y = torch.cos(y) + 1
y.backward()
"""
    doc = document_of(source)
    assert_well_formed(doc)
    series = of_kind(doc, "series")
    groups = groups_by_id(doc)
    assert [s["count"] for s in series] == [3, 3]
    assert [groups[s["first"]]["index"] for s in series] == [0, 4]
    lone = [g for g in of_kind(doc, "iteration") if g["parent"] is None]
    assert [g["index"] for g in lone] == [3] and labels(doc, lone[0]) == ["sin"]


def test_iterations_whose_shapes_differ_are_no_series():
    source = GRAD_X + """s = x * 0
for n in [1, 2, 3]:
    s = s + (x * torch.ones(n)).sum()
s.backward()
"""
    doc = document_of(source)
    assert_well_formed(doc)
    assert of_kind(doc, "series") == [] and len(of_kind(doc, "iteration")) == 3


def test_nested_loops_give_series_inside_iterations_of_a_series():
    source = GRAD_X + """y = x
for i in range(3):
    for j in range(2):
        y = y * 1.1
    y = torch.sin(y)
y.backward()
"""
    doc = document_of(source)
    assert_well_formed(doc)
    groups = groups_by_id(doc)
    outer = [s for s in of_kind(doc, "series") if s["parent"] is None]
    assert len(outer) == 1 and outer[0]["count"] == 3
    inner = [s for s in of_kind(doc, "series") if s["parent"] is not None]
    assert len(inner) == 3 and all(s["count"] == 2 for s in inner)
    assert all(groups[s["parent"]]["kind"] == "iteration" for s in inner)
    assert all(s["loop"] != outer[0]["loop"] for s in inner)


def test_comprehensions_are_no_groups_but_the_calls_in_them_are():
    source = GRAD_X + """sq = lambda t, k: t ** k
terms = [sq(x, k) for k in range(1, 4)]
y = sum(terms)
y.backward()
"""
    doc = document_of(source)
    assert_well_formed(doc)
    calls = of_kind(doc, "call")
    assert [c["label"] for c in calls] == ["lambda"] * 3
    assert all(c["parent"] is None for c in calls) and of_kind(doc, "iteration") == []
    for k, call in enumerate(calls, start=1):
        assert close(output_value(doc, call), torch.tensor(2.0) ** k)


def test_break_and_continue_close_their_iteration():
    source = GRAD_X + """y = x
for i in range(10):
    if i == 1:
        continue
    if i == 3:
        break
    y = y + i
z = y * 2
z.backward()
"""
    doc = document_of(source)
    assert_well_formed(doc)
    nodes = nodes_of(doc)
    (mul,) = [n for n in nodes.values() if n["label"] == "mul"]
    assert mul["group"] is None
    assert [g["index"] for g in of_kind(doc, "iteration")] == [0, 2]


def test_only_the_shown_graph_has_groups():
    source = GRAD_X + """def f(t):
    return t ** 2 + torch.exp(-t)
for i in range(50):
    y = f(x)
    y.backward()
    x.data = x.data - 0.01 * x.grad
    x.grad.zero_()
"""
    doc = document_of(source)
    assert_well_formed(doc)
    (iteration,) = of_kind(doc, "iteration")
    (call,) = of_kind(doc, "call")
    assert iteration["index"] == 49 and iteration["label"] == "i = 49"
    assert call["parent"] == iteration["id"] and call["outputs"] == [doc["output"]]


def test_a_program_without_functions_or_loops_has_no_groups():
    doc = document_of(GRAD_X + "y = torch.sin(x) * x\ny.backward()\n")
    assert doc["groups"] == [] and all(n["group"] is None for n in doc["graph"]["nodes"])
    assert_well_formed(doc)


def test_constants_sit_with_their_op_and_inputs_stay_outside():
    doc = document_of(CHAIN)
    nodes = nodes_of(doc)
    for iteration in of_kind(doc, "iteration"):
        kinds = sorted(nodes[n]["kind"] for n in iteration["nodes"])
        assert kinds == ["constant", "op", "op", "op"]
        assert all(nodes[n]["group"] == iteration["id"] for n in iteration["nodes"])


def test_each_run_of_a_loop_statement_has_its_own_loop_number():
    source = GRAD_X + """def twice(t):
    for k in range(2):
        t = t * 1.5
    return t
y = twice(x) + twice(x * 2)
y.backward()
"""
    doc = document_of(source)
    assert_well_formed(doc)
    groups = groups_by_id(doc)
    series = of_kind(doc, "series")
    assert [groups[s["parent"]]["label"] for s in series] == ["twice", "twice"]
    assert [s["loop"] for s in series] == [0, 1]
    for s in series:
        assert {groups[i]["loop"] for i in s["children"]} == {s["loop"]}
