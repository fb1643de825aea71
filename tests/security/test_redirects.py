"""Redirects: none open (RFC 9700 §4.11) and none 307/308 after a POST (RFC 9700 §4.12).

The authorize endpoint never redirects to an unregistered redirect URI
(tests/protocol/test_authorize.py::test_unregistered_redirect_uri_shows_registered_and_requested,
tests/conformance/test_basic_op.py::test_oidcc_ensure_registered_redirect_uri) and the token
endpoint compares it exactly (tests/protocol/test_token.py::test_redirect_uri_must_match_the_code,
tests/engine/test_redirect_uris.py).  Here: the logout endpoint and the portal's ``next`` against
the tricks that fool a prefix or "looks like a path" check, and the status of every redirect
answering a POST.
"""
from __future__ import annotations

import ast
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import request, request_finished

from tests.factories import BASE, policy_url
from tests.portal.conftest import ADMIN_PASSWORD, AdminActions, csrf_token
from tests.security.conftest import set_admin_password

ROOT = Path(__file__).resolve().parents[2]
REGISTERED = f"{BASE}/rp/signout-callback-oidc"  # rp-demo's, registered by the seed
LOOKALIKES = [
    "https://evil.example/",
    "//evil.example/",
    f"{REGISTERED}.evil.example",
    f"{REGISTERED}/../../evil",
    f"{REGISTERED}?next=https://evil.example/",
    f"{REGISTERED}#@evil.example",
    "http://localhost:5000@evil.example/rp/signout-callback-oidc",
    REGISTERED.upper(),
    f" {REGISTERED}",
    "javascript:alert(1)//" + REGISTERED,
]


@pytest.mark.parametrize("uri", LOOKALIKES)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_logout_returns_only_to_a_registered_uri(client, method, uri):
    params = {"post_logout_redirect_uri": uri, "state": "s"}
    url = policy_url("oauth2/v2.0/logout")
    response = client.get(url, query_string=params) if method == "GET" else \
        client.post(url, data=params)
    assert response.status_code == 200 and "Location" not in response.headers, \
        (uri, response.status_code, response.headers.get("Location"))
    assert 'id="signedOut"' in response.get_data(as_text=True)


def test_logout_to_the_registered_uri_redirects_with_303(client):
    response = client.post(policy_url("oauth2/v2.0/logout"),
                           data={"post_logout_redirect_uri": REGISTERED, "state": "s"})
    assert response.status_code == 303 and response.location == f"{REGISTERED}?state=s"


NEXTS = ["https://evil.example/", "//evil.example/", "/\\evil.example/", "\\\\evil.example",
         "/portal@evil.example", "http:/evil.example", "https:evil.example",
         "/portal/../../\\evil.example", "javascript:alert(1)", "/portal\r\nLocation: x"]


@pytest.mark.parametrize("target", NEXTS)
def test_portal_sign_in_stays_in_the_portal(app, client, target):
    set_admin_password(app)
    page = client.get("/portal/sign-in").get_data(as_text=True)
    response = client.post("/portal/sign-in", query_string={"next": target}, data={
        "username": "admin", "password": ADMIN_PASSWORD, "csrf_token": csrf_token(page)})
    assert response.status_code == 303
    location = response.headers["Location"]
    parts = urlsplit(location)
    assert not parts.scheme and not parts.netloc and location.startswith("/portal"), location
    assert "\\" not in location[:3] and "\n" not in location, location


def test_portal_sign_in_keeps_a_portal_path(app, client):
    set_admin_password(app)
    page = client.get("/portal/sign-in").get_data(as_text=True)
    response = client.post("/portal/sign-in?next=/portal/users/%3Fq%3Dann", data={
        "username": "admin", "password": ADMIN_PASSWORD, "csrf_token": csrf_token(page)})
    assert response.location == "/portal/users/?q=ann"


# --- 303, never 307/308, after a POST --------------------------------------------------------

def test_every_redirect_after_a_post_is_303(app, client, flow):
    """Drive the POSTs of flows, protocol and portal, recording each answer's status."""
    answers: list[tuple[str, int]] = []

    def record(sender, response, **_extra):
        if request.method == "POST":
            answers.append((request.path, response.status_code))
    request_finished.connect(record, app)
    try:
        set_admin_password(app)
        flow.code_flow("post303@example.com")                       # flows: the step POSTs
        rp = flow.rp()
        client.post(policy_url("oauth2/v2.0/authorize"), data={     # protocol: authorize, SSO
            "client_id": rp["client_id"], "redirect_uri": rp["redirect_uri"],
            "response_type": "code", "scope": "openid", "code_challenge": "x" * 43,
            "code_challenge_method": "S256"})
        client.post(policy_url("oauth2/v2.0/logout"),               # protocol: logout
                    data={"post_logout_redirect_uri": REGISTERED})
        admin = AdminActions(client, app)                           # portal
        admin.login()
        admin.post_form("/portal/user-attributes/new", name="Hobby", data_type="String",
                        description="")
        admin.logout()
    finally:
        request_finished.disconnect(record, app)
    redirects = [(path, status) for path, status in answers if 300 <= status < 400]
    assert {urlsplit(p).path.split("/")[-1] for p, _ in redirects} >= {
        "step", "authorize", "logout", "sign-in", "new", "sign-out"}, redirects
    assert all(status in (302, 303) for _, status in redirects), redirects
    assert not [a for a in answers if a[1] in (307, 308)]


def _redirect_calls(path: Path):
    """(function name, call) of every ``redirect(...)`` call in a module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for func in ast.walk(tree):
        if isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for node in ast.walk(func):
                if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "redirect":
                    yield func.name, node


#: redirect() calls that may keep Flask's default 302: they only ever answer a GET
GET_ONLY = {("idp/portal/__init__.py", "require_admin"): "the GET branch of the portal guard"}


def test_every_redirect_in_the_idp_says_303():
    """A redirect that can answer a POST names 303 (Flask's default is 302; 307 would replay
    the POST, credentials included, at the target)."""
    unexplained = []
    for path in sorted((ROOT / "idp").rglob("*.py")):
        where = str(path.relative_to(ROOT))
        for function, call in _redirect_calls(path):
            code = call.args[1] if len(call.args) > 1 else next(
                (k.value for k in call.keywords if k.arg == "code"), None)
            value = code.value if isinstance(code, ast.Constant) else None
            if value != 303 and (where, function) not in GET_ONLY:
                unexplained.append(f"{where}:{call.lineno} in {function}: code {value}")
    assert not unexplained, unexplained
