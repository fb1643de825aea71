"""No secret is written where people read: not in the logs (every logger, at DEBUG), not in the
audit log's records, not in a run's state or trace (OWASP ASVS V7.1.1, V7.1.2; RFC 9700 §4.14
for refresh tokens).

One journey does everything that handles a secret: a sign-up (password, e-mail verification
code) through a connector with Basic credentials, the code redeemed, the refresh token used, a
client_credentials call, a failed and a good admin sign-in, and the portal's own secret-making
forms (connector password, a user's password reset, a client secret).  Then every place is
searched for every one of those values.  The flow pages' own check (no password in a run) is
tests/protocol/test_flow_pages.py::test_no_password_is_stored_in_the_run and
tests/engine/test_journey.py::test_passwords_never_enter_the_bag_or_the_trace.
"""
from __future__ import annotations

import base64
import logging
import re

from idp.extensions import db
from idp.models import AuditRecord, DirectoryUser, FlowTransaction
from tests.factories import PASSWORD, pkce_pair
from tests.portal.conftest import ADMIN_PASSWORD, AdminActions
from tests.security.conftest import CONNECTOR_PASSWORD, set_admin_password

USER_PASSWORD = "Sign-up-Passw0rd!77"
RESET_PASSWORD = "Reset-by-admin-Passw0rd!88"
WRONG_ADMIN_PASSWORD = "a-wrong-admin-guess-1234"
NEW_CONNECTOR_PASSWORD = "connector-password-from-the-form"


def _journey(app, client, flow, connector) -> dict[str, str]:
    """Run everything; returns every secret value it met, by name."""
    secrets: dict[str, str] = {"user password": USER_PASSWORD, "admin password": ADMIN_PASSWORD,
                               "wrong admin password": WRONG_ADMIN_PASSWORD,
                               "connector password": CONNECTOR_PASSWORD,
                               "connector password (form)": NEW_CONNECTOR_PASSWORD,
                               "reset password": RESET_PASSWORD}
    connector.answer(200, {"version": "1.0.0", "action": "Continue"})
    rp = flow.rp()
    secrets["client secret"] = rp["secret"]
    verifier, challenge = pkce_pair()
    secrets["code verifier"] = verifier
    flow.authorize(rp["client_id"], rp["redirect_uri"], code_challenge=challenge,
                   code_challenge_method="S256", scope=f"openid offline_access {rp['client_id']}")
    flow.sign_up("secrets@example.com", password=USER_PASSWORD)
    secrets["verification code"] = flow.mailbox_code("secrets@example.com")
    code = flow.redirect_params()["code"]
    secrets["authorization code"] = code
    auth = (rp["client_id"], rp["secret"])
    tokens = flow.token({"grant_type": "authorization_code", "code": code,
                         "redirect_uri": rp["redirect_uri"], "code_verifier": verifier},
                        auth=auth).get_json()
    refreshed = flow.token({"grant_type": "refresh_token",
                            "refresh_token": tokens["refresh_token"]}, auth=auth).get_json()
    app_only = flow.token({"grant_type": "client_credentials",
                           "scope": f"{rp['client_id']}/.default"}, auth=auth).get_json()
    secrets["access token"] = tokens["access_token"]
    secrets.update({"refresh token": tokens["refresh_token"], "id token": tokens["id_token"],
                    "rotated refresh token": refreshed["refresh_token"],
                    "app-only token": app_only["access_token"],
                    "basic header": base64.b64encode(f"lab:{CONNECTOR_PASSWORD}".encode())
                    .decode()})
    set_admin_password(app)
    admin = AdminActions(client, app)
    admin.login(password=WRONG_ADMIN_PASSWORD)
    admin.login()
    admin.post_form(f"/portal/api-connectors/{connector.connector_id}/", display_name="hostile",
                    endpoint_url=connector.url, auth_type="basic", username="lab",
                    password=NEW_CONNECTOR_PASSWORD, timeout_seconds="2", retries="0")
    with app.app_context():
        user = db.session.execute(db.select(DirectoryUser)).scalar_one().object_id
    admin.post_form(f"/portal/users/{user}/reset-password", password_mode="custom",
                    password=RESET_PASSWORD)
    created = admin.post_form(f"/portal/app-registrations/1/client-secrets/",
                              description="logs", expires="180").get_data(as_text=True)
    secrets["new client secret"] = re.search(r'id="secret-value">([^<]+)<', created).group(1)
    return secrets


def _places(app, client) -> dict[str, str]:
    """Every place a person reads, as text."""
    with app.app_context():
        audit = db.session.execute(db.select(AuditRecord)).scalars().all()
        runs = db.session.execute(db.select(FlowTransaction)).scalars().all()
        places = {"audit records": repr([(r.activity, r.result_reason, r.initiated_by_admin,
                                          r.additional_details) for r in audit]),
                  "runs": repr([(r.state, r.trace, r.request) for r in runs])}
        record_ids, run_ids = [r.id for r in audit], [r.id for r in runs]
    places["audit pages"] = "".join(client.get(f"/portal/audit-logs/{i}").get_data(as_text=True)
                                    for i in record_ids)
    places["audit download"] = client.get("/portal/audit-logs/download").get_data(as_text=True)
    places["run pages"] = "".join(client.get(f"/portal/runs/{i}").get_data(as_text=True)
                                  for i in run_ids)
    return places


def test_no_secret_reaches_the_logs_the_audit_log_or_a_run(app, client, flow, connector,
                                                           caplog):
    caplog.set_level(logging.DEBUG)
    secrets = _journey(app, client, flow, connector)
    assert connector.received, "the connector was called"
    assert len(caplog.records) > 0, "something was logged (urllib3 at least)"
    places = {"logs": "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''}"
                                for r in caplog.records), **_places(app, client)}
    for activity in ("Reset user password", "Update Api connector", "Add client secret"):
        assert activity in places["audit records"], activity  # each portal form did its work
    leaks = [(secret, place) for secret, value in secrets.items()
             for place, text in places.items() if value in text]
    assert not leaks, leaks


def test_the_server_process_prints_no_secret(live_server):
    """The real server (waitress, the sample app's Authlib client) through a whole sign-up."""
    from tests.e2e.flowclient import FlowClient
    client = FlowClient(live_server.base_url)
    landed = client.sign_up("printed@example.com", PASSWORD)
    assert landed.url.endswith("/rp/claims"), landed.text[:1000]
    output = live_server.output()
    assert PASSWORD not in output
    assert client.latest_code("printed@example.com") not in output


def test_passwords_are_kept_as_bcrypt_of_cost_12_by_default(app):
    """ASVS V2.4.1/V2.4.4: a salted bcrypt of cost at least 10 (tests run at 4 for speed)."""
    from idp.config import DEFAULTS
    from idp.store.hashing import hash_password
    assert DEFAULTS["IDP_BCRYPT_ROUNDS"][0] >= 10
    with app.app_context():
        app.config["IDP_BCRYPT_ROUNDS"] = DEFAULTS["IDP_BCRYPT_ROUNDS"][0]
        first, second = hash_password(USER_PASSWORD), hash_password(USER_PASSWORD)
    assert first.startswith("$2b$12$") and first != second  # salted
