"""User flow runs of a custom policy: the journey's orchestration steps with their
preconditions, what the run did at each, and why each relying-party claim is in the token."""
from __future__ import annotations

import html as html_module
import re

import pytest

from idp.extensions import db
from idp.models import FlowTransaction
from tests.factories import pkce_pair
from tests.ief_starter_pack import (app_ids, create_starter_pack_keys, prepared,
                                    require_starter_pack, upload_all)


@pytest.fixture
def pack(app):
    require_starter_pack()
    create_starter_pack_keys(app)
    upload_all(app, prepared(app_ids(app)))


def run_page(admin, app) -> str:
    with app.app_context():
        run = db.session.execute(db.select(FlowTransaction).filter_by(
            policy="B2C_1A_signup_signin", status="completed")).scalar_one()
    return admin.client.get(f"/portal/runs/{run.id}").get_data(as_text=True)


def row(html: str, table: str, attribute: str, value: str) -> str:
    body = re.search(rf'<table[^>]*id="{table}".*?</table>', html, re.S).group(0)
    match = re.search(rf'<tr[^>]*{attribute}="{re.escape(value)}"[^>]*>(.*?)</tr>', body, re.S)
    assert match, f"no row {attribute}={value} in #{table}"
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1)))
    return html_module.unescape(text).strip()


def test_a_sign_up_run_lists_the_steps_preconditions_and_claims(admin, app, flow, pack):
    rp = flow.rp()
    _, challenge = pkce_pair()
    flow.authorize(rp["client_id"], rp["redirect_uri"], policy="B2C_1A_signup_signin",
                   code_challenge=challenge, code_challenge_method="S256")
    flow.sign_up("trace@example.com")
    assert "code" in flow.redirect_params()
    html = run_page(admin, app)
    assert "CombinedSignInAndSignUp" in row(html, "journey-steps", "data-order", "1")
    assert row(html, "journey-steps", "data-order", "2").endswith(
        "ClaimsExist: skip this step if objectId exists")
    assert "SendClaims JwtIssuer" in row(html, "journey-steps", "data-order", "4")
    # what the run did: sign-up ran (the user chose it), then the read, then the token
    assert "the user chose SignUpWithLogonEmailExchange" in row(html, "trace", "data-order", "1")
    assert "LocalAccountSignUpWithLogonEmail ran" in row(html, "trace", "data-order", "2")
    email = row(html, "claims-explained", "data-claim", "email")
    assert "trace@example.com" in email and "in the token" in email
    tenant = row(html, "claims-explained", "data-claim", "tenantId")
    assert "AlwaysUseDefaultValue" in tenant and "tid" in tenant
    assert "the token's subject" in row(html, "claims-explained", "data-claim", "objectId")


def test_a_sign_in_run_shows_the_sign_up_step_skipped_by_its_precondition(
        admin, app, flow, pack):
    rp = flow.rp()
    flow.authorize(rp["client_id"], rp["redirect_uri"], policy="B2C_1A_signup_signin")
    flow.sign_up("again@example.com")
    with app.app_context():
        db.session.execute(db.delete(FlowTransaction))
        db.session.commit()
    flow.authorize(rp["client_id"], rp["redirect_uri"], policy="B2C_1A_signup_signin",
                   prompt="login")
    flow.sign_in("again@example.com")
    assert "code" in flow.redirect_params()
    html = run_page(admin, app)
    assert re.search(r"skipped.*precondition ClaimsExist: objectId exists",
                     row(html, "trace", "data-order", "2"))
    assert "not in the token" not in html
    assert "returned but empty" in row(html, "claims-explained", "data-claim", "email")
