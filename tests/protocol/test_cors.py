"""CORS on the protocol endpoints (idp/protocol/cors.py): the token endpoint answers the
origins of Single-page application registrations, and only for that SPA's client id; discovery
and JWKS answer any origin, as B2C's do."""
import pytest

from idp.engine.authorize import ClientInfo
from idp.protocol import cors
from tests.factories import TENANT, make_app_registration, pkce_pair, policy_url

SPA_ORIGIN = "http://localhost:3000"
SPA = ClientInfo("11111111-aaaa-4aaa-8aaa-111111111111", "spa", "spa",
                 ("http://localhost:3000/", "https://App.Example:443/auth/callback"))
WEB = ClientInfo("22222222-bbbb-4bbb-8bbb-222222222222", "web", "web",
                 ("http://localhost:3000/signin-oidc", "https://web.example/cb"))
TOKEN_URLS = (policy_url("oauth2/v2.0/token"), f"/tfp/{TENANT}/B2C_1_susi/oauth2/v2.0/token",
              f"/{TENANT}/oauth2/v2.0/token?p=B2C_1_susi")


# --- the pure rules ---------------------------------------------------------------------------

@pytest.mark.parametrize("uri,origin", [
    ("http://localhost:3000/", "http://localhost:3000"),
    ("https://App.Example:443/auth/callback?x=1", "https://app.example"),
    ("HTTP://example.com:80/", "http://example.com"),
    ("https://example.com:8443", "https://example.com:8443"),
    ("http://[::1]:5173/cb", "http://[::1]:5173"),
    ("msal1234://auth", None), ("urn:ietf:wg:oauth:2.0:oob", None),
    ("https://example.com:notaport/", None), ("/relative", None),
])
def test_origin_of_a_redirect_uri_is_what_a_browser_sends(uri, origin):
    assert cors.origin_of(uri) == origin


def test_only_spa_redirect_uris_give_origins():
    assert cors.spa_origins([SPA, WEB]) == {
        SPA_ORIGIN: frozenset({SPA.client_id}), "https://app.example": frozenset({SPA.client_id})}


def test_preflight_from_a_spa_origin():
    status, headers, body = cors.token_preflight(SPA_ORIGIN, [SPA, WEB])
    assert status == 204 and body == ""
    assert headers["Access-Control-Allow-Origin"] == SPA_ORIGIN
    assert headers["Access-Control-Allow-Methods"] == "POST"
    allowed = headers["Access-Control-Allow-Headers"].split(", ")
    assert {"content-type", "x-client-sku", "x-client-ver", "x-client-os", "x-client-cpu",
            "x-client-current-telemetry", "x-client-last-telemetry",
            "client-request-id"} <= set(allowed)
    assert int(headers["Access-Control-Max-Age"]) > 0 and headers["Vary"] == "Origin"


@pytest.mark.parametrize("origin", ["https://evil.example", "http://localhost:3001",
                                    "https://web.example", "null", None])
def test_preflight_from_another_origin_is_refused(origin):
    status, headers, body = cors.token_preflight(origin, [SPA, WEB])
    assert status == 403 and "Single-page application" in body
    assert "Access-Control-Allow-Origin" not in headers


def test_response_headers_only_for_the_spa_named_by_client_id():
    clients = [SPA, WEB]
    assert cors.token_response_headers(SPA_ORIGIN, SPA.client_id.upper(), clients) == {
        "Vary": "Origin", "Access-Control-Allow-Origin": SPA_ORIGIN}
    for origin, client_id in [(SPA_ORIGIN, WEB.client_id), ("https://evil.example", SPA.client_id),
                              (SPA_ORIGIN, None), (None, SPA.client_id)]:
        assert cors.token_response_headers(origin, client_id, clients) == {"Vary": "Origin"}


# --- over HTTP --------------------------------------------------------------------------------

@pytest.fixture
def spa(app):
    return make_app_registration(app, name="cors-spa", platform="spa",
                                 redirect_uris=[f"{SPA_ORIGIN}/"])


