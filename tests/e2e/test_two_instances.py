"""Two B2C Lab instances (``python app.py``, two processes on two ports) on ONE PostgreSQL
database, as behind a load balancer: a sign-in started and finished at instance A is redeemed
at instance B's token endpoint, refreshed at A, and every token verifies against either
instance's JWKS (one signing key, in the database).  A code or refresh token spent at one
instance is refused at the other.

Both start at once on an empty database (their migrations and seeding must not collide, and
they must make one signing key between them), with A's public URL (IDP_PUBLIC_URL), so they
have one issuer; the test posts to B's port directly.  Plain HTTP with ``requests`` (no
browser).  Runs only when B2CLAB_TEST_DATABASE_URL is a PostgreSQL URL (CI's second run).
"""
from __future__ import annotations

import json
import secrets
import sys
import uuid
from concurrent.futures import ThreadPoolExecutor, wait
from urllib.parse import urlencode

import pytest
import requests
from joserfc import jwt
from joserfc.jwk import KeySet

from tests import databases
from tests.interop.browser import sign_in
from tests.factories import pkce_pair

from .conftest import free_port, start_server
from .flowclient import FlowClient

pytestmark = pytest.mark.postgresql  # skipped on SQLite, with the reason (tests/conftest.py)

TENANT = "contoso.onmicrosoft.com"
POLICY = "B2C_1_susi"
TIMEOUT = 10


@pytest.fixture(scope="module")
def instances(tmp_path_factory):
    """Instances A and B, started at the same time on one empty database (both migrate and
    seed it at start-up), B with A's public URL."""
    shared = databases.create_database("two_instances")
    port_a, port_b = free_port(), free_port()
    public_url = f"http://localhost:{port_a}"
    command = [sys.executable, "app.py"]
    with ThreadPoolExecutor(max_workers=2) as pool:
        starts = [pool.submit(start_server, tmp_path_factory.mktemp(name), command, port,
                              database_url=shared, public_url=public_url)
                  for name, port in (("instance_a", port_a), ("instance_b", port_b))]
        wait(starts)
    servers = [start.result() for start in starts if start.exception() is None]
    try:
        for start in starts:
            start.result()  # re-raises a start-up failure (with that server's output)
        yield servers[0], servers[1], f"http://127.0.0.1:{port_b}"
    finally:
        for server in servers:
            server.stop()
        databases.drop_database(shared)


def policy_url(origin: str, path: str) -> str:
    return f"{origin}/{TENANT}/{POLICY}/{path}"


def verify(token: str, jwks: dict, issuer: str, audience: str) -> dict:
    """Check the RS256 signature against ``jwks``, then iss and aud; return the claims."""
    claims = jwt.decode(token, KeySet.import_key_set(jwks)).claims
    assert claims["iss"] == issuer
    assert claims["aud"] == audience
    return claims


def test_sign_in_at_a_redeem_at_b_refresh_at_a(instances):
    a, b, b_origin = instances
    metadata_a = requests.get(policy_url(a.base_url, "v2.0/.well-known/openid-configuration"),
                              timeout=TIMEOUT).json()
    metadata_b = requests.get(policy_url(b_origin, "v2.0/.well-known/openid-configuration"),
                              timeout=TIMEOUT).json()
    assert metadata_b == metadata_a  # one issuer, one set of endpoints (A's public URL)
    jwks_a = requests.get(policy_url(a.base_url, "discovery/v2.0/keys"), timeout=TIMEOUT).json()
    jwks_b = requests.get(policy_url(b_origin, "discovery/v2.0/keys"), timeout=TIMEOUT).json()
    assert jwks_a == jwks_b and len(jwks_a["keys"]) == 1  # one signing key, in the database

    email, password = f"two-inst-{uuid.uuid4().hex[:12]}@example.com", "Passw0rd!-two"
    page = FlowClient(a.base_url).sign_up(email, password, "Two Instances", "Two", "Instances")
    assert page.url == f"{a.base_url}/rp/claims", page.text[:2000]

    # A confidential app's own code flow (the sample app's registration and A's copy of its
    # secret), started and finished at A; the code is kept, not given to A's sample app.
    creds = json.loads((a.instance_path / "rp_demo_client.json").read_text())
    redirect_uri = f"{a.base_url}/rp/signin-oidc"
    verifier, challenge = pkce_pair()
    nonce = secrets.token_urlsafe(16)
    authorize = policy_url(a.base_url, "oauth2/v2.0/authorize") + "?" + urlencode({
        "client_id": creds["client_id"], "response_type": "code", "redirect_uri": redirect_uri,
        "scope": "openid offline_access", "state": "two-instances", "nonce": nonce,
        "code_challenge": challenge, "code_challenge_method": "S256"})
    response = sign_in(a.base_url, authorize, redirect_uri, email, password)
    assert response.params.get("state") == "two-instances", response
    code = response.params["code"]

    redeem = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
              "code_verifier": verifier, "client_id": creds["client_id"],
              "client_secret": creds["client_secret"]}
    at_b = requests.post(policy_url(b_origin, "oauth2/v2.0/token"), data=redeem,
                         timeout=TIMEOUT)
    assert at_b.status_code == 200, at_b.text + a.output()[-2000:] + b.output()[-2000:]
    tokens = at_b.json()
    issuer = metadata_a["issuer"]
    claims = [verify(tokens["id_token"], jwks, issuer, creds["client_id"])
              for jwks in (jwks_a, jwks_b)]
    assert claims[0] == claims[1]
    assert claims[0]["nonce"] == nonce and claims[0]["emails"] == [email]

    refresh = {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"],
               "client_id": creds["client_id"], "client_secret": creds["client_secret"]}
    at_a = requests.post(policy_url(a.base_url, "oauth2/v2.0/token"), data=refresh,
                         timeout=TIMEOUT)
    assert at_a.status_code == 200, at_a.text + a.output()[-2000:]
    refreshed = at_a.json()
    assert refreshed["refresh_token"] != tokens["refresh_token"]
    for jwks in (jwks_a, jwks_b):
        assert verify(refreshed["id_token"], jwks, issuer, creds["client_id"])["sub"] == \
            claims[0]["sub"]

    # The spent refresh token, replayed at B, is refused there (and revokes its family, so
    # the one A just issued stops working at A as well).
    replay = requests.post(policy_url(b_origin, "oauth2/v2.0/token"), data=refresh,
                           timeout=TIMEOUT)
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant", replay.text
    revoked = requests.post(policy_url(a.base_url, "oauth2/v2.0/token"),
                            data={**refresh, "refresh_token": refreshed["refresh_token"]},
                            timeout=TIMEOUT)
    assert revoked.status_code == 400 and revoked.json()["error"] == "invalid_grant", \
        revoked.text

    # The code was spent at B: A refuses it too.
    again = requests.post(policy_url(a.base_url, "oauth2/v2.0/token"), data=redeem,
                          timeout=TIMEOUT)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant", again.text
