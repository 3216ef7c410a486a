"""The house rules of webapp/ (DESIGN.md: "each stage is a package"):
no import cycle between any two modules (imports inside functions included), no module over
MAX_MODULE_LINES lines, no function over MAX_FUNCTION_LINES lines except declarative tables,
and no module outside the stage packages; the page's scripts (static/js) keep the same
module length. The layer and library contracts themselves are
import-linter's (.importlinter; tests/integration/test_boundaries.py shows they can fail)."""
import ast
import textwrap
from pathlib import Path

import grimp
import networkx as nx
import pytest

WEBAPP = Path(__file__).resolve().parents[2] / "webapp"
STAGES = {"core", "language", "execution", "sandbox", "graph", "render", "pool", "pipeline", "web"}
MAX_MODULE_LINES = 300
MAX_FUNCTION_LINES = 40


def import_cycles(package):
    """Every cycle among `package`'s modules, as lists of module names. grimp reads every
    import statement, those inside functions too, so a lazy import cannot hide a cycle."""
    graph = grimp.build_graph(package, cache_dir=None)
    edges = nx.DiGraph()
    for module in graph.modules:
        for imported in graph.find_modules_directly_imported_by(module):
            edges.add_edge(module, imported)
    return [sorted(cycle) for cycle in nx.simple_cycles(edges)]


def python_files():
    return sorted(WEBAPP.rglob("*.py"))


def page_scripts():
    """The page's own modules (static/js; the vendored bundles are not ours)."""
    return sorted((WEBAPP.parent / "static" / "js").rglob("*.js"))


TABLES = (ast.Dict, ast.List, ast.Tuple)


def is_declarative(function):
    """A function that only returns a literal table (after its docstring and any names it
    gives to literal parts of it): what is long there is data, not steps."""
    body = function.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    *parts, last = body or [None]
    return isinstance(last, ast.Return) and isinstance(last.value, TABLES) and all(
        isinstance(part, ast.Assign) and isinstance(part.value, TABLES) for part in parts)


def long_functions(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [f"{path.relative_to(WEBAPP.parent)}:{node.lineno} {node.name}() "
            f"{node.end_lineno - node.lineno + 1} lines"
            for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES and not is_declarative(node)]


def test_no_module_of_webapp_imports_itself_back():
    assert import_cycles("webapp") == []


def test_the_cycle_finder_sees_a_cycle_through_a_lazy_import(tmp_path, monkeypatch):
    package = tmp_path / "cyclic"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from cyclic import b\n")
    (package / "b.py").write_text(textwrap.dedent("""
        def later():
            from cyclic import a
            return a
    """))
    monkeypatch.syspath_prepend(str(tmp_path))
    assert import_cycles("cyclic") == [["cyclic.a", "cyclic.b"]]


@pytest.mark.parametrize("path", python_files() + page_scripts(),
                         ids=lambda p: str(p.relative_to(WEBAPP.parent)))
def test_no_module_is_longer_than_the_limit(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES, f"{path.relative_to(WEBAPP.parent)} has {lines} lines"


def test_no_function_is_longer_than_the_limit():
    found = [entry for path in python_files() for entry in long_functions(path)]
    assert found == []


def test_a_long_table_is_allowed_and_a_long_procedure_is_not():
    table = "def table():\n    return {\n" + "".join(f"        {i}: {i},\n" for i in range(50)) \
        + "    }\n"
    procedure = "def procedure():\n" + "".join(f"    x{i} = {i}\n" for i in range(50))
    assert is_declarative(ast.parse(table).body[0])
    assert not is_declarative(ast.parse(procedure).body[0])


def test_every_module_belongs_to_a_stage():
    flat = [p.name for p in WEBAPP.glob("*.py") if p.name != "__init__.py"]
    packages = {p.name for p in WEBAPP.iterdir() if (p / "__init__.py").exists()}
    assert flat == []
    assert packages == STAGES
