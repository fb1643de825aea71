"""Fixtures shared by the unit and protocol tests: a fresh app and database per test.

``app`` builds the IdP with ``create_app`` on in-memory SQLite (migrations applied, tenant
seeded) with bcrypt cost 4; ``@pytest.mark.settings(...)`` adds per-test configuration.
"""
from __future__ import annotations

import os

import pytest

from idp import create_app
from idp.extensions import db
from tests.factories import FlowDriver

BASE = "http://localhost:5000"


def pytest_sessionfinish(session, exitstatus):
    """With B2CLAB_NO_SKIP=1 (set by CI) any skipped test fails the run: in CI every browser,
    node or PostgreSQL test must really run."""
    if os.environ.get("B2CLAB_NO_SKIP") != "1":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        reporter.write_line(f"B2CLAB_NO_SKIP=1: {len(skipped)} test(s) were skipped; in CI that "
                            "is a failure (install what the skip reason names).", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture
def app(request, tmp_path):
    marker = request.node.get_closest_marker("settings")
    config = {
        "TESTING": True,
        "INSTANCE_PATH": str(tmp_path),
        "DATABASE_URL": os.environ.get("B2CLAB_TEST_DATABASE_URL", "sqlite://"),
        "IDP_PUBLIC_URL": BASE,
        "IDP_BCRYPT_ROUNDS": 4,
        **(marker.kwargs if marker else {}),
    }
    application = create_app(config)
    yield application
    if not config["DATABASE_URL"].startswith("sqlite"):
        with application.app_context():  # a shared server database: leave it empty
            db.drop_all()
            db.session.execute(db.text("DROP TABLE IF EXISTS alembic_version"))
            db.session.commit()
    with application.app_context():
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def flow(client, app):
    """Drives the user-flow pages and the protocol through the Flask test client."""
    return FlowDriver(client, app)
