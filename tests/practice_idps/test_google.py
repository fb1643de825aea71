"""The practice Google over HTTP: discovery, the account chooser, the code exchange with an
RS256 ID token checked against the published JWKS, userinfo, its refusals (Google's OAuth error
shapes), and the lessons."""
from __future__ import annotations

import base64
import hashlib
import re

import pytest
import requests
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jwt
from joserfc.errors import BadSignatureError, InvalidClaimError
from joserfc.jwk import KeySet

from practice_idps.personas import SEEDED
from tests.practice_idps.driver import answer_params

PRIYA, WEI, SOFIA = SEEDED["google"]


def discovery(google) -> dict:
    return requests.get(f"{google.root}/.well-known/openid-configuration", timeout=10).json()


def verified_claims(google, id_token: str, nonce: str) -> dict:
    """The ID token's claims, checked as an OpenID Connect client does (Core §3.1.3.7): the
    signature with the key of the discovered jwks_uri, then iss, aud, exp, nonce."""
    metadata = discovery(google)
    keys = KeySet.import_key_set(requests.get(metadata["jwks_uri"], timeout=10).json())
    token = jwt.decode(id_token, keys, algorithms=["RS256"])
    assert token.header["kid"] in {key.kid for key in keys.keys}
    jwt.JWTClaimsRegistry(iss={"essential": True, "value": metadata["issuer"]},
                          aud={"essential": True, "value": google.app()["client_id"]},
                          nonce={"essential": True, "value": nonce},
                          exp={"essential": True}).validate(token.claims)
    return token.claims


def test_discovery_document_and_jwks(google):
    metadata = discovery(google)
    assert metadata["issuer"] == google.root
    for name, path in (("authorization_endpoint", "/o/oauth2/v2/auth"), ("token_endpoint",
                       "/token"), ("jwks_uri", "/oauth2/v3/certs"),
                       ("userinfo_endpoint", "/v1/userinfo")):
        assert metadata[name] == google.root + path
    assert metadata["id_token_signing_alg_values_supported"] == ["RS256"]
    assert "form_post" in metadata["response_modes_supported"]
    keys = requests.get(metadata["jwks_uri"], timeout=10).json()["keys"]
    assert len(keys) == 1 and keys[0]["kty"] == "RSA" and keys[0]["kid"]
    assert "d" not in keys[0]  # never the private part


def test_developer_console_shows_google_shaped_credentials(google):
    app = google.app()
    assert re.fullmatch(r"\d{12}-[a-z0-9]{32}\.apps\.googleusercontent\.com", app["client_id"])
    assert app["client_secret"].startswith("GOCSPX-")
    assert app["redirect_uris"] == [google.reply_url]
    page = requests.get(f"{google.root}/", timeout=10).text
    assert "Practice provider, part of B2C Lab: not the real Google" in page
    assert app["client_id"] in page and google.reply_url in page
    assert "given_name" in page and "family_name" in page  # Google's own claim names


def test_code_flow_issues_an_id_token_verified_with_the_jwks(google):
    answer, sent = google.sign_in("2")
    assert answer["state"] == sent["state"] and answer["iss"] == google.root
    token = google.token(answer["code"])
    assert token.status_code == 200 and token.headers["Cache-Control"] == "no-store"
    body = token.json()
    assert body["token_type"] == "Bearer" and body["access_token"].startswith("ya29.")
    claims = verified_claims(google, body["id_token"], sent["nonce"])
    # display name and given/family name differ for this persona: mapping matters
    assert {key: claims[key] for key in ("sub", "name", "given_name", "family_name", "email",
                                         "email_verified")} == {
        "sub": WEI.id, "name": "Chen Wei", "given_name": "Wei", "family_name": "Chen",
        "email": "chen.wei@example.org", "email_verified": True}
    assert claims["azp"] == google.app()["client_id"] and claims["exp"] > claims["iat"]
    digest = hashlib.sha256(body["access_token"].encode()).digest()[:16]
    assert claims["at_hash"] == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    info = requests.get(discovery(google)["userinfo_endpoint"], timeout=10, headers={
        "Authorization": f"Bearer {body['access_token']}"}).json()
    assert info == {"sub": WEI.id, "name": "Chen Wei", "given_name": "Wei",
                    "family_name": "Chen", "email": "chen.wei@example.org",
                    "email_verified": True}


