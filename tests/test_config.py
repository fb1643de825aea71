"""Where settings come from: the ``create_app`` dict, then the environment, then
``instance/config.py``, then the defaults (idp/config.py), for every setting."""
import sqlite3

import pytest

from idp import create_app
from idp.extensions import db


def test_instance_config_ranks_below_the_environment(tmp_path, monkeypatch):
    database = tmp_path / "from-config.sqlite3"
    (tmp_path / "config.py").write_text(f"DATABASE_URL = 'sqlite:///{database.as_posix()}'\n"
                                        "IDP_TENANT_NAME = 'fromfile'\n"
                                        "IDP_BCRYPT_ROUNDS = 5\n", encoding="utf-8")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("IDP_BCRYPT_ROUNDS", raising=False)
    monkeypatch.setenv("IDP_TENANT_NAME", "fromenv")
    app = create_app({"INSTANCE_PATH": str(tmp_path), "IDP_AUTO_MIGRATE": False,
                      "IDP_PUBLIC_URL": "http://localhost:5000"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{database.as_posix()}"
    assert app.config["IDP_TENANT_NAME"] == "fromenv"
    assert app.config["IDP_BCRYPT_ROUNDS"] == 5
    with app.app_context():
        db.engine.dispose()


def test_an_sqlite_too_old_for_returning_is_refused_with_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setattr(sqlite3, "sqlite_version_info", (3, 31, 1))
    monkeypatch.setattr(sqlite3, "sqlite_version", "3.31.1")
    with pytest.raises(RuntimeError, match=r"needs SQLite 3\.35 or newer.*has SQLite 3\.31\.1"):
        create_app({"INSTANCE_PATH": str(tmp_path), "IDP_AUTO_MIGRATE": False,
                    "DATABASE_URL": f"sqlite:///{(tmp_path / 'db.sqlite3').as_posix()}",
                    "IDP_PUBLIC_URL": "http://localhost:5000"})


def test_the_instance_secret_is_made_once_and_processes_starting_together_agree(tmp_path):
    """gunicorn's workers each build the app: all must sign cookies with the same key."""
    from concurrent.futures import ProcessPoolExecutor

    from idp.config import instance_secret

    with ProcessPoolExecutor(4) as pool:
        values = set(pool.map(instance_secret, [tmp_path] * 16))
    assert len(values) == 1
    value = values.pop()
    assert len(value) >= 48 and instance_secret(tmp_path) == value
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]  # no temporary file left
    assert instance_secret(tmp_path, "rp_demo_secret_key") != value


def test_the_instance_secret_is_made_on_a_drive_without_hard_links(tmp_path, monkeypatch):
    """FAT and exFAT drives (a workshop's USB stick) and some network shares refuse links."""
    import os

    from idp.config import instance_secret

    def no_links(_source, _target):
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    value = instance_secret(tmp_path)
    assert len(value) >= 48 and instance_secret(tmp_path) == value
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]
