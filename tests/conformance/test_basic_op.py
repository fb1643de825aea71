"""The OpenID Foundation's Basic OP and Config OP plans, mirrored: one test per applicable
module, named after it, making that module's checks (shared/security-baseline.md,
"Conformance checks to mirror").  The suite itself cannot run offline.

Where B2C differs from what a module expects, the test pins B2C's behaviour and says so:
no userinfo endpoint in user flows, an issuer that is not the discovery URL's prefix, and no
access token for ``scope=openid`` alone (the app's client id is asked for as a scope instead).
"""
from __future__ import annotations

import pytest
from joserfc.errors import BadSignatureError
from joserfc.jwk import KeySet

from idp.extensions import db
from idp.models import SsoSession
from tests.factories import (BASE, make_app_registration, parse, pkce_pair, policy_url,
                             tenant_id)

from .checks import discovery, path_of, validate_id_token

EMAIL = "conformance@example.com"


def authorize_and_redeem(flow, *, sign=None, auth: str = "basic", **params) -> dict:
    """An authorization request as rp-demo (PKCE S256), the pages when ``sign`` is
    "up"/"in", then the token request.  :return: {"callback": ..., "token": ...}."""
    rp = flow.rp()
    verifier, challenge = pkce_pair()
    query = {"code_challenge": challenge, "code_challenge_method": "S256", **params}
    response = flow.authorize(rp["client_id"], rp["redirect_uri"], **query)
    if sign == "up":
        response = flow.sign_up(EMAIL)
    elif sign == "in":
        response = flow.sign_in(EMAIL)
    callback = flow.redirect_params(response)
    data = {"grant_type": "authorization_code", "code": callback["code"],
            "redirect_uri": rp["redirect_uri"], "code_verifier": verifier}
    if auth == "post":
        data.update(client_id=rp["client_id"], client_secret=rp["secret"])
    result = flow.token(data, auth=(rp["client_id"], rp["secret"]) if auth == "basic" else None)
    assert result.status_code == 200, result.get_json()
    return {"callback": callback, "token": result.get_json(), "rp": rp}


def _age_session(app, seconds: int) -> None:
    """The user signed in ``seconds`` earlier (no sleeping in tests)."""
    with app.app_context():
        session = db.session.execute(db.select(SsoSession)).scalar_one()
        session.auth_time -= seconds
        db.session.commit()


def _shows_sign_in_page(response) -> bool:
    return response.status_code == 200 and 'id="signInName"' in response.get_data(as_text=True)


def test_oidcc_server(client, flow):
    rp = flow.rp()
    got = authorize_and_redeem(flow, sign="up", state="exact-state",
                               scope=f"openid offline_access {rp['client_id']}")
    assert set(got["callback"]) == {"code", "state"}  # CheckMatchingCallbackParameters
    assert got["callback"]["state"] == "exact-state"  # CheckMatchingStateParameter
    token = got["token"]
    assert token["token_type"] == "Bearer" and token["access_token"]
    assert isinstance(token["expires_in"], int) and token["expires_in"] > 0  # ValidateExpiresIn
    validate_id_token(client, token["id_token"], rp["client_id"], nonce="n-456")


def test_oidcc_server_b2c_gives_no_access_token_for_openid_alone(client, flow):
    token = authorize_and_redeem(flow, sign="up", scope="openid")["token"]
    assert "access_token" not in token and token["id_token"]  # B2C's rule, b2c-reference §3.5


def test_oidcc_response_type_missing(flow):
    rp = flow.rp()
    response = flow.authorize(rp["client_id"], rp["redirect_uri"], response_type=None)
    got = flow.redirect_params(response)
    assert got["error"] == "invalid_request" and got["state"] == "st-123"
    assert "code" not in got


def test_oidcc_idtoken_signature(client, flow):
    token = authorize_and_redeem(flow, sign="up")["token"]["id_token"]
    validate_id_token(client, token, flow.rp()["client_id"])
    head, body, signature = token.split(".")
    changed = signature[:10] + ("A" if signature[10] != "A" else "B") + signature[11:]
    with pytest.raises(BadSignatureError):
        validate_id_token(client, f"{head}.{body}.{changed}", flow.rp()["client_id"])
    # oidcc-idtoken-unsigned: the OP never offers alg "none"
    assert discovery(client)["id_token_signing_alg_values_supported"] == ["RS256"]


def test_oidcc_ensure_request_without_nonce_succeeds_for_code_flow(client, flow):
    token = authorize_and_redeem(flow, sign="up", nonce=None)["token"]
    assert "nonce" not in validate_id_token(client, token["id_token"], flow.rp()["client_id"])


