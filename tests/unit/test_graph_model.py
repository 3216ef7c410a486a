"""The graph model, checked against PyTorch itself.

Programs run in-process through `evaluate` (the same code the sandbox child runs) and the
resulting document is compared with what plain PyTorch computes directly.
"""
import networkx as nx

from tests.support.documents import document_of, inputs_by_name, nodes_of
from tests.support.numbers import close
from webapp.core import limits
from webapp.execution.entry import evaluate


def test_every_lecture_program_gives_pytorchs_gradients(lecture_examples):
    for example in lecture_examples:
        if "grads" not in example:
            continue
        inputs = inputs_by_name(document_of(example["source"]))
        for name, expected in example["grads"].items():
            assert close(inputs[name]["grad"], expected), (example["id"], name)


def test_int_tensor_error_is_pytorchs_own_message(lecture_examples):
    example = next(e for e in lecture_examples if e["id"] == "int_tensor_error")
    problem = evaluate({"source": example["source"]})["problem"]
    assert problem["status"] == 422 and example["error"] in problem["detail"]


def test_paths_uv_has_two_paths_with_products_2_and_4(lecture_examples):
    example = next(e for e in lecture_examples if e["id"] == "paths_uv")
    doc = document_of(example["source"])
    u = inputs_by_name(doc)["u"]["id"]
    paths = doc["paths"][u]
    assert paths["count"] == 2 and not paths["truncated"]
    assert sorted(p["product"] for p in paths["paths"]) == [2.0, 4.0]
    assert paths["sum"] == 6.0 == paths["grad"]


def test_sum_over_paths_equals_grad_for_every_scalar_lecture_program(lecture_examples):
    for example in lecture_examples:
        if "error" in example:
            continue
        doc = document_of(example["source"])
        for input_id, paths in doc["paths"].items():
            if paths["sum"] is not None:
                assert close(paths["sum"], paths["grad"], rel=1e-5), example["id"]
                assert paths["count"] >= len(paths["paths"]) >= 1


def test_ids_follow_a_topological_order_and_are_stable():
    source = "x = torch.tensor(2.0, requires_grad=True)\ny = torch.tensor(3.0, requires_grad=True)\n" \
             "t = x + y\nz = x * t\nz.backward()\n"
    first, second = document_of(source), document_of(source)
    assert first["graph"] == second["graph"]
    g = nx.node_link_graph(first["graph"], edges="edges")
    for source_id, target_id in g.edges:
        assert int(source_id[1:]) < int(target_id[1:])
    assert [n["name"] for n in first["graph"]["nodes"]] == ["x", "y", "t", "z"]
    edge_ids = [e["id"] for e in first["graph"]["edges"]]
    assert edge_ids == [f"e{i}" for i in range(len(edge_ids))]


def test_fan_out_accumulates_in_the_timeline():
    doc = document_of("x = torch.tensor(2.0, requires_grad=True)\ny = torch.tensor(3.0, "
                   "requires_grad=True)\nt = x + y\nz = x * t\nz.backward()\n")
    timeline = doc["timeline"]
    assert [s["phase"] for s in timeline[:4]] == ["forward"] * 4
    assert timeline[4] == {"phase": "seed", "node": doc["output"]}
    accumulate = [s for s in timeline if s["phase"] == "accumulate"]
    x_id = inputs_by_name(doc)["x"]["id"]
    assert [s["node"] for s in accumulate] == [x_id]
    edges = {e["id"]: e for e in doc["graph"]["edges"]}
    assert sum(edges[e]["grad"] for e in accumulate[0]["edges"]) == 7.0
    backward_edges = [s["edge"] for s in timeline if s["phase"] == "backward"]
    assert sorted(backward_edges) == sorted(edges)
    # the accumulate step comes after every contribution to x
    position = timeline.index(accumulate[0])
    assert all(timeline.index({"phase": "backward", "edge": e, "node": x_id}) < position
               for e in accumulate[0]["edges"])


def test_constants_are_their_own_nodes_without_gradient():
    doc = document_of("x = torch.tensor(2.0, requires_grad=True)\ny = 2 * x + 3\ny.backward()\n")
    constants = [n for n in doc["graph"]["nodes"] if n["kind"] == "constant"]
    assert sorted(n["value"] for n in constants) == [2, 3]
    assert all(n["grad"] is None for n in constants)
    constant_ids = {n["id"] for n in constants}
    constant_edges = [e for e in doc["graph"]["edges"] if e["source"] in constant_ids]
    assert constant_edges and all(e["constant"] and e["grad"] is None for e in constant_edges)


def test_many_paths_are_counted_and_summed_but_listed_only_up_to_the_limit():
    doc = document_of("x = torch.tensor(1.0, requires_grad=True)\ny = x\nfor i in range(7):\n"
                   "    a = y * 2\n    b = y * 3\n    y = a + b\ny.backward()\n")
    paths = doc["paths"][inputs_by_name(doc)["x"]["id"]]
    assert paths["count"] == 128 > limits.MAX_LISTED_PATHS == len(paths["paths"])
    assert paths["truncated"] and close(paths["sum"], 5.0 ** 7) and close(paths["grad"], 5.0 ** 7)


def test_large_values_are_summarised_in_the_json():
    doc = document_of(f"x = torch.ones({limits.MAX_VALUE_ELEMENTS + 1}, requires_grad=True)\n"
                   "y = x.sum()\ny.backward()\n")
    x = inputs_by_name(doc)["x"]
    assert x["value"]["summary"] is True and x["shape"] == [limits.MAX_VALUE_ELEMENTS + 1]
    assert x["value"]["elements"] == limits.MAX_VALUE_ELEMENTS + 1


def test_nan_and_infinity_are_strings():
    doc = document_of("x = torch.tensor(0.0, requires_grad=True)\ny = torch.log(x) * 0\n"
                   "y.backward()\n")
    values = [n["value"] for n in doc["graph"]["nodes"]]
    assert "-Infinity" in values and "NaN" in values


def test_output_parameter_chooses_the_tensor():
    source = "x = torch.tensor(2.0, requires_grad=True)\na = x * 3\nb = a + 1\n"
    assert nodes_of(document_of(source))[document_of(source)["output"]]["name"] == "b"
    doc = document_of(source, output="a")
    assert nodes_of(doc)[doc["output"]]["name"] == "a"
    assert inputs_by_name(doc)["x"]["grad"] == 3.0


def test_graph_node_limit():
    answer = evaluate({"source": "x = torch.tensor(1.0, requires_grad=True)\ny = x\n"
                                 f"for i in range({limits.MAX_GRAPH_NODES}):\n    y = y + 1\n"})
    assert answer["problem"]["status"] == 422
    assert f"{limits.MAX_GRAPH_NODES:,}" in answer["problem"]["detail"]
