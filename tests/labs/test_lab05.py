"""Lab 05 (app roles): the lab API answers exactly as the Authorization-AppRoles sample against
B2C Lab's own Graph, B2C puts its answer into the token at sign-in but never at a refresh, and
the sample app's Admin page opens only for Admin.

The tenant is set up by ``labs solve 05``.  The lab API runs on loopback (B2C Lab calls the
connector over real HTTP); its own HTTP calls (token endpoint, Graph) go to the IdP's Flask test
client.  The database is a file, so those calls use their own connections, as on a server.
"""
from __future__ import annotations

import base64
import json
import os
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict
from werkzeug.serving import make_server

import rp_demo
from idp import create_app
from idp.extensions import db
from idp.models import ApiConnector, AppRegistration, AppRoleAssignment
from labs.lab05_app_roles import approles, graph, store, web
from tests.factories import BASE, FlowDriver, pkce_pair
from tests.graph.conftest import STRONG, graph_client, new_user

BLOCKED = {"version": "1.0.0", "action": "ShowBlockPage", "userMessage": approles.FAILED,
           "extension_AppRoles": None}


@pytest.fixture
def app(tmp_path):
    url = os.environ.get("B2CLAB_TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'idp.sqlite3'}"
    application = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path),
                              "DATABASE_URL": url, "IDP_PUBLIC_URL": BASE,
                              "IDP_BCRYPT_ROUNDS": 4})
    yield application
    with application.app_context():
        if not url.startswith("sqlite"):  # a shared server database: leave it empty
            db.drop_all()
            db.session.execute(db.text("DROP TABLE IF EXISTS alembic_version"))
            db.session.commit()
        db.engine.dispose()


class ToFlask(BaseAdapter):
    """A ``requests`` transport into the IdP's Flask test client: the lab API's network."""

    def __init__(self, app):
        super().__init__()
        self.client = app.test_client()

    def send(self, request, **kwargs):
        parts = urlsplit(request.url)
        reply = self.client.open(parts.path, method=request.method, query_string=parts.query,
                                 headers=dict(request.headers), data=request.body)
        response = requests.Response()
        response.status_code, response._content = reply.status_code, reply.get_data()
        response.headers = CaseInsensitiveDict(reply.headers)
        response.url, response.request, response.encoding = request.url, request, "utf-8"
        return response

    def close(self):
        pass


@pytest.fixture
def lab(app, runner):
    """Lab 05 solved; the lab API served on loopback and the connector pointed at it."""
    solved = runner.invoke(args=["labs", "solve", "05"])
    assert solved.exit_code == 0, solved.output
    http = requests.Session()
    http.mount(BASE, ToFlask(app))
    folder = Path(app.instance_path) / "labs" / web.MOUNT
    lab_app = web.create_app({"IDP_URL": BASE, "TENANT": "contoso", "DATA_DIR": str(folder),
                              "PUBLIC_URL": "http://127.0.0.1", "HTTP": http,
                              "WTF_CSRF_ENABLED": False})
    server = make_server("127.0.0.1", 0, lab_app, threaded=True)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    with app.app_context():
        db.session.execute(db.select(ApiConnector)).scalar_one().endpoint_url = (
            f"http://127.0.0.1:{server.server_port}{web.CONNECTOR_PATH}")
        db.session.commit()
    lab_app.folder, lab_app.client = str(folder), lab_app.test_client()
    yield lab_app
    server.shutdown()
    graph.forget_tokens()


def _rp_demo(app) -> AppRegistration:
    return db.session.execute(db.select(AppRegistration).filter_by(name="rp-demo")).scalar_one()


def make_user(app, client, flow, email: str, *roles: str) -> str:
    """A user made through Graph (committed), holding these rp-demo app roles."""
    admin = graph_client(client, flow, app, "User.ReadWrite.All", name=f"maker-{email}")
    user = admin.post("/users", new_user(email, "Lab Five")).get_json()["id"]
    for value in roles:
        assign(app, user, value)
    return user


def assign(app, user: str, value: str, registration: str = "rp-demo") -> None:
    with app.app_context():
        app_reg = db.session.execute(db.select(AppRegistration).filter_by(
            name=registration)).scalar_one()
        role = next(r for r in app_reg.app_roles if r["value"] == value)
        db.session.add(AppRoleAssignment(resource_id=app_reg.id, app_role_id=role["id"],
                                         principal_type="User", principal_id=user))
        db.session.commit()


def call(lab, body) -> dict:
    response = lab.client.post(web.CONNECTOR_PATH, json=body)
    assert response.status_code == 200
    return response.get_json()


def sign_in(app, email: str, password: str = STRONG):
    """Sign in to the sample app's registration (a new browser: no SSO); the flow driver."""
    driver = FlowDriver(app.test_client(), app)
    rp = driver.rp()
    verifier, challenge = pkce_pair()
    driver.authorize(rp["client_id"], rp["redirect_uri"], code_challenge=challenge,
                     code_challenge_method="S256")
    driver.sign_in(email, password)
    driver.pkce = verifier
    return driver