def test_oidcc_prompt_login(client, flow, app):
    first = authorize_and_redeem(flow, sign="up")["token"]
    _age_session(app, 100)
    rp = flow.rp()
    assert _shows_sign_in_page(flow.authorize(rp["client_id"], rp["redirect_uri"],
                                              prompt="login"))
    second = authorize_and_redeem(flow, sign="in", prompt="login")["token"]
    before = validate_id_token(client, first["id_token"], rp["client_id"])
    after = validate_id_token(client, second["id_token"], rp["client_id"])
    assert after["sub"] == before["sub"] and after["auth_time"] >= before["auth_time"]


def test_oidcc_prompt_none_not_logged_in(flow):
    rp = flow.rp()
    response = flow.authorize(rp["client_id"], rp["redirect_uri"], prompt="none", state="pn")
    got = flow.redirect_params(response)
    assert got["error"] == "login_required" and got["state"] == "pn" and "code" not in got


def test_oidcc_prompt_none_logged_in(client, flow):
    first = authorize_and_redeem(flow, sign="up")["token"]
    second = authorize_and_redeem(flow, prompt="none")["token"]  # no page at all
    rp = flow.rp()
    assert (validate_id_token(client, second["id_token"], rp["client_id"])["sub"]
            == validate_id_token(client, first["id_token"], rp["client_id"])["sub"])


def test_oidcc_max_age_1(client, flow, app):
    first = authorize_and_redeem(flow, sign="up")["token"]
    _age_session(app, 2)  # more than max_age=1 ago
    rp = flow.rp()
    assert _shows_sign_in_page(flow.authorize(rp["client_id"], rp["redirect_uri"],
                                              max_age="1"))
    second = authorize_and_redeem(flow, sign="in", max_age="1")["token"]
    claims = validate_id_token(client, second["id_token"], rp["client_id"])
    old = validate_id_token(client, first["id_token"], rp["client_id"])["auth_time"]
    assert claims["auth_time"] >= old  # a new sign-in, not the session aged to old - 2


def test_oidcc_max_age_10000(client, flow, app):
    first = authorize_and_redeem(flow, sign="up")["token"]
    _age_session(app, 100)
    second = authorize_and_redeem(flow, max_age="10000")["token"]  # SSO, no page
    rp = flow.rp()
    before = validate_id_token(client, first["id_token"], rp["client_id"])
    assert validate_id_token(client, second["id_token"],
                             rp["client_id"])["auth_time"] == before["auth_time"] - 100


def test_oidcc_ensure_request_with_unknown_parameter_succeeds(client, flow):
    token = authorize_and_redeem(flow, sign="up", extra="foobar")["token"]
    validate_id_token(client, token["id_token"], flow.rp()["client_id"])


def _reuse(flow) -> tuple[dict, object]:
    rp = flow.rp()
    verifier, challenge = pkce_pair()
    flow.authorize(rp["client_id"], rp["redirect_uri"], code_challenge=challenge,
                   code_challenge_method="S256")
    flow.sign_up(EMAIL)
    data = {"grant_type": "authorization_code", "code": flow.redirect_params()["code"],
            "redirect_uri": rp["redirect_uri"], "code_verifier": verifier}
    first = flow.token(data, auth=(rp["client_id"], rp["secret"]))
    assert first.status_code == 200
    return first.get_json(), flow.token(data, auth=(rp["client_id"], rp["secret"]))


def test_oidcc_codereuse(flow):
    _first, again = _reuse(flow)
    assert again.status_code == 400 and again.get_json()["error"] == "invalid_grant"


def test_oidcc_codereuse_30seconds(flow):
    """The SHOULD: reuse revokes what the code issued.  Only the refresh token can be revoked;
    access tokens are self-contained JWTs with no introspection or userinfo to consult."""
    first, _again = _reuse(flow)
    rp = flow.rp()
    refreshed = flow.token({"grant_type": "refresh_token",
                            "refresh_token": first["refresh_token"]},
                           auth=(rp["client_id"], rp["secret"]))
    assert refreshed.status_code == 400 and refreshed.get_json()["error"] == "invalid_grant"


def test_oidcc_ensure_registered_redirect_uri(flow):
    response = flow.authorize(flow.rp()["client_id"], "https://attacker.example/cb")
    assert response.status_code == 400 and "Location" not in response.headers
    assert "https://attacker.example/cb" in response.get_data(as_text=True)  # an error page


def test_oidcc_ensure_post_request_succeeds(client, flow):
    rp = flow.rp()
    response = client.post(policy_url("oauth2/v2.0/authorize"), data={
        "client_id": rp["client_id"], "redirect_uri": rp["redirect_uri"],
        "response_type": "code", "scope": "openid", "state": "posted", "nonce": "n-post"})
    assert _shows_sign_in_page(response)
    flow.last, flow.page = response, parse(response.get_data(as_text=True))
    flow.sign_up(EMAIL)
    assert flow.redirect_params()["state"] == "posted" and flow.redirect_params()["code"]


def test_oidcc_server_client_secret_post(client, flow):
    token = authorize_and_redeem(flow, sign="up", auth="post")["token"]
    validate_id_token(client, token["id_token"], flow.rp()["client_id"], nonce="n-456")
    assert "client_secret_post" in discovery(client)["token_endpoint_auth_methods_supported"]


def test_oidcc_refresh_token(client, flow, app):
    got = authorize_and_redeem(flow, sign="up")
    rp, first = got["rp"], got["token"]
    response = flow.token({"grant_type": "refresh_token", "refresh_token": first["refresh_token"]},
                          auth=(rp["client_id"], rp["secret"]))
    assert response.status_code == 200
    second = response.get_json()
    old = validate_id_token(client, first["id_token"], rp["client_id"])
    new = validate_id_token(client, second["id_token"], rp["client_id"])
    for claim in ("iss", "sub", "aud", "auth_time"):  # OIDC Core §12.2
        assert new[claim] == old[claim]
    other = make_app_registration(app, name="other-client")
    stolen = flow.token({"grant_type": "refresh_token", "refresh_token": second["refresh_token"]},
                        auth=(other["client_id"], other["secret"]))
    assert stolen.status_code == 400 and stolen.get_json()["error"] == "invalid_grant"


def test_oidcc_ensure_request_with_valid_pkce_succeeds(client, flow):
    token = authorize_and_redeem(flow, sign="up")["token"]  # S256 challenge and verifier
    validate_id_token(client, token["id_token"], flow.rp()["client_id"])
    assert "S256" in discovery(client)["code_challenge_methods_supported"]


def test_oidcc_discovery_endpoint_verification(client, app):
    """Config OP.  B2C's issuer is ``{host}/{tenantId}/v2.0/``, not the discovery URL's
    prefix (OIDC Discovery §4.3): the suite's issuer check fails on real B2C too."""
    metadata = discovery(client)
    for name in ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri",
                 "response_types_supported", "subject_types_supported",
                 "id_token_signing_alg_values_supported"):
        assert metadata[name], name
    assert metadata["issuer"] == f"{BASE}/{tenant_id(app)}/v2.0/"
    assert all(metadata[k].startswith(BASE + "/") for k in metadata if k.endswith(("_endpoint",
                                                                                   "_uri")))
    assert "code" in metadata["response_types_supported"]
    assert "openid" in metadata["scopes_supported"]
    assert {"query", "fragment"} <= set(metadata["response_modes_supported"])
    assert {"sub", "iss", "aud", "exp", "iat"} <= set(metadata["claims_supported"])
    assert "client_secret_basic" in metadata["token_endpoint_auth_methods_supported"]
    keys = client.get(path_of(metadata["jwks_uri"])).get_json()["keys"]
    assert keys and all(k["kid"] and k["kty"] == "RSA" and k["use"] == "sig" for k in keys)
    assert len({k["kid"] for k in keys}) == len(keys)  # CheckForKeyIdInServerJWKs
    KeySet.import_key_set({"keys": keys})  # ValidateServerJWKs


def test_oidcc_login_hint(flow):
    rp = flow.rp()
    response = flow.authorize(rp["client_id"], rp["redirect_uri"], login_hint="hint@example.com")
    assert _shows_sign_in_page(response)
    assert 'value="hint@example.com"' in response.get_data(as_text=True)


def test_oidcc_id_token_hint(client, flow):
    """The module sends the id_token back as id_token_hint with prompt=none; B2C's logout
    takes it too (and uses its ``aud`` to check the post-logout URI)."""
    id_token = authorize_and_redeem(flow, sign="up")["token"]["id_token"]
    again = authorize_and_redeem(flow, prompt="none", id_token_hint=id_token)
    assert again["callback"]["code"]
    response = client.get(policy_url("oauth2/v2.0/logout"), query_string={
        "id_token_hint": id_token, "state": "bye",
        "post_logout_redirect_uri": f"{BASE}/rp/signout-callback-oidc"})
    assert response.status_code == 303 and response.location.startswith(
        f"{BASE}/rp/signout-callback-oidc?") and "state=bye" in response.location


def test_oidcc_ensure_other_scope_order_succeeds(client, flow):
    token = authorize_and_redeem(flow, sign="up", scope="email offline_access openid")["token"]
    validate_id_token(client, token["id_token"], flow.rp()["client_id"])
    assert token["refresh_token"]


@pytest.mark.parametrize("module", ["oidcc_userinfo_get", "oidcc_userinfo_post_header",
                                    "oidcc_userinfo_post_body"])
def test_oidcc_userinfo_modules_do_not_apply(client, module):
    """B2C user flows have no userinfo endpoint (only custom policies can add one), so the
    three userinfo modules cannot run: the claims are in the id_token."""
    assert "userinfo_endpoint" not in discovery(client)
