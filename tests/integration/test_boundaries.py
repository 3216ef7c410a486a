"""The promises the import contracts make, checked where they matter: `create_app()` in a
fresh interpreter leaves torch out of the web process, `lint-imports` keeps every contract of
.importlinter, and each contract fails on a copy of webapp/ with one deliberate wrong import
(so a contract that can never fail would show here)."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
NO_TORCH = """
import sys
from webapp import create_app
app = create_app({"TESTING": True})
page = app.test_client().get("/")
assert page.status_code == 200, page.status_code
app.test_client().get("/api/openapi.json")
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("torch", "torchviz"))
print(loaded)
"""


def lint_imports(root):
    return subprocess.run([str(LINT_IMPORTS), "--config", str(root / ".importlinter"),
                           "--no-cache"], cwd=root, capture_output=True, text=True,
                          env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"}, timeout=120)


def test_the_web_process_never_imports_torch():
    result = subprocess.run([sys.executable, "-c", NO_TORCH], cwd=REPO, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_every_import_contract_is_kept():
    result = lint_imports(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert " broken" in result.stdout and "0 broken" in result.stdout


@pytest.mark.parametrize("module, line, contract", [
    ("web/pages.py", "import torch", "Only execution (the sandbox child) imports torch"),
    ("render/svg.py", "import flask", "Only the web stage imports Flask"),
    ("core/limits.py", "import networkx", "Core and language import no networkx"),
    ("core/limits.py", "import webapp.language.names", "Each stage imports only the stages below it"),
    ("graph/model.py", "import webapp.render.dot", "Each stage imports only the stages below it"),
])
def test_a_deliberate_wrong_import_breaks_its_contract(tmp_path, module, line, contract):
    shutil.copytree(REPO / "webapp", tmp_path / "webapp",
                    ignore=shutil.ignore_patterns("__pycache__", "data"))
    shutil.copy(REPO / ".importlinter", tmp_path / ".importlinter")
    with open(tmp_path / "webapp" / module, "a", encoding="utf-8") as source:
        source.write(f"\n{line}  # deliberately against the contract\n")
    result = lint_imports(tmp_path)
    assert result.returncode != 0, result.stdout
    broken = [text for text in result.stdout.split("\n") if text.endswith(" BROKEN")]
    assert broken == [f"{contract} BROKEN"], result.stdout
