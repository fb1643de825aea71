"""Pure protocol rules: authorize checks, scopes, PKCE and token claims."""
import pytest

from idp.engine.authorize import (ClientInfo, check_redirect_uri, validate_authorize_request)
from idp.engine.errors import B2CError, UnsafeRedirectError
from idp.engine.pkce import verify_code_verifier
from idp.engine.scopes import parse_scope
from idp.engine.tokens import build_id_token_claims, issuer, output_claims

CLIENT = ClientInfo("11111111-1111-1111-1111-111111111111", "web", "web",
                    ("https://app.example/cb",))
SPA = ClientInfo("22222222-2222-2222-2222-222222222222", "spa", "spa", ("https://spa.example/",))
BASE = {"client_id": CLIENT.client_id, "redirect_uri": "https://app.example/cb",
        "response_type": "code", "scope": "openid"}


def validate(client=CLIENT, **params):
    merged = {**BASE, **params}
    merged = {k: v for k, v in merged.items() if v is not None}
    return validate_authorize_request(merged, client, merged.get("redirect_uri"), lambda s: None)


@pytest.mark.parametrize("params,code", [
    ({"client_id": None}, "AADB2C90083"),
    ({"redirect_uri": "https://app.example/cb/"}, "AADB2C90006"),
    ({"redirect_uri": "HTTPS://app.example/cb"}, "AADB2C90006"),
    ({"redirect_uri": None}, "AADB2C90083"),
])
def test_redirect_uri_errors_never_redirect(params, code):
    with pytest.raises(UnsafeRedirectError) as info:
        check_redirect_uri({k: v for k, v in {**BASE, **params}.items() if v is not None},
                           CLIENT, "contoso.onmicrosoft.com")
    assert info.value.code == code


def test_unknown_client_is_named():
    with pytest.raises(UnsafeRedirectError) as info:
        check_redirect_uri(BASE, None, "contoso.onmicrosoft.com")
    assert info.value.description.startswith("AADB2C90018: The client id '1111")


@pytest.mark.parametrize("params,code", [
    ({"response_type": None}, "AADB2C90083"),
    ({"response_type": "code foo"}, "AADB2C90014"),
    ({"response_type": "id_token", "nonce": "n"}, "AADB2C90057"),
    ({"prompt": "sometimes"}, "AADB2C90043"),
    ({"prompt": "none login"}, "AADB2C90043"),
    ({"max_age": "-1"}, "AADB2C90120"),
    ({"scope": "offline_access"}, "AADB2C90115"),
    ({"scope": "openid api:read"}, "AADB2C90055"),
    ({"code_challenge": "x" * 43, "code_challenge_method": "S512"}, "AADB2C90184"),
    ({"code_challenge": "short"}, "AADB2C90183"),
])
def test_rule_violations_carry_b2c_codes(params, code):
    with pytest.raises(B2CError) as info:
        validate(**params)
    assert info.value.code == code


def test_public_clients_must_send_pkce():
    with pytest.raises(B2CError) as info:
        validate(SPA, client_id=SPA.client_id, redirect_uri="https://spa.example/")
    assert info.value.code == "AADB2C99059"


def test_implicit_requires_nonce_and_not_query_mode():
    implicit = ClientInfo(CLIENT.client_id, "w", "web", CLIENT.redirect_uris, True)
    with pytest.raises(B2CError, match="nonce"):
        validate(implicit, response_type="id_token")
    with pytest.raises(B2CError, match="fragment or form_post"):
        validate(implicit, response_type="id_token", nonce="n", response_mode="query")
    assert validate(implicit, response_type="id_token", nonce="n").response_mode == "fragment"


def test_defaults_and_echoes():
    req = validate(state="a b&c", nonce="defaultNonce", unknown_param="ignored",
                   code_challenge="a" * 43)
    assert req.response_mode == "query" and req.state == "a b&c" and req.nonce == "defaultNonce"
    assert req.code_challenge_method == "plain"  # RFC 7636 §4.3 default


def test_scopes():
    own = parse_scope(f"openid {CLIENT.client_id} offline_access", CLIENT.client_id, lambda s: None)
    assert own.resource == CLIENT.client_id and own.offline_access and own.scp == ()
    assert parse_scope("openid", CLIENT.client_id, lambda s: None).resource is None
    api = parse_scope("https://contoso.onmicrosoft.com/api/read", CLIENT.client_id,
                      lambda s: ("res-id", "read"))
    assert (api.resource, api.scp) == ("res-id", ("read",))
    with pytest.raises(B2CError) as info:
        parse_scope("openid 33333333-3333-3333-3333-333333333333", CLIENT.client_id,
                    lambda s: None)
    assert info.value.code == "AADB2C90205"


@pytest.mark.parametrize("verifier,challenge,method,code", [
    ("a" * 43, None, None, None),                      # verifier without challenge
    (None, "a" * 43, "plain", "AADB2C90083"),
    ("a" * 42, "a" * 43, "plain", "AADB2C90183"),
    ("b" * 43, "a" * 43, "plain", "AADB2C90182"),
    ("a" * 43, "a" * 43, "S256", "AADB2C90182"),
])
def test_pkce_failures(verifier, challenge, method, code):
    with pytest.raises(B2CError) as info:
        verify_code_verifier(verifier, challenge, method)
    assert info.value.code == code and info.value.error == "invalid_grant"


def test_pkce_success():
    verify_code_verifier("a" * 43, "a" * 43, "plain")
    verify_code_verifier(None, None, None)


def test_id_token_claims_in_b2c_order_with_hashes():
    claims = build_id_token_claims(iss="https://x/t/v2.0/", client_id="c", subject="s",
                                   policy="B2C_1_A", claims={"name": "N"}, nonce="n",
                                   auth_time=5, now=10, lifetime=3600, code="abc",
                                   policy_claim="acr")
    assert list(claims) == ["exp", "nbf", "ver", "iss", "sub", "aud", "nonce", "iat",
                            "auth_time", "name", "acr", "c_hash"]
    assert claims["acr"] == "b2c_1_a" and claims["exp"] == 3610 and claims["ver"] == "1.0"


def test_output_claims_leave_out_empty_values():
    assert output_claims({"displayName": "", "emails": [], "objectId": "o"},
                         [("displayName", "name"), ("emails", "emails"), ("objectId", "oid")]) \
        == {"oid": "o"}


def test_issuer_styles():
    assert issuer("http://h", "tid", "B2C_1_x") == "http://h/tid/v2.0/"
    assert issuer("http://h", "tid", "B2C_1_x", "tfp") == "http://h/tfp/tid/B2C_1_x/v2.0/"


def test_explain_claims_calls_out_collected_not_returned_and_returned_but_empty():
    from idp.engine.attributes import catalogue, custom_attribute
    from idp.engine.explain import (COLLECTED_NOT_RETURNED, IN_TOKEN, RETURNED_BUT_EMPTY,
                                    explain_claims)
    attributes = catalogue((custom_attribute("Colour"),))
    config = {"user_attributes": [{"claim": "displayName"}, {"claim": "extension_Colour"}],
              "application_claims": ["displayName", "city"]}
    rows = {r["claim"]: r for r in explain_claims(
        config, {"displayName": "Ann", "extension_Colour": "red"}, attributes)}
    assert rows["displayName"]["status"] == IN_TOKEN
    assert rows["extension_Colour"]["status"] == COLLECTED_NOT_RETURNED
    assert rows["city"]["status"] == RETURNED_BUT_EMPTY and rows["city"]["token_claim"] == "city"