def preflight(client, url, origin):
    return client.options(url, headers={
        "Origin": origin, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type,x-client-sku"})


@pytest.mark.parametrize("url", TOKEN_URLS)
def test_token_preflight_on_every_url_form(client, spa, url):
    response = preflight(client, url, SPA_ORIGIN)
    assert response.status_code == 204, response.get_data(as_text=True)
    assert response.headers["Access-Control-Allow-Origin"] == SPA_ORIGIN
    assert response.headers["Access-Control-Allow-Methods"] == "POST"
    refused = preflight(client, url, "https://evil.example")
    assert refused.status_code == 403 and refused.mimetype == "text/plain"
    assert "Access-Control-Allow-Origin" not in refused.headers


def test_spa_redeems_and_refreshes_cross_origin(client, flow, spa):
    verifier, challenge = pkce_pair()
    flow.authorize(spa["client_id"], spa["redirect_uri"], code_challenge=challenge,
                   code_challenge_method="S256")
    flow.sign_up("cors@example.com")
    code = flow.redirect_params()["code"]
    headers = {"Origin": SPA_ORIGIN}
    response = client.post(TOKEN_URLS[0], headers=headers, data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": spa["redirect_uri"],
        "code_verifier": verifier, "client_id": spa["client_id"]})
    assert response.status_code == 200, response.get_json()
    assert response.headers["Access-Control-Allow-Origin"] == SPA_ORIGIN
    assert "Origin" in response.vary
    refreshed = client.post(TOKEN_URLS[2], headers=headers, data={
        "grant_type": "refresh_token", "client_id": spa["client_id"],
        "refresh_token": response.get_json()["refresh_token"]})
    assert refreshed.status_code == 200
    assert refreshed.headers["Access-Control-Allow-Origin"] == SPA_ORIGIN
    replay = client.post(TOKEN_URLS[1], headers=headers, data={  # errors are readable too
        "grant_type": "authorization_code", "code": code, "client_id": spa["client_id"],
        "redirect_uri": spa["redirect_uri"], "code_verifier": verifier})
    assert replay.status_code == 400 and replay.get_json()["error"] == "invalid_grant"
    assert replay.headers["Access-Control-Allow-Origin"] == SPA_ORIGIN


def test_web_app_answer_is_not_readable_from_a_spa_origin(client, flow, spa):
    """A page on the SPA's origin must not read a web app's tokens, even with its secret."""
    rp = flow.rp()
    body = {"grant_type": "client_credentials", "scope": f"{rp['client_id']}/.default",
            "client_id": rp["client_id"], "client_secret": rp["secret"]}
    response = client.post(TOKEN_URLS[0], headers={"Origin": SPA_ORIGIN}, data=body)
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response.headers
    assert "Origin" in response.vary


def test_another_origin_gets_no_cors_headers(client, spa):
    response = client.post(TOKEN_URLS[0], headers={"Origin": "https://evil.example"}, data={
        "grant_type": "authorization_code", "code": "x", "client_id": spa["client_id"]})
    assert response.status_code == 400
    assert "Access-Control-Allow-Origin" not in response.headers


def test_server_side_clients_send_no_origin(client, flow):
    assert "access_token" not in flow.code_flow("server@example.com")
    rp = flow.rp()
    response = client.post(TOKEN_URLS[0], data={"grant_type": "client_credentials",
                                                "scope": f"{rp['client_id']}/.default",
                                                "client_id": rp["client_id"],
                                                "client_secret": rp["secret"]})
    assert response.status_code == 200 and "Access-Control-Allow-Origin" not in response.headers


@pytest.mark.parametrize("path", ["v2.0/.well-known/openid-configuration",
                                  "discovery/v2.0/keys"])
def test_discovery_and_jwks_are_public(client, path):
    for url in (policy_url(path), f"/tfp/{TENANT}/B2C_1_susi/{path}",
                f"/{TENANT}/{path}?p=B2C_1_susi"):
        response = client.get(url, headers={"Origin": "https://anything.example"})
        assert response.status_code == 200
        assert response.headers["Access-Control-Allow-Origin"] == "*"
    answer = client.options(policy_url(path), headers={
        "Origin": "https://anything.example", "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "x-client-sku"})
    assert answer.status_code == 204
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    assert "x-client-sku" in answer.headers["Access-Control-Allow-Headers"]
