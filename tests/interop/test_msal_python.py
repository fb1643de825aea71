"""MSAL for Python against B2C Lab over https (MSAL refuses http authorities): a B2C
authority with the policy in the path, the auth code flow with PKCE (form_post, as MSAL
recommends), a forced silent refresh and client credentials.

MSAL checks state and the nonce only (shared/testing-recipes.md); the strict id_token checks
are in test_authlib_client.py and the openid-client test.
"""
from __future__ import annotations

import msal

from .browser import jwt_claims, sign_in


def test_msal_python(https_idp, interop_user):
    app = msal.ConfidentialClientApplication(https_idp.client_id,
                                             client_credential=https_idp.client_secret,
                                             authority=https_idp.authority)
    scopes = [https_idp.api_scope]
    flow = app.initiate_auth_code_flow(scopes, redirect_uri=https_idp.redirect_uri,
                                       response_mode="form_post")
    assert flow["code_verifier"] and "code_challenge_method=S256" in flow["auth_uri"]
    response = sign_in(https_idp.base_url, flow["auth_uri"], https_idp.redirect_uri,
                       *interop_user)
    assert response.url is None  # form_post: the IdP's page posts the code to the app

    result = app.acquire_token_by_auth_code_flow(flow, response.params)
    assert "access_token" in result, result
    claims = result["id_token_claims"]
    assert claims["iss"] == https_idp.issuer
    assert claims["aud"] == https_idp.client_id
    assert claims["emails"] == [interop_user[0]]
    assert jwt_claims(result["access_token"])["scp"] == "demo.read"

    account, = app.get_accounts()
    refreshed = app.acquire_token_silent(scopes, account=account, force_refresh=True)
    assert refreshed and "access_token" in refreshed, refreshed
    assert refreshed["token_source"] == "identity_provider"
    assert jwt_claims(refreshed["access_token"])["sub"] == claims["sub"]

    app_only = app.acquire_token_for_client([f"{https_idp.client_id}/.default"])
    assert "access_token" in app_only, app_only
    token = jwt_claims(app_only["access_token"])
    assert token["sub"] == token["aud"] == https_idp.client_id
