"""Where settings come from: the ``create_app`` dict, then the environment, then
``instance/config.py``, then the defaults (idp/config.py), for every setting."""
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
