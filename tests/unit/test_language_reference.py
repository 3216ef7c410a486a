"""docs/language.md (webapp/language/reference.py): written from the checker's own tables,
so the committed file must be what the generator writes now; every construct's example is
accepted, holds the construct, and runs like PyTorch; every statement and expression Python
has is either allowed with an example or refused with a message of its own."""
import ast

import pytest

from tests.support.paths import REPO
from tests.support.reference import assert_like_pytorch
from webapp import language
from webapp.language import constructs, reference

# The examples whose constructs the interpreter learns on the branches py11 and ag11
# (issue 11); strict, so that each one fails here once it runs and is taken off the list.
NOT_YET_INTERPRETED = {
}
TITLES = [title for title, _, _ in constructs.ALLOWED]


def test_the_committed_reference_is_what_the_tables_say():
    committed = (REPO / "docs" / "language.md").read_text(encoding="utf-8")
    assert committed == reference.reference(), (
        "docs/language.md is stale: run python -m webapp.language.reference > docs/language.md")


def test_the_readme_links_the_reference():
    assert "docs/language.md" in (REPO / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("title, nodes, tree", reference.examples(), ids=TITLES)
def test_each_example_is_accepted_and_holds_its_construct(title, nodes, tree):
    language.check(ast.unparse(tree))
    found = {type(node) for node in ast.walk(tree)}
    assert set(nodes) <= found, (title, set(nodes) - found)


@pytest.mark.parametrize("title, example", [
    pytest.param(title, example, marks=pytest.mark.xfail(strict=True)
                 if title in NOT_YET_INTERPRETED else ())
    for title, _, example in constructs.ALLOWED], ids=TITLES)
def test_each_example_runs_like_pytorch(title, example):
    assert_like_pytorch("import torch\n" + example)


def concrete_nodes(base):
    """Every node type derived from `base`."""
    found, stack = set(), [base]
    while stack:
        for sub in stack.pop().__subclasses__():
            stack.append(sub)
            found.add(sub)
    return found


def test_every_statement_and_expression_is_allowed_or_refused_with_its_own_message():
    nodes = concrete_nodes(ast.stmt) | concrete_nodes(ast.expr)
    undecided = {node.__name__ for node in nodes
                 if not issubclass(node, ast.Constant)   # Num, Str, ...: old names of Constant
                 and node not in constructs.ALLOWED_NODES and node not in constructs.REFUSED_NODES}
    assert undecided == set()
