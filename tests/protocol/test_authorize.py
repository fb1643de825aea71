"""The authorization endpoint's failing requests beside the happy path (security-baseline:
redirect URI exact match, no open redirect, PKCE for public clients, state echo)."""
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.factories import BASE, make_app_registration, policy_url


def authorize(client, **params):
    return client.get(policy_url("oauth2/v2.0/authorize"), query_string=params)


def test_happy_path_shows_the_unified_page_with_b2c_ids(client, flow):
    rp = flow.rp()
    response = authorize(client, client_id=rp["client_id"], redirect_uri=rp["redirect_uri"],
                         response_type="code", scope="openid", state="s", login_hint="a@b.example")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for element in ('id="signInName"', 'id="password"', 'id="next"', 'id="forgotPassword"',
                    'id="createAccount"', 'value="a@b.example"', 'name="csrf_token"'):
        assert element in html
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    cookie = response.headers.get("Set-Cookie")
    assert "x-ms-cpim-trans=" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_unknown_client_shows_an_error_page_and_never_redirects(client):
    response = authorize(client, client_id="00000000-0000-0000-0000-000000000000",
                         redirect_uri="https://evil.example/", response_type="code",
                         scope="openid")
    assert response.status_code == 400 and "Location" not in response.headers
    assert "AADB2C90018" in response.get_data(as_text=True)


def test_unregistered_redirect_uri_shows_registered_and_requested(client, flow):
    rp = flow.rp()
    response = authorize(client, client_id=rp["client_id"], redirect_uri="https://evil.example/cb",
                         response_type="code", scope="openid")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "Location" not in response.headers
    assert "AADB2C90006" in html and "https://evil.example/cb" in html
    assert f"{BASE}/rp/signin-oidc" in html


@pytest.mark.parametrize("params,error,code", [
    ({"response_type": None}, "invalid_request", "AADB2C90083"),
    ({"response_type": "code token"}, "invalid_scope", "AADB2C90055"),
    ({"response_type": "id_token", "nonce": "n"}, "unauthorized_client", "AADB2C90057"),
    ({"prompt": "maybe"}, "invalid_request", "AADB2C90043"),
    ({"scope": "openid write"}, "invalid_scope", "AADB2C90055"),
])
def test_errors_after_the_redirect_uri_go_back_to_the_app(client, flow, params, error, code):
    rp = flow.rp()
    query = {"client_id": rp["client_id"], "redirect_uri": rp["redirect_uri"],
             "response_type": "code", "scope": "openid", "state": "xyz", **params}
    response = authorize(client, **{k: v for k, v in query.items() if v is not None})
    assert response.status_code == 303
    assert response.location.startswith(rp["redirect_uri"])
    got = flow.redirect_params(response)
    assert got["error"] == error and got["error_description"].startswith(code)
    assert got["state"] == "xyz"


def test_prompt_none_without_session_is_login_required(client, flow):
    rp = flow.rp()
    response = authorize(client, client_id=rp["client_id"], redirect_uri=rp["redirect_uri"],
                         response_type="code", scope="openid", prompt="none", state="s")
    got = flow.redirect_params(response)
    assert got["error"] == "login_required" and got["error_description"].startswith("AADB2C90077")


def test_public_client_without_pkce_is_refused(client, app, flow):
    spa = make_app_registration(app, name="spa", platform="spa",
                                redirect_uris=["http://localhost:3000/"])
    response = authorize(client, client_id=spa["client_id"], redirect_uri="http://localhost:3000/",
                         response_type="code", scope="openid")
    assert flow.redirect_params(response)["error_description"].startswith("AADB2C99059")


def test_authorize_accepts_post(client, flow):
    rp = flow.rp()
    response = client.post(policy_url("oauth2/v2.0/authorize"), data={
        "client_id": rp["client_id"], "redirect_uri": rp["redirect_uri"],
        "response_type": "code", "scope": "openid"})
    assert response.status_code == 200 and 'id="signInName"' in response.get_data(as_text=True)


def test_error_response_mode_fragment_for_implicit(client, flow):
    rp = flow.rp()
    response = authorize(client, client_id=rp["client_id"], redirect_uri=rp["redirect_uri"],
                         response_type="id_token", scope="openid", nonce="n", state="s")
    assert urlsplit(response.location).fragment
    assert "error" in parse_qs(urlsplit(response.location).fragment)
