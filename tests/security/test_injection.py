"""Injection (OWASP ASVS V5.3.3, output encoding): whatever a user, a connector, an app name or a
request header puts into B2C Lab comes back out only as text.  Each test plants hostile markup
through the route an attacker has (a sign-up form, a User-Agent, a failed sign-in, a connector's
answer) and reads every page that shows it.  The CSV download's formula check is in
tests/portal/test_audit_logs.py; the end-to-end case (a value an anonymous attacker chooses)
is here.
"""
from __future__ import annotations

import csv
import io
import re

import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey

from idp.extensions import db
from idp.flows.html_merge import merge_custom_page
from idp.models import AuditRecord, DirectoryUser, FlowTransaction
from tests.factories import PASSWORD, FlowDriver
from tests.security.conftest import HOSTILE, assert_inert

NAME, GIVEN, SURNAME = HOSTILE
AGENT = '<script>alert("ua")</script>'


def hostile_sign_up(app, email="xss@example.com") -> str:
    """Sign up through rp-demo, in a browser of its own with a hostile User-Agent, with
    hostile names; returns the new user's object id."""
    browser = app.test_client()
    browser.environ_base["HTTP_USER_AGENT"] = AGENT
    flow = FlowDriver(browser, app)
    rp = flow.rp()
    flow.authorize(rp["client_id"], rp["redirect_uri"])
    flow.sign_up(email, display_name=NAME, given_name=GIVEN, surname=SURNAME)
    assert "code" in flow.redirect_params(), flow.text[:1000]
    with app.app_context():
        return db.session.execute(db.select(DirectoryUser).filter(
            DirectoryUser.display_name == NAME)).scalar_one().object_id


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def test_sign_up_values_stay_text_on_every_portal_page(admin, client, app):
    object_id = hostile_sign_up(app)
    assert_inert(page(client, "/portal/users/"), NAME, where="users list")
    shown = page(client, f"/portal/users/{object_id}")
    edit = page(client, f"/portal/users/{object_id}/edit")
    for value in HOSTILE:
        assert_inert(shown, value, where="user page")
        assert_inert(edit, value, where="edit form")
    with app.app_context():
        run = db.session.execute(db.select(FlowTransaction)).scalar_one().id
        record = db.session.execute(db.select(AuditRecord).filter_by(
            activity="A self-service sign-up request was completed")).scalar_one().id
    trace = page(client, f"/portal/runs/{run}")
    for value in HOSTILE:
        assert_inert(trace, value, where="run trace")
    assert_inert(page(client, f"/portal/audit-logs/{record}"), AGENT, where="audit detail")


def test_portal_changes_keep_hostile_values_as_text_in_the_audit_log(admin, client, app):
    object_id = hostile_sign_up(app)
    admin.post_form(f"/portal/users/{object_id}/edit", display_name=GIVEN,
                    given_name="", surname="")
    with app.app_context():
        record = db.session.execute(db.select(AuditRecord).filter_by(
            activity="Update user")).scalar_one()
        assert GIVEN in repr(record.additional_details)  # the change did reach the audit log
    html = page(client, f"/portal/audit-logs/{record.id}")
    assert_inert(html, GIVEN, where="audit detail of Update user")


def test_a_hostile_user_name_at_the_sign_in_form(app, client, admin):
    """An anonymous attacker chooses the audit log's "Initiated by" with a failed sign-in."""
    admin.logout()
    formula = "=HYPERLINK(\"http://evil.example\",\"x\")"
    for name in (NAME, formula):
        login = client.get("/portal/sign-in").get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login).group(1)
        client.post("/portal/sign-in", data={"username": name, "password": "wrong",
                                              "csrf_token": token})
    admin.login()
    listing = page(client, "/portal/audit-logs/")
    assert_inert(listing, NAME, where="audit list")
    with app.app_context():
        record = db.session.execute(db.select(AuditRecord).filter_by(
            initiated_by_admin=NAME)).scalar_one()
    assert_inert(page(client, f"/portal/audit-logs/{record.id}"), NAME, where="audit detail")
    body = client.get("/portal/audit-logs/download").get_data(as_text=True)
    cells = [cell for row in csv.reader(io.StringIO(body.lstrip("\ufeff"))) for cell in row]
    assert "'" + formula in cells and formula not in cells


def test_app_registration_names_stay_text(admin, client, app):
    created = admin.post_form("/portal/app-registrations/new", name=NAME,
                              supported_account_types="b2c",
                              platform="web", redirect_uri="https://app.example/cb",
                              grant_admin_consent="y")
    assert created.status_code == 303, created.get_data(as_text=True)[:500]
    assert_inert(page(client, "/portal/app-registrations/"), NAME, where="app list")
    assert_inert(page(client, created.location), NAME, where="app overview")
    assert_inert(page(client, "/"), NAME, where="home page")


def test_user_flow_names_are_refused_or_shown_as_text(admin, client):
    response = admin.post_form("/portal/user-flows/new", name=NAME, flow_type="signUpOrSignIn")
    assert response.status_code == 200  # refused: the name pattern allows no markup
    assert_inert(response.get_data(as_text=True), NAME, where="user flow form")


# --- API connectors: their answers are shown to the user and to the admin -------------------

@pytest.mark.parametrize("action", ["ShowBlockPage", "ValidationError"])
def test_a_connector_user_message_is_text_on_the_flow_page(flow, connector, action):
    body = {"version": "1.0.0", "action": action, "userMessage": NAME}
    connector.answer(400 if action == "ValidationError" else 200,
                     {**body, "status": 400} if action == "ValidationError" else body)
    rp = flow.rp()
    flow.authorize(rp["client_id"], rp["redirect_uri"])
    flow.sign_up("blocked@example.com")
    assert flow.last.status_code == 200
    assert 'id="blockPage"' in flow.text if action == "ShowBlockPage" else \
        'id="attributeVerificationForm"' in flow.text
    assert_inert(flow.text, NAME, where=f"{action} page")


