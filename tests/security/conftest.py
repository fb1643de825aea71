"""Fixtures and helpers of the security suite.

``admin`` (the portal suite's signed-in admin), ``live_server`` (e2e: ``python app.py`` on a
free port) and ``custom_pages`` (flows: custom pages without a network) are imported, not
copied.  ``connector`` is an API connector with Basic credentials attached to B2C_1_susi's
"Before creating the user", pointing at a real HTTP server on loopback
(tests/connector_server.py); ``assert_inert`` checks a hostile value reached a page only as
text.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from markupsafe import escape

import rp_demo
from idp.extensions import db
from idp.models import AdminAccount, ApiConnector, UserFlow
from idp.store.hashing import hash_password
from idp.store.secret_box import seal
from tests.connector_server import ConnectorServer, start
from tests.e2e.conftest import live_server  # noqa: F401 - fixture: python app.py, a free port
from tests.factories import POLICY, TENANT
from tests.flows.conftest import custom_pages  # noqa: F401 - fixture: custom pages, no network
from tests.portal.conftest import ADMIN_PASSWORD
from tests.portal.conftest import admin  # noqa: F401 - fixture: the signed-in portal admin

#: values that run script if a page ever printed them as markup
HOSTILE = ('<img src=x onerror=alert(1)>', '"><script>alert(1)</script>',
           "'><svg onload=alert(1)>")
CONNECTOR_PASSWORD = "Basic-s3cret-of-the-connector"


def assert_inert(html: str, payload: str, *, where: str = "") -> None:
    """``payload`` is absent as markup and present as escaped text (so the test saw it)."""
    assert payload not in html, f"{where}: {payload!r} printed as markup"
    shown = {str(escape(payload)), json.dumps(payload).replace("<", "\\u003c")
             .replace(">", "\\u003e").replace("&", "\\u0026").replace("'", "\\u0027")}
    assert any(form in html for form in shown), f"{where}: {payload!r} not shown at all"


def sample_url(rule) -> str:
    """A URL matching a Flask URL rule: the seeded tenant and policy, 1 for ints, x else."""
    values = {"tenant": TENANT, "policy": POLICY}
    return re.sub(r"<(?:([^:>]+):)?([^>]+)>",
                  lambda m: values.get(m.group(2), "1" if m.group(1) == "int" else "x"),
                  rule.rule)


def make_rp_app(tmp_path: Path, public_url: str = "http://localhost:5000"):
    """The sample app as app.py builds it, without an IdP behind it (no page used needs one)."""
    return rp_demo.create_app({
        "SECRET_KEY": "test", "RP_CLIENT_ID": "00000000-0000-0000-0000-000000000001",
        "RP_CLIENT_SECRET": "s", "RP_PUBLIC_URL": f"{public_url}/rp",
        "RP_AUTHORITY": f"{public_url}/{TENANT}", "RP_API_SCOPE": "",
        "RP_TOKEN_STORE": str(tmp_path / "tokens.sqlite3")})


def set_admin_password(app, password: str = ADMIN_PASSWORD) -> None:
    """Give the seeded admin account a known password (what the ``admin`` fixture does, without
    signing in)."""
    with app.app_context():
        db.session.execute(db.select(AdminAccount)).scalar_one().password_hash = \
            hash_password(password)
        db.session.commit()


def flow_config(app, name: str = "b2c_1_susi", **changes) -> None:
    """Update a user flow's config (``changes`` replace top-level keys)."""
    with app.app_context():
        flow = db.session.execute(db.select(UserFlow).filter_by(name_key=name)).scalar_one()
        flow.config = {**flow.config, **changes}
        db.session.commit()


@pytest.fixture
def connector(app):
    """A Basic-auth connector at "Before creating the user" of B2C_1_susi; the server answers
    what the test tells it (``connector.answer(status, body)``)."""
    server = ConnectorServer()
    url, stop = start(server)
    with app.app_context():
        row = ApiConnector(display_name="hostile", endpoint_url=url, auth_type="basic",
                           username="lab", secret_encrypted=seal(CONNECTOR_PASSWORD),
                           timeout_seconds=2, retries=0)
        db.session.add(row)
        db.session.commit()
        server.connector_id, server.url = row.id, url
    flow_config(app, api_connectors={"PostAttributeCollection": server.connector_id})
    yield server
    stop()