def test_authlib_client_exchanges_the_code_with_client_secret_basic(google):
    answer, sent = google.sign_in("3")
    app = google.app()
    client = OAuth2Session(app["client_id"], app["client_secret"],
                           redirect_uri=google.reply_url)
    assert client.token_endpoint_auth_method == "client_secret_basic"
    token = client.fetch_token(discovery(google)["token_endpoint"], code=answer["code"],
                               grant_type="authorization_code")
    claims = verified_claims(google, token["id_token"], sent["nonce"])
    assert claims["sub"] == SOFIA.id and claims["family_name"] == "García López"


def test_form_post_response_mode_posts_code_and_state(google):
    start = google.authorize(response_mode="form_post")
    answer = google.consent(google.choose(start, "1"))
    assert answer.status_code == 200 and "form_post.js" in answer.text
    fields = answer_params(answer)
    assert fields["state"] == start.sent["state"]
    claims = verified_claims(google, google.token(fields["code"]).json()["id_token"],
                             start.sent["nonce"])
    assert claims["sub"] == PRIYA.id


def test_unknown_client_and_unregistered_redirect_uri_get_error_pages(google):
    unknown = google.authorize(client_id="1-x.apps.googleusercontent.com")
    assert unknown.status_code == 401 and "Location" not in unknown.headers
    assert "invalid_client" in unknown.text
    stray = google.authorize(redirect_uri="https://evil.example/cb")
    assert stray.status_code == 400 and "Location" not in stray.headers
    assert "redirect_uri_mismatch" in stray.text and google.reply_url in stray.text


@pytest.mark.parametrize("params, error", [
    ({"scope": "email profile"}, "invalid_scope"),
    ({"response_type": "token"}, "unsupported_response_type"),
    ({"response_mode": "fragment"}, "invalid_request"),
])
def test_bad_request_to_a_registered_redirect_uri_is_answered_there(google, params, error):
    response = google.authorize(**params)
    assert response.status_code == 303
    answer = answer_params(response)
    assert answer["error"] == error and answer["state"] == response.sent["state"]


def test_token_endpoint_refusals_have_googles_shape(google):
    answer, _ = google.sign_in("1")
    code = answer["code"]

    def refused(response, status, error):
        assert response.status_code == status, response.text
        assert response.json()["error"] == error and "error_description" in response.json()
    refused(google.token(code, client_secret="GOCSPX-wrong"), 401, "invalid_client")
    refused(google.token(code, client_id="nope"), 401, "invalid_client")
    refused(google.token(code, redirect_uri=google.reply_url + "/x"), 400,
            "redirect_uri_mismatch")
    refused(google.token(code, grant_type="refresh_token"), 400, "unsupported_grant_type")
    refused(google.token("forged"), 400, "invalid_grant")
    assert google.token(code).status_code == 200  # not spent by the refusals
    refused(google.token(code), 400, "invalid_grant")  # used once already


def test_userinfo_refuses_a_bad_token(google):
    response = requests.get(f"{google.root}/v1/userinfo", timeout=10,
                            headers={"Authorization": "Bearer ya29.forged"})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'


def test_lessons_deny_cancel_and_provider_error(google):
    for denied in (google.choose(google.authorize(), "1", lesson="deny"),
                   google.consent(google.choose(google.authorize(), "1"), "cancel")):
        answer = answer_params(denied)
        assert answer == {"error": "access_denied", "state": denied.sent["state"]}
    failed = google.choose(google.authorize(), "1", lesson="provider_error")
    assert answer_params(failed)["error"] == "server_error"


def test_lesson_token_endpoint_fails_with_http_500(google):
    answer, _ = google.sign_in("1", lesson="token_500")
    response = google.token(answer["code"])
    assert response.status_code == 500 and response.json()["error"] == "internal_failure"


def test_lesson_bad_signature_fails_verification_with_the_published_kid(google):
    answer, sent = google.sign_in("1", lesson="bad_signature")
    id_token = google.token(answer["code"]).json()["id_token"]
    with pytest.raises(BadSignatureError):
        verified_claims(google, id_token, sent["nonce"])


def test_lesson_wrong_nonce_sends_a_nonce_the_client_never_sent(google):
    answer, sent = google.sign_in("1", lesson="wrong_nonce")
    id_token = google.token(answer["code"]).json()["id_token"]
    with pytest.raises(InvalidClaimError, match="nonce"):
        verified_claims(google, id_token, sent["nonce"])
    keys = KeySet.import_key_set(requests.get(f"{google.root}/oauth2/v3/certs",
                                              timeout=10).json())
    assert jwt.decode(id_token, keys).claims["nonce"] != sent["nonce"]  # signature is fine
