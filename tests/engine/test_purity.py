"""The engine is plain Python, and the sample app and labs reach the IdP over HTTP only."""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", sorted((ROOT / "idp" / "engine").rglob("*.py")), ids=str)
def test_engine_imports_no_flask_or_sqlalchemy(path):
    bad = {n for n in _imports(path)
           if n.split(".")[0] in ("flask", "sqlalchemy", "werkzeug") or n.startswith("flask_")}
    assert not bad, f"{path.name} imports {bad}"


@pytest.mark.parametrize("folder", ["rp_demo", "labs"])
def test_apps_never_import_idp(folder):
    files = list((ROOT / folder).rglob("*.py"))
    offenders = {str(f.relative_to(ROOT)) for f in files
                 if any(n == "idp" or n.startswith("idp.") for n in _imports(f))}
    assert not offenders
