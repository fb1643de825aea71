"""Set up and run B2C Lab with nothing but Python 3.11+ (Windows, macOS, Linux).

    python b2clab.py run      # create .venv, install requirements.txt, start the app
    python b2clab.py test     # create .venv, install requirements-dev.txt, run pytest

Extra arguments go to the app or to pytest (``python b2clab.py test -k token``).  Packages are
installed again only when the requirements files change.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"


def _python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _requirements_digest(files: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def ensure_environment(requirements: str) -> Path:
    """Create ``.venv`` and install ``requirements`` into it unless already up to date."""
    if not _python().exists():
        print(f"Creating a virtual environment in {VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    files = [ROOT / "requirements.txt", ROOT / requirements]
    stamp = VENV / f".installed-{Path(requirements).stem}"
    wanted = _requirements_digest(files)
    if not stamp.exists() or stamp.read_text() != wanted:
        print(f"Installing {requirements} (first run or changed requirements) ...", flush=True)
        subprocess.run([str(_python()), "-m", "pip", "install", "--disable-pip-version-check",
                        "-q", "-r", str(ROOT / requirements)], check=True)
        stamp.write_text(wanted)
    return _python()


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("run", "test"):
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    if sys.version_info < (3, 11):
        print("B2C Lab needs Python 3.11 or newer.")
        return 2
    if command == "run":
        python = ensure_environment("requirements.txt")
        return subprocess.call([str(python), str(ROOT / "app.py"), *rest], cwd=ROOT)
    python = ensure_environment("requirements-dev.txt")
    return subprocess.call([str(python), "-m", "pytest", *rest], cwd=ROOT)


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        sys.exit(130)
    except subprocess.CalledProcessError as error:
        print(f"Setup failed: {error}. Check your network connection to PyPI and try again.")
        sys.exit(1)
