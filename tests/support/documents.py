"""The graph document of a program, made in-process: what the sandbox child computes and
webapp.graph builds, without a child process."""
from webapp.execution.entry import evaluate
from webapp.graph import model as graph


GRAD_X = "x = torch.tensor(2.0, requires_grad=True)\n"


def run(source, **request):
    """What the sandbox child answers for the program, computed in-process."""
    return evaluate({"source": source, **request})


def problem(source):
    """The problem dict the program ends with; fails the test if it ends without one."""
    answer = run(source)
    assert "problem" in answer, answer
    return answer["problem"]


def document_of(source, **request):
    """graph.build of evaluate({"source": source, **request}); fails the test on a problem."""
    answer = evaluate({"source": source, **request})
    assert "problem" not in answer, answer.get("problem")
    return graph.build(answer)


def inputs_by_name(doc):
    """{name: node} of the document's input nodes."""
    return {node["name"]: node for node in doc["graph"]["nodes"] if node["kind"] == "input"}


def nodes_of(doc):
    """{id: node} of every node in the document."""
    return {node["id"]: node for node in doc["graph"]["nodes"]}