def redeem(driver) -> dict:
    rp = driver.rp()
    response = driver.token({"grant_type": "authorization_code", "redirect_uri": rp["redirect_uri"],
                             "code": driver.redirect_params()["code"],
                             "code_verifier": driver.pkce}, auth=(rp["client_id"], rp["secret"]))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def claims(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_continue_with_the_roles_on_that_app_only(app, client, flow, lab):
    user = make_user(app, client, flow, "five@example.com", "Admin", "Reader")
    with app.app_context():
        webapp1 = db.session.execute(db.select(AppRegistration).filter_by(name="webapp1")
                                     ).scalar_one()
        webapp1.app_roles = [{"id": "2b7e6a6e-0000-4000-8000-000000000001", "value": "Other",
                              "display_name": "Other", "allowed_member_types": ["User"],
                              "enabled": True}]
        db.session.commit()
        client_id = _rp_demo(app).client_id
    assign(app, user, "Other", "webapp1")
    body = {"objectId": user, "client_id": client_id, "step": "PreTokenIssuance"}
    reply = lab.client.post(web.CONNECTOR_PATH, json=body)
    assert list(reply.get_json().items()) == [  # the sample's keys, in its order
        ("version", "1.0.0"), ("action", "Continue"), ("userMessage", approles.SUCCEEDED),
        ("extension_AppRoles", "Reader Admin")]  # the service principal's order
    [logged] = store.recent_calls(lab.folder)
    assert logged["request"] == body and logged["problem"] is None
    assert [c["url"].split("?")[0].rsplit("/", 1)[-1] for c in logged["graph_calls"]] == [
        "token", "servicePrincipals", "appRoleAssignments"]
    assert "resourceId eq " in logged["graph_calls"][2]["url"]
    page = lab.client.get("/log").get_data(as_text=True)
    assert "PreTokenIssuance" in page and "Reader Admin" in page


def test_no_role_answers_null(app, client, flow, lab):
    user = make_user(app, client, flow, "none@example.com")
    with app.app_context():
        client_id = _rp_demo(app).client_id
    assert call(lab, {"objectId": user, "client_id": client_id}) == {
        "version": "1.0.0", "action": "Continue", "userMessage": approles.SUCCEEDED,
        "extension_AppRoles": None}


@pytest.mark.parametrize("body, why", [
    ({"client_id": "x"}, 'no "objectId"'),
    ({"objectId": "x"}, 'no "client_id"'),
    ({"objectId": 7, "client_id": "x"}, '"objectId" in the request body is not'),
    ({"objectId": "x", "client_id": "no-such-app"}, "0 service principals have this appId"),
    ({"objectId": "00000000-0000-0000-0000-00000000dead", "client_id": "RP"},
     "Request_ResourceNotFound"),
    (["a list"], 'no "objectId"'),
])
def test_anything_wrong_is_a_block_page(app, lab, body, why):
    if isinstance(body, dict) and body.get("client_id") == "RP":
        with app.app_context():
            body["client_id"] = _rp_demo(app).client_id
    assert call(lab, body) == BLOCKED
    assert why in store.recent_calls(lab.folder)[0]["problem"]


def test_graph_refusing_is_a_block_page_until_consent(app, client, flow, lab):
    user = make_user(app, client, flow, "deny@example.com", "Admin")
    with app.app_context():
        provider = db.session.execute(db.select(AppRegistration).filter_by(
            name="lab05-roles-provider")).scalar_one()
        provider_id, kept = provider.id, provider.api_permissions
        provider.api_permissions = [p for p in kept if p["value"] != "Application.Read.All"]
        db.session.commit()
        body = {"objectId": user, "client_id": _rp_demo(app).client_id}
    assert call(lab, body) == BLOCKED
    problem = store.recent_calls(lab.folder)[0]["problem"]
    assert "403 Authorization_RequestDenied" in problem and "Application.Read.All" in problem
    with app.app_context():  # consent granted again: the refused token was dropped
        db.session.get(AppRegistration, provider_id).api_permissions = kept
        db.session.commit()
    assert call(lab, body)["extension_AppRoles"] == "Admin"


def test_wrong_or_missing_credentials_are_a_block_page(app, lab):
    with app.app_context():
        body = {"objectId": "x", "client_id": _rp_demo(app).client_id}
    settings = store.load_settings(lab.folder)
    store.save_settings(lab.folder, settings["client_id"], "not-the-secret", "extension_AppRoles")
    graph.forget_tokens()
    assert call(lab, body) == BLOCKED
    assert "401 invalid_client: AADB2C90081" in store.recent_calls(lab.folder)[0]["problem"]
    (Path(lab.folder) / store.SETTINGS_FILE).unlink()
    assert call(lab, body) == BLOCKED
    assert "Settings page" in store.recent_calls(lab.folder)[0]["problem"]


def test_a_body_that_is_not_json_is_refused_clearly(lab):
    response = lab.client.post(web.CONNECTOR_PATH, data="{oops", content_type="application/json")
    assert response.status_code == 400 and "not JSON" in response.get_json()["title"]


def test_settings_page_never_shows_the_secret(app, lab):
    secret = store.load_settings(lab.folder)["client_secret"]
    page = lab.client.get("/settings").get_data(as_text=True)
    assert secret not in page and "A secret is stored" in page
    bad = lab.client.post("/settings", data={"client_id": "nope", "client_secret": "",
                                             "user_attribute_name": "AppRoles"})
    assert bad.status_code == 400
    text = bad.get_data(as_text=True)
    assert "is a GUID" in text and "extension_ prefix" in text
    with app.app_context():
        provider_id = db.session.execute(db.select(AppRegistration).filter_by(
            name="lab05-roles-provider")).scalar_one().client_id
    saved = lab.client.post("/settings", follow_redirects=True, data={
        "client_id": provider_id, "client_secret": "", "user_attribute_name": "extension_Roles"})
    assert "Graph token received" in saved.get_data(as_text=True)
    assert store.load_settings(lab.folder)["client_secret"] == secret  # empty keeps it
    assert "extension_Roles" in call(lab, {"objectId": "x", "client_id": "no-such-app"})


def test_roles_reach_the_token_at_sign_in_never_at_refresh(app, client, flow, lab):
    make_user(app, client, flow, "caveat@example.com")
    first = redeem(sign_in(app, "caveat@example.com"))
    assert "extension_AppRoles" not in claims(first["id_token"])
    assert store.recent_calls(lab.folder)[0]["request"]["step"] == "PreTokenIssuance"
    calls = len(store.recent_calls(lab.folder))
    assign(app, claims(first["id_token"])["oid"], "Admin")
    rp = flow.rp()
    refreshed = flow.token({"grant_type": "refresh_token", "refresh_token": first["refresh_token"]},
                           auth=(rp["client_id"], rp["secret"])).get_json()
    assert "extension_AppRoles" not in claims(refreshed["id_token"])
    assert claims(refreshed["id_token"])["iat"] >= claims(first["id_token"])["iat"]
    assert len(store.recent_calls(lab.folder)) == calls  # no connector call on a refresh
    again = redeem(sign_in(app, "caveat@example.com"))
    assert claims(again["id_token"])["extension_AppRoles"] == "Admin"


def test_the_sign_in_ends_on_the_block_page_when_graph_refuses(app, client, flow, lab):
    make_user(app, client, flow, "blocked@example.com", "Admin")
    Path(lab.folder, store.SETTINGS_FILE).unlink()
    driver = sign_in(app, "blocked@example.com")
    assert driver.last.status_code == 200 and approles.FAILED in driver.text


def test_sign_up_with_the_connector_attached(app, lab):
    """At sign-up the new user is committed before Before sending the token runs, so the
    connector finds it through Graph (this was a B2C Lab bug, found by this lab)."""
    graph.GraphClient(graph.Credentials(BASE, "contoso", **{
        k: store.load_settings(lab.folder)[k] for k in ("client_id", "client_secret")}),
        lab.extensions["approles_http"]).token()  # warm: no token request during the flow
    driver = FlowDriver(app.test_client(), app)
    rp = driver.rp()
    driver.authorize(rp["client_id"], rp["redirect_uri"])
    driver.sign_up("new@example.com")
    problem = store.recent_calls(lab.folder)[0]["problem"]
    assert problem is None, problem
    assert "code" in driver.redirect_params()


@pytest.fixture
def rp(tmp_path):
    return rp_demo.create_app({"SECRET_KEY": "test", "RP_CLIENT_ID": "rp", "TESTING": True,
                               "RP_CLIENT_SECRET": "s", "RP_PUBLIC_URL": f"{BASE}/rp",
                               "RP_AUTHORITY": f"{BASE}/contoso.onmicrosoft.com",
                               "RP_TOKEN_STORE": str(tmp_path / "rp.sqlite3")}).test_client()


@pytest.mark.parametrize("roles, status, text", [
    (None, 403, "no extension_AppRoles claim"), ("Reader", 403, "<code>Reader</code>"),
    ("admin", 403, "<code>admin</code>"),  # roles are case-sensitive, as IsInRole
    ("Reader Admin", 200, "you have the <code>Admin</code> role"),
])
def test_admin_page_needs_admin_in_extension_approles(rp, roles, status, text):
    with rp.session_transaction() as session:
        session["user"] = {"claims": {"sub": "u", **({"extension_AppRoles": roles} if roles
                                                       else {})}, "flow": "signin"}
    response = rp.get("/admin-only")
    assert response.status_code == status and text in response.get_data(as_text=True)


def test_admin_page_sends_strangers_home(rp):
    assert rp.get("/admin-only").status_code == 302


def test_two_service_principals_for_one_app_id_is_an_error():
    class Twice:
        def get(self, path, params=None):
            return {"value": [{"id": "a", "appRoles": []}, {"id": "b", "appRoles": []}]}
    reply, problem = approles.answer({"objectId": "u", "client_id": "c"}, Twice())
    assert reply == BLOCKED and "2 service principals" in problem
