"""The practice providers are separate sites: they reach B2C Lab over HTTP only, never by
importing it (as rp_demo and the labs, tests/engine/test_purity.py)."""
from pathlib import Path

from tests.engine.test_purity import _imports

ROOT = Path(__file__).resolve().parents[2]


def test_practice_providers_never_import_idp():
    files = list((ROOT / "practice_idps").rglob("*.py"))
    assert len(files) >= 8
    offenders = {str(f.relative_to(ROOT)) for f in files
                 if any(n == "idp" or n.startswith("idp.") for n in _imports(f))}
    assert not offenders