def test_a_connector_answer_that_is_not_json_is_text_in_the_trace(admin, flow, client, app,
                                                                   connector):
    connector.answer(200, f"<html>{GIVEN}</html>")
    rp = flow.rp()
    flow.authorize(rp["client_id"], rp["redirect_uri"])
    flow.sign_up("raw@example.com")
    assert "AADB2C90075" in flow.text
    with app.app_context():
        run = db.session.execute(db.select(FlowTransaction)).scalar_one().id
    assert_inert(page(client, f"/portal/runs/{run}"), GIVEN, where="trace of a non-JSON answer")


def test_the_test_connector_page_shows_answers_as_text(admin, client, connector):
    connector.answer(200, {"version": "1.0.0", "action": "ShowBlockPage", "userMessage": NAME})
    url = f"/portal/api-connectors/{connector.connector_id}/test"
    sent = admin.post_form(url, step="PostAttributeCollection", body='{"email": "a@b.c"}')
    assert sent.status_code == 200
    assert_inert(sent.get_data(as_text=True), NAME, where="Test connector page")


# --- the token viewer and other public pages ------------------------------------------------

def test_the_token_viewer_shows_claims_and_headers_as_text(client):
    key = RSAKey.generate_key(2048)
    token = jwt.encode({"alg": "RS256", "kid": GIVEN}, {"name": NAME, SURNAME: 1}, key)
    html = client.post("/jwt", data={"id_token": token}).get_data(as_text=True)
    for value in HOSTILE:
        assert_inert(html, value, where="viewer")
    reflected = page(client, "/jwt?error=access_denied&error_description=" + NAME)
    assert_inert(reflected, NAME, where="viewer error_description")
    compared = client.post("/jwt/compare", data={"a": token, "b": token}).get_data(as_text=True)
    assert_inert(compared, NAME, where="viewer compare")


def test_the_mailbox_filter_is_text(client):
    assert_inert(page(client, "/mailbox/?to=" + NAME), NAME, where="mailbox")


# --- custom page content: B2C strips script when JavaScript is off --------------------------

EVASIONS = {
    "tab-in-scheme": '<a href="java&#x09;script:alert(1)">x</a>',
    "control-char-first": '<a href="&#x01; javascript:alert(1)">x</a>',
    "newline-in-scheme": '<a href="java\nscript:alert(1)">x</a>',
    "svg-animate-href": '<svg><a><animate attributeName="href" values="0;javascript:alert(1)"/>'
                        '<text y="20">x</text></a></svg>',
    "svg-set-handler": '<svg><set attributeName="onmouseover" to="alert(1)"/></svg>',
    "object-data": '<object data="javascript:alert(1)"></object>',
    "mixed-case-script": '<ScRiPt>alert(1)</sCrIpT>',
    "mixed-case-handler": '<img src=x OnErRoR=alert(1)>',
    "iframe-srcdoc": '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
}


def _browser_url(value: str) -> str:
    """What a browser's URL parser makes of an attribute value (WHATWG URL: C0 controls and
    spaces trimmed, tab and newlines removed)."""
    return re.sub(r"[\t\n\r]", "", value).strip("\x00- ").lower()


class _Scan:
    """Every attribute and element of a page, the way the browser will see them."""

    def __init__(self, html: str):
        from html.parser import HTMLParser

        self.tags: list[str] = []
        self.attrs: list[tuple[str, str]] = []
        scan = self

        class Parser(HTMLParser):
            def handle_starttag(self, tag, attrs):
                scan.tags.append(tag)
                scan.attrs.extend((n.lower(), v or "") for n, v in attrs)

            handle_startendtag = handle_starttag

        Parser().feed(html)


@pytest.mark.parametrize("evasion", EVASIONS.values(), ids=EVASIONS.keys())
def test_custom_page_content_cannot_run_script_without_javascript(evasion):
    page_html = f"<html><body>{evasion}<div id=\"api\"></div></body></html>"
    merged = merge_custom_page(page_html, "<form></form>", allow_scripts=False)
    scan = _Scan(merged.html)
    assert "script" not in scan.tags and "iframe" not in scan.tags, merged.html
    live = [(n, v) for n, v in scan.attrs
            if n.startswith("on") or _browser_url(v).startswith("javascript:")
            or (n == "attributename" and v.strip().lower().startswith("on"))]
    assert not live, merged.html


def test_custom_page_csp_never_allows_inline_script(app, flow, custom_pages):
    from tests.flows.test_custom_pages import UNIFIED, unified
    custom_pages[UNIFIED] = (200, "text/html", '<div id="api"></div><script>x()</script>')
    for javascript in (False, True):
        unified(app, javascript=javascript)
        rp = flow.rp()
        response = flow.authorize(rp["client_id"], rp["redirect_uri"])
        csp = response.headers["Content-Security-Policy"]
        script_src = next(d for d in csp.split(";") if d.strip().startswith("script-src"))
        assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src


# --- the sample app: the claims page of a user with hostile names ---------------------------

def test_the_sample_apps_claims_page_shows_claims_as_text(live_server):
    from tests.e2e.flowclient import FlowClient
    landed = FlowClient(live_server.base_url).sign_up("xss-rp@example.com", PASSWORD,
                                                      display_name=NAME, given_name=GIVEN,
                                                      surname=SURNAME)
    assert landed.url.endswith("/rp/claims"), landed.text[:2000]
    for value in HOSTILE:
        assert_inert(landed.text, value, where="sample app claims page")
