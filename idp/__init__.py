"""B2C Lab's identity provider: the application factory.

``create_app`` builds the Flask app, binds the extensions, registers the blueprints, and (unless
told not to) applies the database migrations and seeds the tenant.
"""
from __future__ import annotations

import logging
import os
from pathlib import Path

from flask import Config, Flask

from .config import load_settings
from .extensions import csrf, db, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent
log = logging.getLogger("idp")


def create_app(test_config: dict | None = None) -> Flask:
    instance_path = (test_config or {}).get("INSTANCE_PATH") or os.environ.get(
        "IDP_INSTANCE_PATH") or str(ROOT / "instance")
    app = Flask(__name__, instance_path=instance_path, instance_relative_config=True,
                template_folder=str(ROOT / "templates"), static_folder=str(ROOT / "static"))
    Path(instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_pyfile("config.py", silent=True)
    # instance/config.py ranks below the environment (idp/config.py), for every setting
    file_config = Config(instance_path)
    file_config.from_pyfile("config.py", silent=True)
    settings = load_settings(instance_path, test_config, file_config)
    app.config.update(settings)
    app.config.update(test_config or {})
    app.config.update(
        SQLALCHEMY_DATABASE_URI=settings["DATABASE_URL"],
        SESSION_COOKIE_NAME="idp_session",
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings["IDP_PUBLIC_URL"].startswith("https://"),
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session; a slow learner
                                   # must not lose a half-filled form
        # Over https Flask-WTF also wants a same-host Referer, but our pages send
        # Referrer-Policy: no-referrer, so browsers send none: the token is the check.
        WTF_CSRF_SSL_STRICT=False,
    )
    _init_extensions(app)
    _register_blueprints(app)
    from .protocol.metadata_cache import MetadataCache
    from .protocol.token_endpoint import TokenEndpoint
    from .store import config_version
    # In front of Flask: the metadata replay, then the token endpoint (bench/results.md).
    app.wsgi_app = MetadataCache(TokenEndpoint(app.wsgi_app, app), config_version.install(app))
    from .engine.strings import EN
    from .security import install_security_headers
    install_security_headers(app)
    app.jinja_env.globals["strings"] = EN
    app.json.sort_keys = False  # keep B2C's field order in discovery and token responses
    from . import cli
    cli.register(app)
    if app.config["IDP_AUTO_MIGRATE"]:
        from .seed import prepare_database
        with app.app_context():
            app.extensions["b2clab_seed"] = prepare_database()
            # Start-up used pooled connections; a pre-forking server (gunicorn --preload) must
            # not hand them to its workers (psycopg: "prepared statement already exists").
            # An in-memory SQLite database lives in its one connection: keep that.
            if db.engine.url.database not in (None, "", ":memory:"):
                db.engine.dispose()
    return app


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).parent / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.session_protection = "strong"
    from .store.sqlite import configure_sqlite
    configure_sqlite(app)


def _register_blueprints(app: Flask) -> None:
    from . import flows, graph, home, mailbox, portal, protocol, viewer

    app.register_blueprint(home.bp)
    app.register_blueprint(mailbox.bp)
    app.register_blueprint(viewer.bp)
    app.register_blueprint(flows.bp)
    app.register_blueprint(protocol.bp)
    app.register_blueprint(portal.bp)
    app.register_blueprint(graph.bp)
    # The token endpoint is called by apps, not browsers: client authentication protects it.
    csrf.exempt(protocol.bp)
    csrf.exempt(viewer.bp)
    csrf.exempt(graph.bp)  # bearer tokens, not cookies
