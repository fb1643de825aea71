"""Discovery and JWKS with B2C's shapes and every accepted URL form (b2c-reference §3.1-3.3);
mirrors conformance ``oidcc-discovery-endpoint-verification``."""
import pytest

from tests.factories import BASE, TENANT, tenant_id

EXPECTED_KEYS = ["issuer", "authorization_endpoint", "token_endpoint", "end_session_endpoint",
                 "jwks_uri", "response_modes_supported", "response_types_supported",
                 "scopes_supported", "subject_types_supported",
                 "id_token_signing_alg_values_supported",
                 "token_endpoint_auth_methods_supported", "claims_supported",
                 "code_challenge_methods_supported"]


def test_discovery_document_is_b2c_shaped(client, app):
    doc = client.get(f"/{TENANT}/B2C_1_susi/v2.0/.well-known/openid-configuration").get_json()
    assert list(doc) == EXPECTED_KEYS
    assert doc["issuer"] == f"{BASE}/{tenant_id(app)}/v2.0/"
    assert doc["authorization_endpoint"] == f"{BASE}/{TENANT}/B2C_1_susi/oauth2/v2.0/authorize"
    assert doc["jwks_uri"] == f"{BASE}/{TENANT}/B2C_1_susi/discovery/v2.0/keys"
    assert doc["scopes_supported"] == ["openid"]
    assert doc["subject_types_supported"] == ["pairwise"]
    assert len(doc["response_types_supported"]) == 8
    assert doc["token_endpoint_auth_methods_supported"] == ["client_secret_post",
                                                            "client_secret_basic"]
    assert doc["claims_supported"][:7] == ["name", "emails", "given_name", "family_name", "idp",
                                           "newUser", "oid"]
    assert "tfp" in doc["claims_supported"] and "auth_time" in doc["claims_supported"]


@pytest.mark.parametrize("path", [
    "/contoso.onmicrosoft.com/b2c_1_SUSI/v2.0/.well-known/openid-configuration",
    "/CONTOSO.onmicrosoft.com/B2C_1_susi/v2.0/.well-known/openid-configuration",
    "/tfp/contoso.onmicrosoft.com/B2C_1_susi/v2.0/.well-known/openid-configuration",
    "/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration?p=B2C_1_susi",
    "/{tid}/B2C_1_susi/v2.0/.well-known/openid-configuration",
])
def test_every_url_form_serves_the_same_issuer(client, app, path):
    doc = client.get(path.format(tid=tenant_id(app))).get_json()
    assert doc["issuer"] == f"{BASE}/{tenant_id(app)}/v2.0/"


def test_query_form_lists_query_form_endpoints(client):
    doc = client.get(f"/{TENANT}/v2.0/.well-known/openid-configuration?p=B2C_1_susi").get_json()
    assert doc["token_endpoint"] == f"{BASE}/{TENANT}/oauth2/v2.0/token?p=B2C_1_susi"


def test_issuer_ignores_the_host_header(client, app):
    doc = client.get(f"/{TENANT}/B2C_1_susi/v2.0/.well-known/openid-configuration",
                     headers={"Host": "evil.example"}).get_json()
    assert doc["issuer"].startswith(BASE + "/")
    assert "evil" not in str(doc)


@pytest.mark.parametrize("path,text", [
    (f"/{TENANT}/B2C_1_nope/v2.0/.well-known/openid-configuration",
     "The policy &#39;B2C_1_nope&#39; does not exist"),
    ("/fabrikam.onmicrosoft.com/B2C_1_susi/v2.0/.well-known/openid-configuration",
     "is not hosted here"),
    (f"/{TENANT}/v2.0/.well-known/openid-configuration", "AADB2C90083"),
])
def test_unknown_policy_or_tenant_is_a_clear_page(client, path, text):
    response = client.get(path)
    assert response.status_code in (400, 404)
    assert text in response.get_data(as_text=True)


def test_jwks_keys_carry_kid_nbf_use(client):
    keys = client.get(f"/{TENANT}/B2C_1_susi/discovery/v2.0/keys").get_json()["keys"]
    assert len(keys) == 1
    assert list(keys[0]) == ["kid", "nbf", "use", "kty", "e", "n"]
    assert keys[0]["use"] == "sig" and keys[0]["kty"] == "RSA" and len(keys[0]["kid"]) == 43
    assert "d" not in keys[0]
