"""``python app.py --server ...``: settings the chosen server cannot run with are refused in
words, before the banner says "running", and a password the first start made is still shown
(it is shown only once)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_app(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items()
                   if k not in ("DATABASE_URL", "IDP_SERVER", "IDP_SERVER_WORKERS")}
    environment.update(IDP_INSTANCE_PATH=str(tmp_path / "instance"), PORT="5999",
                       IDP_BCRYPT_ROUNDS="4", **env)
    return subprocess.run([sys.executable, "app.py", *args], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=120)


def test_no_granian_workers_is_refused_and_the_new_password_still_shown(tmp_path):
    result = run_app(tmp_path, "--server", "granian", "--workers", "0")
    assert result.returncode == 2
    assert "IDP_SERVER_WORKERS is 0: give 1 or more." in result.stderr
    assert "Sign in as 'admin' with this password" in result.stderr
    assert "B2C Lab is running" not in result.stdout


def test_granian_refuses_an_in_memory_database(tmp_path):
    result = run_app(tmp_path, "--server", "granian", DATABASE_URL="sqlite://")
    assert result.returncode == 2
    assert "in-memory database" in result.stderr and "use waitress" in result.stderr


def test_an_unknown_server_in_the_environment_is_named(tmp_path):
    result = run_app(tmp_path, IDP_SERVER="nginx")
    assert result.returncode == 2
    assert "IDP_SERVER is 'nginx': use one of waitress, granian." in result.stderr
