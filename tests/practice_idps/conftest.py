"""Fixtures for the practice providers: B2C Lab built as ``app.py`` builds it (``build_app``,
providers mounted at ``/practice/...``) and served for real on a loopback port in a thread, so
the tests talk HTTP to it with ``requests`` as B2C's runtime does (the shape of
tests/labs/lab04_stack.py: no second server process beside the session's live server).

The browser fixtures come from tests/e2e/conftest.py (Debian's Chromium).
"""
from __future__ import annotations

import threading

import pytest
from werkzeug.serving import make_server

from app import build_app
from idp.extensions import db
from tests.e2e.conftest import browser_type_launch_args, screenshot_dir  # noqa: F401
from tests.practice_idps.driver import PracticeDriver


@pytest.fixture(scope="package")
def practice_server(tmp_path_factory):
    """``(base_url, app)``: B2C Lab with the practice providers, on a free loopback port."""
    folder = tmp_path_factory.mktemp("practice_server")
    holder = {}
    server = make_server("127.0.0.1", 0, lambda env, start: holder["app"](env, start),
                         threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    app = build_app({"TESTING": True, "INSTANCE_PATH": str(folder / "instance"),
                     "DATABASE_URL": f"sqlite:///{folder / 'b2clab.sqlite3'}",
                     "IDP_PUBLIC_URL": base, "IDP_BCRYPT_ROUNDS": 4})
    holder["app"] = app
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base, app
    server.shutdown()
    thread.join(timeout=10)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def facebook(practice_server) -> PracticeDriver:
    return PracticeDriver(practice_server[0], "facebook")


@pytest.fixture
def google(practice_server) -> PracticeDriver:
    return PracticeDriver(practice_server[0], "google")
