"""Each lab's README is its data rendered (no drift), and a browser walks each lab's steps in
order, clicking the labels the README quotes and checking every checkpoint."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from labs.readme import LABS_DIR, all_labs, render
from tests.e2e.labs.walk import Walker

LABS = all_labs()


@pytest.mark.parametrize("lab", LABS, ids=lambda lab: f"lab{lab.number}")
def test_readme_is_the_rendered_lab(lab):
    readme = LABS_DIR / f"lab{lab.number}_{lab.slug}" / "README.md"
    assert readme.read_text(encoding="utf-8") == render(lab), (
        f"{readme} differs from lab.py: run `python -m labs.readme`")


def admin_password(live_server) -> str:
    match = re.search(r"Sign in as 'admin' with this password.*?\n\s+\(.*?\):\n\s+(\S+)",
                      live_server.output(), re.S)
    assert match, live_server.output()
    return match.group(1)


@pytest.mark.browser
@pytest.mark.parametrize("lab", LABS, ids=lambda lab: f"lab{lab.number}")
def test_walk_the_lab(lab, page, lab_server, screenshot_dir):
    walker = Walker(page, lab_server.base_url, {
        "admin_password": admin_password(lab_server),
        "email": f"lab{lab.number}-{uuid.uuid4().hex[:8]}@example.com",
        "password": "Passw0rd!-lab"})
    shots = screenshot_dir / "labs"
    shots.mkdir(exist_ok=True)
    walker.walk(lab, shots)
    assert f"Lab {lab.number}: done." in labs_check(lab_server, lab.number)


def labs_check(live_server, number: str) -> str:
    """`flask --app app labs check NN` on the live server's own instance folder."""
    env = {**os.environ, "IDP_INSTANCE_PATH": str(live_server.instance_path),
           "IDP_PUBLIC_URL": live_server.base_url}
    env.pop("DATABASE_URL", None)
    if live_server.database_url:  # PostgreSQL: the server's own database (tests/e2e/conftest)
        env["DATABASE_URL"] = live_server.database_url
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "app", "labs", "check",
                             number], cwd=Path(__file__).resolve().parents[3], env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout
