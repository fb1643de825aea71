"""openid-client v6 (strict) and @azure/msal-node against B2C Lab over https: a code flow
with PKCE, a refresh and client credentials, each library validating what it validates
(shared/testing-recipes.md: openid-client checks iss, aud, nonce, exp and, with
non-repudiation checks on, the signature; msal-node checks the nonce)."""
from __future__ import annotations

from functools import partial

from .browser import jwt_claims, sign_in
from .node_runner import run_node_flow


def _answer(https_idp, interop_user, authorization_url: str) -> str:
    response = sign_in(https_idp.base_url, authorization_url, https_idp.redirect_uri,
                       *interop_user)
    assert response.url and "code" in response.params, response
    return response.url


def _settings(https_idp) -> dict:
    return {"wellKnownUrl": https_idp.well_known_url, "authority": https_idp.authority,
            "clientId": https_idp.client_id, "clientSecret": https_idp.client_secret,
            "redirectUri": https_idp.redirect_uri, "apiScope": https_idp.api_scope}


def _assert_app_only(token: str, client_id: str) -> None:
    claims = jwt_claims(token)
    assert claims["sub"] == claims["aud"] == client_id


def test_openid_client_v6(node, node_env, https_idp, interop_user):
    result = run_node_flow(node, "openid_client_flow.mjs", _settings(https_idp), node_env,
                           partial(_answer, https_idp, interop_user))
    code, refresh = result["code"], result["refresh"]
    assert result["issuer"] == https_idp.issuer
    assert code["claims"]["iss"] == https_idp.issuer
    assert code["claims"]["aud"] == https_idp.client_id
    assert code["claims"]["nonce"] == result["nonce"]
    assert code["claims"]["emails"] == [interop_user[0]]
    assert jwt_claims(code["access_token"])["scp"] == "demo.read"
    assert refresh["claims"]["sub"] == code["claims"]["sub"]
    assert refresh["refresh_token"] != code["refresh_token"]  # rotated
    _assert_app_only(result["client_credentials"]["access_token"], https_idp.client_id)


def test_msal_node(node, node_env, https_idp, interop_user):
    result = run_node_flow(node, "msal_node_flow.mjs", _settings(https_idp), node_env,
                           partial(_answer, https_idp, interop_user))
    code, refresh = result["code"], result["refresh"]
    assert code["claims"]["nonce"] == result["nonce"]
    assert code["claims"]["iss"] == https_idp.issuer
    assert code["claims"]["emails"] == [interop_user[0]]
    assert jwt_claims(code["access_token"])["aud"] == https_idp.client_id
    assert refresh["from_cache"] is False  # forceRefresh went to the token endpoint
    assert refresh["claims"]["sub"] == code["claims"]["sub"]
    _assert_app_only(result["client_credentials"]["access_token"], https_idp.client_id)
