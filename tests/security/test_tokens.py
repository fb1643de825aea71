"""Signed tokens resist ``alg: none`` and key substitution (ASVS V3.5.3) wherever B2C Lab checks a
signature: the token viewer's "signature valid", the logout endpoint's ``id_token_hint``, and
Graph's bearer tokens.

Parity notes (the same forgeries, already tested where they belong):
- the sample app's API: tests/e2e/test_sample_app.py::test_api_refuses_missing_and_forged_tokens
  (``alg: none``, the tenant's kid on an attacker's key, an embedded ``jwk``);
- Graph: tests/graph/test_users.py::test_expired_and_foreign_tokens_are_401 (a foreign key);
- the issuer never comes from the Host header:
  tests/protocol/test_discovery.py::test_issuer_ignores_the_host_header;
- codes are single use, and reuse revokes what the code gave:
  tests/protocol/test_token.py::test_code_reuse_fails_and_revokes_what_it_issued and
  tests/conformance/test_basic_op.py::test_oidcc_codereuse;
- PKCE downgrade (a verifier without a challenge) is refused:
  tests/protocol/test_token.py::test_verifier_without_challenge_is_refused;
- refresh tokens rotate and reuse revokes the family:
  tests/protocol/test_token.py::test_refresh_rotates_and_reuse_revokes_the_family;
- redirect URIs match exactly: tests/protocol/test_token.py::test_redirect_uri_must_match_the_code,
  tests/engine/test_redirect_uris.py.
"""
from __future__ import annotations

import base64
import json

import pytest
from cryptography.hazmat.primitives import serialization
from joserfc import jws, jwt
from joserfc.jwk import ECKey, OctKey, RSAKey

from tests.factories import BASE, policy_url

JWKS = policy_url("discovery/v2.0/keys")


def _b64(data) -> str:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _hs256_with_the_public_key(header: dict, claims: dict, public_pem: bytes) -> str:
    """The classic confusion: HMAC keyed with the server's public key (joserfc refuses to
    build this, so it is signed by hand)."""
    import hashlib
    import hmac
    signing_input = f"{_b64(header)}.{_b64(claims)}"
    mac = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(mac)}"


@pytest.fixture
def real(client, flow):
    """A real id_token, its claims, and the tenant's published key (kid, PEM)."""
    body = flow.code_flow("forged@example.com")
    header = json.loads(base64.urlsafe_b64decode(body["id_token"].split(".")[0] + "=="))
    published = client.get(JWKS).get_json()["keys"][0]
    pem = RSAKey.import_key(published).as_pem(private=False)
    claims = json.loads(base64.urlsafe_b64decode(body["id_token"].split(".")[1] + "=="))
    return {"token": body["id_token"], "kid": header["kid"], "claims": claims, "pem": pem,
            "jwk": published}


def forgeries(real) -> dict[str, str]:
    kid, claims = real["kid"], {**real["claims"], "name": "Mallory"}
    attacker = RSAKey.generate_key(2048)
    ec = ECKey.generate_key("P-256")
    parts = real["token"].split(".")
    return {
        "alg none": f"{_b64({'alg': 'none', 'kid': kid})}.{_b64(claims)}.",
        "alg None, signature kept": f"{_b64({'alg': 'None', 'kid': kid})}.{_b64(claims)}."
                                    f"{parts[2]}",
        "HS256 keyed with the public key": _hs256_with_the_public_key(
            {"alg": "HS256", "kid": kid, "typ": "JWT"}, claims, real["pem"]),
        "HS256 keyed with the JWK's n": _hs256_with_the_public_key(
            {"alg": "HS256", "kid": kid}, claims, real["jwk"]["n"].encode()),
        "the tenant's kid on an attacker's key": jwt.encode({"alg": "RS256", "kid": kid},
                                                            claims, attacker),
        "an embedded jwk": jwt.encode({"alg": "RS256", "kid": kid,
                                       "jwk": attacker.as_dict(private=False)}, claims,
                                      attacker),
        "a jku to the attacker's keys": jwt.encode({"alg": "RS256", "kid": kid,
                                                    "jku": "https://evil.example/keys"},
                                                   claims, attacker),
        "ES256 under the tenant's kid": jwt.encode({"alg": "ES256", "kid": kid}, claims, ec),
        "real signature, other payload": f"{parts[0]}.{_b64(claims)}.{parts[2]}",
        "PS256 on the tenant's kid": jws.serialize_compact(
            {"alg": "PS256", "kid": kid}, json.dumps(claims), attacker,
            algorithms=["PS256"]),
    }


def test_the_viewer_never_calls_a_forged_token_valid(client, real):
    genuine = client.post("/jwt", data={"id_token": real["token"]}).get_data(as_text=True)
    assert 'id="signature-status">signature valid<' in genuine  # the check can say valid
    for name, token in forgeries(real).items():
        html = client.post("/jwt", data={"id_token": token}).get_data(as_text=True)
        assert "signature valid" not in html, name
        assert "Mallory" in html or "not base64url" in html, name  # it was decoded and shown
        assert "/portal/runs/" not in html, name  # and never linked to a run


def test_logout_refuses_a_forged_id_token_hint(client, real):
    """A valid hint makes logout return to that app's URI; a forged one is AADB2C90208."""
    for name, token in forgeries(real).items():
        response = client.get(policy_url("oauth2/v2.0/logout"), query_string={
            "id_token_hint": token, "post_logout_redirect_uri": f"{BASE}/rp/signout-callback-oidc"})
        assert response.status_code == 400, name
        assert "AADB2C90208" in response.get_data(as_text=True), name


def test_graph_refuses_forged_bearer_tokens(client, real):
    for name, token in forgeries(real).items():
        response = client.get("/graph/v1.0/users", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401, name


def test_hs256_with_a_shared_secret_is_no_way_in(client, real):
    """No symmetric key is ever published or accepted: the JWKS holds RSA public keys only."""
    keys = client.get(JWKS).get_json()["keys"]
    assert keys and all(k["kty"] == "RSA" and "d" not in k for k in keys)
    guessed = jwt.encode({"alg": "HS256", "kid": real["kid"]}, real["claims"],
                         OctKey.import_key(b"secret" * 6))
    html = client.post("/jwt", data={"id_token": guessed}).get_data(as_text=True)
    assert "signature valid" not in html


def test_the_signing_key_is_rsa_2048_or_more(client):
    for key in client.get(JWKS).get_json()["keys"]:
        public = serialization.load_pem_public_key(RSAKey.import_key(key).as_pem(private=False))
        assert public.key_size >= 2048 and key.get("alg", "RS256") == "RS256"
