"""Source text -> graph document through the real sandbox child (webapp/pipeline/evaluation.py):
the same document the in-process evaluation builds, problems raised as ProblemError, and one
evaluation (and one drawing) for the same program asked twice."""
import pytest

from tests.support.documents import document_of
from webapp.core.errors import ProblemError
from webapp.pipeline import cache
from webapp.pipeline import evaluation as pipeline

T_XY = "x = torch.tensor(2.0, requires_grad=True)\ny = torch.tensor(3.0, requires_grad=True)\n" \
       "t = x + y\nz = x * t\nz.backward()\n"


def test_the_sandboxed_document_equals_the_in_process_one():
    assert pipeline.graph_document(T_XY) == document_of(T_XY, seed=0)
    assert pipeline.graph_document(T_XY, output="t") == document_of(T_XY, seed=0, output="t")


@pytest.mark.parametrize("source, status, slug", [
    ("import os\n", 400, "not-allowed"),
    ("x = (\n", 400, "syntax-error"),
    ("x = torch.tensor(3, requires_grad=True)\n", 422, "run-failed"),
])
def test_problems_are_raised_as_problem_errors(source, status, slug):
    with pytest.raises(ProblemError) as raised:
        pipeline.graph_document(source)
    assert raised.value.status == status
    assert raised.value.to_dict()["type"] == f"/problems/{slug}"


def test_an_output_without_a_graph_is_a_problem_and_a_program_without_one_is_not():
    with pytest.raises(ProblemError) as raised:
        pipeline.graph_document("x = torch.tensor(2.0)\n", output="x")
    assert raised.value.to_dict()["type"] == "/problems/no-graph"
    assert pipeline.graph_document("x = torch.tensor(2.0)\nprint(x)\n")["stdout"] == "tensor(2.)\n"


def test_the_same_program_is_evaluated_once_and_drawn_once():
    hits, misses = cache.results.hits, cache.results.misses
    first = pipeline.graph_document(T_XY)
    assert pipeline.graph_document(T_XY) is first
    assert (cache.results.hits - hits, cache.results.misses - misses) == (1, 1)
    drawn = []

    def draw(doc):
        drawn.append(doc)
        return "picture"
    for _ in range(2):
        assert pipeline.rendering("svg", T_XY, None, 0, {"step": 3}, draw) == "picture"
    assert drawn == [first]


def test_torchviz_dot_is_made_in_the_child():
    source = pipeline.torchviz_dot(T_XY)
    assert source.startswith("digraph") and "MulBackward0" in source
    with pytest.raises(ProblemError):
        pipeline.torchviz_dot("import os\n")
