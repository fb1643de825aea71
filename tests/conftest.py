"""Fixtures shared by the unit and protocol tests: a fresh app and database per test.

``app`` builds the IdP with ``create_app`` on in-memory SQLite (migrations applied, tenant
seeded) with bcrypt cost 4; ``@pytest.mark.settings(...)`` adds per-test configuration.
With ``B2CLAB_TEST_DATABASE_URL`` (PostgreSQL in CI) every test starts from that database,
migrated, seeded and otherwise empty (``tests/databases.py``).
"""
from __future__ import annotations

import os

import pytest

from idp import create_app
from idp.extensions import db
from tests import databases
from tests.factories import FlowDriver

BASE = "http://localhost:5000"


POSTGRESQL_ONLY = ("needs a PostgreSQL B2CLAB_TEST_DATABASE_URL, e.g. "
                   "postgresql+psycopg://postgres@127.0.0.1:55432/b2clab_test (CI's second run "
                   "sets one: .ci/run)")


def pytest_runtest_setup(item):
    if item.get_closest_marker("postgresql") and not databases.is_postgresql():
        pytest.skip(POSTGRESQL_ONLY)


def pytest_sessionfinish(session, exitstatus):
    """With B2CLAB_NO_SKIP=1 (set by CI) any skipped test fails the run: in CI every browser,
    node or PostgreSQL test must really run.  The one exception: a ``postgresql`` test skipped
    in the SQLite run, since CI runs the suite again on PostgreSQL, where it cannot skip."""
    if os.environ.get("B2CLAB_NO_SKIP") != "1":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = [report for report in (reporter.stats.get("skipped", []) if reporter else [])
               if databases.is_postgresql() or "postgresql" not in report.keywords]
    if skipped:
        reporter.write_line(f"B2CLAB_NO_SKIP=1: {len(skipped)} test(s) were skipped; in CI that "
                            "is a failure (install what the skip reason names).", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(scope="session")
def server_database():
    """The shared server database, emptied of any schema an earlier run left (and again at the
    end); ``None`` on SQLite, where each app has its own in-memory database."""
    if not databases.is_server_database():
        yield None
        return
    databases.reset_schema()
    yield databases.TEST_DATABASE_URL
    databases.reset_schema()


_dirty = False  # an app was built on the server database and its rows are not yet removed


@pytest.fixture
def app(request, tmp_path, server_database):
    global _dirty
    if server_database and _dirty:  # the previous app's set-up failed half-way
        databases.empty_tables(server_database)
    marker = request.node.get_closest_marker("settings")
    config = {
        "TESTING": True,
        "INSTANCE_PATH": str(tmp_path),
        "DATABASE_URL": server_database or "sqlite://",
        "IDP_PUBLIC_URL": BASE,
        "IDP_BCRYPT_ROUNDS": 4,
        **(marker.kwargs if marker else {}),
    }
    _dirty = bool(server_database)
    application = create_app(config)
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()
    if server_database:
        # Empty after the test, not only before the next one: tests that build their own
        # app on B2CLAB_TEST_DATABASE_URL (tests/labs/) expect to find no rows either.
        databases.empty_tables(server_database)
        _dirty = False


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
