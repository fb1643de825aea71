"""The starter pack's LocalAccounts policies on the protocol endpoints: every URL form,
discovery and JWKS of the policy, the journey run by the flow pages, tokens from the relying
party's OutputClaims signed with the JwtIssuer's key container, lifetimes and SSO settings
from the policy, refresh, logout."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from joserfc import jwt
from joserfc.errors import BadSignatureError
from joserfc.jwk import KeySet, RSAKey

from idp.extensions import db
from idp.models import DirectoryUser, SsoSession
from idp.store import policy_keys
from tests.factories import BASE, TENANT, pkce_pair, tenant_id
from tests.ief_starter_pack import (app_ids, create_starter_pack_keys, prepared,
                                    require_starter_pack, upload_all)

SUSI = "B2C_1A_signup_signin"
RP_CLAIMS = ["name", "given_name", "family_name", "email", "sub", "tid"]


@pytest.fixture
def pack(app):
    require_starter_pack()
    files = prepared(app_ids(app))
    create_starter_pack_keys(app)
    upload_all(app, files)
    return files


def jwks(client, policy=SUSI) -> KeySet:
    return KeySet.import_key_set(client.get(
        f"/{TENANT}/{policy}/discovery/v2.0/keys").get_json())


def code_flow(flow, policy=SUSI, sign_up=True, email="ann@example.com", **params) -> dict:
    rp = flow.rp()
    verifier, challenge = pkce_pair()
    flow.authorize(rp["client_id"], rp["redirect_uri"], policy=policy,
                   code_challenge=challenge, code_challenge_method="S256", **params)
    if flow.last.status_code == 200:
        (flow.sign_up if sign_up else flow.sign_in)(email)
    code = flow.redirect_params()["code"]
    response = flow.token({"grant_type": "authorization_code", "code": code,
                           "redirect_uri": rp["redirect_uri"], "code_verifier": verifier},
                          auth=(rp["client_id"], rp["secret"]), policy=policy)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


@pytest.mark.parametrize("url", [
    f"/{TENANT}/{SUSI}/v2.0/.well-known/openid-configuration",
    f"/{TENANT}/v2.0/.well-known/openid-configuration?p={SUSI}",
    f"/tfp/{TENANT}/{SUSI}/v2.0/.well-known/openid-configuration",
    f"/contoso/{SUSI.lower()}/v2.0/.well-known/openid-configuration",
    "/{tenant_id}/" + SUSI + "/v2.0/.well-known/openid-configuration",
])
def test_discovery_in_every_url_form_lists_the_relying_party_claims(client, app, pack, url):
    response = client.get(url.replace("{tenant_id}", tenant_id(app)))
    assert response.status_code == 200
    doc = response.get_json()
    assert doc["issuer"] == f"{BASE}/{tenant_id(app)}/v2.0/"
    assert doc["claims_supported"] == RP_CLAIMS
    assert doc["jwks_uri"].endswith("discovery/v2.0/keys" + ("?p=" + SUSI if "?p=" in url
                                                             else ""))


def test_jwks_is_the_jwt_issuers_signing_key_container(client, app, pack):
    keys = client.get(f"/{TENANT}/{SUSI}/discovery/v2.0/keys").get_json()["keys"]
    with app.app_context():
        container = policy_keys.info("B2C_1A_TokenSigningKeyContainer")
    assert [k["kid"] for k in keys] == [container.kid]
    flow_keys = client.get(f"/{TENANT}/B2C_1_susi/discovery/v2.0/keys").get_json()["keys"]
    assert container.kid not in [k["kid"] for k in flow_keys]


def test_a_base_policy_or_an_unknown_one_cannot_run(client, pack):
    base = client.get(f"/{TENANT}/B2C_1A_TrustFrameworkBase/v2.0/.well-known/"
                      "openid-configuration")
    assert base.status_code == 404 and "has no RelyingParty" in base.get_data(as_text=True)
    unknown = client.get(f"/{TENANT}/B2C_1A_nothing/v2.0/.well-known/openid-configuration")
    assert unknown.status_code == 404
    assert "The policy &#39;B2C_1A_nothing&#39; does not exist" in unknown.get_data(as_text=True)


def test_sign_up_issues_the_relying_partys_claims_signed_with_the_policy_key(
        flow, client, app, pack):
    body = code_flow(flow)
    token = jwt.decode(body["id_token"], jwks(client))
    claims = token.claims
    with app.app_context():
        user = db.session.execute(db.select(DirectoryUser)).scalar_one()
    assert claims["sub"] == user.object_id  # objectId, PartnerClaimType="sub"
    assert {k: claims[k] for k in ("name", "given_name", "family_name", "email")} == {
        "name": "Jane Doe", "given_name": "Jane", "family_name": "Doe",
        "email": "ann@example.com"}
    # DefaultValue="{Policy:TenantObjectId}" with AlwaysUseDefaultValue
    assert claims["tid"] == tenant_id(app)
    # AuthenticationContextReferenceClaimPattern defaults to PolicyId: acr, lower-cased, no tfp
    assert claims["acr"] == "b2c_1a_signup_signin" and "tfp" not in claims
    assert claims["iss"] == f"{BASE}/{tenant_id(app)}/v2.0/"
    assert claims["exp"] - claims["iat"] == 3600 and body["id_token_expires_in"] == 3600
    assert token.header["kid"] == jwks(client).keys[0].kid
    flow_key = RSAKey.import_key(client.get(
        f"/{TENANT}/B2C_1_susi/discovery/v2.0/keys").get_json()["keys"][0])
    with pytest.raises(BadSignatureError):  # not the user flows' tenant key
        jwt.decode(body["id_token"], flow_key)


def test_sso_on_a_second_run_and_prompt_login_asks_again(flow, pack):
    code_flow(flow)
    rp = flow.rp()
    second = flow.authorize(rp["client_id"], rp["redirect_uri"], policy=SUSI)
    assert "code" in flow.redirect_params(second)
    again = flow.authorize(rp["client_id"], rp["redirect_uri"], policy=SUSI, prompt="login")
    assert again.status_code == 200 and "localAccountForm" in flow.page.forms


def test_forgot_your_password_returns_aadb2c90118(flow, pack):
    rp = flow.rp()
    flow.authorize(rp["client_id"], rp["redirect_uri"], policy=SUSI)
    flow.follow_link("forgotPassword")
    params = flow.redirect_params()
    assert params["error"] == "access_denied"
    assert params["error_description"].startswith("AADB2C90118")


def test_refresh_runs_the_token_journey_and_reads_the_account_again(flow, client, app, pack):
    """RedeemRefreshToken (the RP's Token endpoint journey) runs at each refresh: the new
    tokens carry the directory's values now, not the sign-in's."""
    body = code_flow(flow)
    with app.app_context():
        user = db.session.execute(db.select(DirectoryUser)).scalar_one()
        user.given_name = "Renamed"
        db.session.commit()
    rp = flow.rp()
    refreshed = flow.token({"grant_type": "refresh_token", "refresh_token": body["refresh_token"]},
                           auth=(rp["client_id"], rp["secret"]), policy=SUSI)
    assert refreshed.status_code == 200, refreshed.get_json()
    new = refreshed.get_json()
    assert new["refresh_token"] != body["refresh_token"]
    assert new["refresh_token_expires_in"] == 1209600
    claims = jwt.decode(new["id_token"], jwks(client)).claims
    assert claims["given_name"] == "Renamed" and claims["name"] == "Jane Doe"
    # the journey's read outputs signInNames.emailAddress, not email: as on B2C, a refreshed
    # starter-pack token has no email claim
    assert "email" not in claims and claims["acr"] == "b2c_1a_signup_signin"
    other = flow.token({"grant_type": "refresh_token", "refresh_token": new["refresh_token"]},
                       auth=(rp["client_id"], rp["secret"]), policy="B2C_1A_ProfileEdit")
    assert other.status_code == 400 and "AADB2C90088" in other.get_json()["error_description"]


def test_refresh_fails_when_the_account_is_gone(flow, app, pack):
    body = code_flow(flow)
    with app.app_context():
        from idp.store.users import delete_user

        delete_user(db.session.execute(db.select(DirectoryUser)).scalar_one())
        db.session.commit()
    rp = flow.rp()
    refused = flow.token({"grant_type": "refresh_token", "refresh_token": body["refresh_token"]},
                         auth=(rp["client_id"], rp["secret"]), policy=SUSI)
    assert refused.status_code == 400 and refused.get_json()["error"] == "invalid_grant"


def test_resource_owner_password_is_not_a_custom_policy_grant(flow, pack):
    rp = flow.rp()
    response = flow.token({"grant_type": "password", "username": "a@example.com",
                           "password": "x", "scope": "openid"},
                          auth=(rp["client_id"], rp["secret"]), policy=SUSI)
    assert response.status_code == 400
    assert response.get_json()["error"] == "unsupported_grant_type"


def test_logout_accepts_an_id_token_hint_signed_with_the_policy_key(flow, client, pack):
    body = code_flow(flow)
    response = client.get(f"/{TENANT}/{SUSI}/oauth2/v2.0/logout", query_string={
        "id_token_hint": body["id_token"], "state": "bye",
        "post_logout_redirect_uri": f"{BASE}/rp/signout-callback-oidc"})
    assert response.status_code == 303
    assert parse_qs(urlsplit(response.location).query)["state"] == ["bye"]
    rp = flow.rp()
    after = flow.authorize(rp["client_id"], rp["redirect_uri"], policy=SUSI)
    assert after.status_code == 200 and "localAccountForm" in flow.page.forms


# --- settings the policy declares -------------------------------------------------------------

JWT_ISSUER_SETTINGS = b"""
    <ClaimsProvider>
      <DisplayName>Token Issuer</DisplayName>
      <TechnicalProfiles>
        <TechnicalProfile Id="JwtIssuer">
          <Metadata>
            <Item Key="token_lifetime_secs">900</Item>
            <Item Key="id_token_lifetime_secs">1200</Item>
            <Item Key="refresh_token_lifetime_secs">86400</Item>
            <Item Key="IssuanceClaimPattern">AuthorityWithTfp</Item>
            <Item Key="AuthenticationContextReferenceClaimPattern">None</Item>
          </Metadata>
        </TechnicalProfile>
      </TechnicalProfiles>
    </ClaimsProvider>
"""


def upload(app, data: bytes) -> None:
    from idp.store import custom_policies
    from idp.store.tenant import current_tenant

    with app.app_context():
        custom_policies.upload(data, overwrite=True, tenant=current_tenant())
        db.session.commit()


def test_lifetimes_issuer_and_acr_come_from_the_jwt_issuer_metadata(flow, client, app, pack):
    extensions = pack["TrustFrameworkExtensions"].replace(
        b"<ClaimsProviders>", b"<ClaimsProviders>" + JWT_ISSUER_SETTINGS, 1)
    upload(app, extensions)
    doc = client.get(f"/{TENANT}/{SUSI}/v2.0/.well-known/openid-configuration").get_json()
    assert doc["issuer"] == f"{BASE}/tfp/{tenant_id(app)}/{SUSI.lower()}/v2.0/"
    body = code_flow(flow)
    claims = jwt.decode(body["id_token"], jwks(client)).claims
    assert claims["exp"] - claims["iat"] == 1200 and body["id_token_expires_in"] == 1200
    assert claims["iss"] == doc["issuer"]
    assert "acr" not in claims and "tfp" not in claims  # pattern None
    assert body["refresh_token_expires_in"] == 86400


def relying_party_variant(pack, policy_id: str, behaviors: bytes) -> bytes:
    """SignUpOrSignin as another PolicyId, with UserJourneyBehaviors after its journey."""
    return (pack["SignUpOrSignin"].replace(b"B2C_1A_signup_signin", policy_id.encode())
            .replace(b'<DefaultUserJourney ReferenceId="SignUpOrSignIn" />',
                     b'<DefaultUserJourney ReferenceId="SignUpOrSignIn" />' + behaviors, 1))


def test_single_sign_on_scope_suppressed_asks_every_time(flow, app, pack):
    upload(app, relying_party_variant(pack, "B2C_1A_susi_nosso", b"""
      <UserJourneyBehaviors><SingleSignOn Scope="Suppressed" /></UserJourneyBehaviors>"""))
    code_flow(flow, policy="B2C_1A_susi_nosso")
    rp = flow.rp()
    again = flow.authorize(rp["client_id"], rp["redirect_uri"], policy="B2C_1A_susi_nosso")
    assert again.status_code == 200 and "localAccountForm" in flow.page.forms
    # The starter pack's policy (Tenant scope) still shares the session made there.
    other = flow.authorize(rp["client_id"], rp["redirect_uri"], policy=SUSI)
    assert "code" in flow.redirect_params(other)


def test_session_expiry_comes_from_the_user_journey_behaviors(flow, app, pack):
    upload(app, relying_party_variant(pack, "B2C_1A_susi_short", b"""
      <UserJourneyBehaviors><SessionExpiryType>Absolute</SessionExpiryType>
        <SessionExpiryInSeconds>900</SessionExpiryInSeconds></UserJourneyBehaviors>"""))
    code_flow(flow, policy="B2C_1A_susi_short")
    with app.app_context():
        session = db.session.execute(db.select(SsoSession)).scalar_one()
        lifetime = (session.expires_at - session.created_at).total_seconds()
    assert 890 <= lifetime <= 910


def test_the_token_viewer_checks_a_custom_policy_token_against_its_key_container(
        flow, client, pack):
    """Run now's default reply URL is the viewer: it must know the policy's key."""
    body = code_flow(flow)
    html = client.post("/jwt", data={"token": body["id_token"]}).get_data(as_text=True)
    assert "signature valid" in html and "b2c_1a_signup_signin" in html
    header, payload, signature = body["id_token"].split(".")
    tampered = f"{header}.{payload}.{signature[:-4]}AAAA"
    assert "signature invalid" in client.post("/jwt", data={"token": tampered}).get_data(
        as_text=True)


def test_enforce_id_token_hint_on_logout(flow, client, app, pack):
    upload(app, relying_party_variant(pack, "B2C_1A_susi_hint", b"""
      <UserJourneyBehaviors>
        <SingleSignOn Scope="Tenant" EnforceIdTokenHintOnLogout="true" />
      </UserJourneyBehaviors>"""))
    url = f"/{TENANT}/B2C_1A_susi_hint/oauth2/v2.0/logout"
    refused = client.get(url, query_string={
        "post_logout_redirect_uri": f"{BASE}/rp/signout-callback-oidc"})
    assert refused.status_code == 400 and "AADB2C90272" in refused.get_data(as_text=True)
    body = code_flow(flow, policy="B2C_1A_susi_hint")
    accepted = client.get(url, query_string={
        "id_token_hint": body["id_token"],
        "post_logout_redirect_uri": f"{BASE}/rp/signout-callback-oidc"})
    assert accepted.status_code == 303


def test_the_home_page_lists_the_relying_party_policies(client, pack):
    html = client.get("/").get_data(as_text=True)
    table = html[html.index('id="custom-policies"'):]
    table = table[:table.index("</table>")]
    for policy in ("B2C_1A_signup_signin", "B2C_1A_ProfileEdit", "B2C_1A_PasswordReset"):
        assert f"{BASE}/{TENANT}/{policy}/v2.0/.well-known/openid-configuration" in table
    assert "B2C_1A_TrustFrameworkBase" not in table


def test_run_now_with_webapp1_returns_an_id_token_to_the_viewer(flow, client, app, pack):
    """Run now's default: response_type=id_token to the token viewer, as B2C's portal."""
    from idp.models import AppRegistration

    with app.app_context():
        webapp1 = db.session.execute(db.select(AppRegistration).filter_by(
            name="webapp1")).scalar_one().client_id
    flow.authorize(webapp1, f"{BASE}/jwt", policy=SUSI, response_type="id_token",
                   scope="openid", nonce="defaultNonce", prompt="login")
    flow.sign_up("runnow@example.com")
    params = flow.redirect_params()
    assert flow.last.location.startswith(f"{BASE}/jwt#")
    claims = jwt.decode(params["id_token"], jwks(client)).claims
    assert claims["aud"] == webapp1 and claims["nonce"] == "defaultNonce"
    assert claims["acr"] == "b2c_1a_signup_signin" and claims["email"] == "runnow@example.com"


def test_a_deleted_signing_key_container_stops_the_policy_with_a_clear_page(client, app, pack):
    with app.app_context():
        policy_keys.delete("B2C_1A_TokenSigningKeyContainer")
        db.session.commit()
    for path in ("v2.0/.well-known/openid-configuration", "discovery/v2.0/keys"):
        response = client.get(f"/{TENANT}/{SUSI}/{path}")
        assert response.status_code == 404
        assert "B2C_1A_TokenSigningKeyContainer" in response.get_data(as_text=True)


def test_a_run_stops_clearly_when_its_policy_is_uploaded_again_mid_run(flow, app, pack):
    rp = flow.rp()
    flow.authorize(rp["client_id"], rp["redirect_uri"], policy=SUSI)
    upload(app, pack["TrustFrameworkExtensions"])  # a base of the policy, uploaded again
    response = flow.follow_link("createAccount")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "AADB2C90046" in html and "uploaded again after this sign-in began" in html
    fresh = flow.authorize(rp["client_id"], rp["redirect_uri"], policy=SUSI)
    assert fresh.status_code == 200 and "localAccountForm" in flow.page.forms


def test_client_credentials_at_a_custom_policy_use_its_lifetime_and_key(client, app, pack):
    """App-only tokens at a B2C_1A_ token endpoint: the JwtIssuer's key and lifetime."""
    from tests.factories import make_app_registration

    registration = make_app_registration(app, name="daemon")
    response = client.post(f"/{TENANT}/{SUSI}/oauth2/v2.0/token", data={
        "grant_type": "client_credentials", "scope": f"{registration['client_id']}/.default"},
        auth=(registration["client_id"], registration["secret"]))
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    claims = jwt.decode(body["access_token"], jwks(client)).claims
    assert body["expires_in"] == 3600 and claims["exp"] - claims["iat"] == 3600
    assert isinstance(claims["exp"], int) and claims["acr"] == "b2c_1a_signup_signin"


def test_subject_naming_info_may_name_another_claim(flow, client, app, pack):
    """sub is the claim SubjectNamingInfo names; codes and refresh tokens still follow the
    account by objectId (issuer_refresh_token_user_identity_claim_type)."""
    variant = relying_party_variant(pack, "B2C_1A_susi_email_sub", b"").replace(
        b'<SubjectNamingInfo ClaimType="sub" />', b'<SubjectNamingInfo ClaimType="email" />')
    upload(app, variant)
    body = code_flow(flow, policy="B2C_1A_susi_email_sub", email="subject@example.com")
    claims = jwt.decode(body["id_token"], jwks(client, "B2C_1A_susi_email_sub")).claims
    assert claims["sub"] == "subject@example.com" and claims["email"] == "subject@example.com"
    rp = flow.rp()
    refreshed = flow.token({"grant_type": "refresh_token", "refresh_token": body["refresh_token"]},
                           auth=(rp["client_id"], rp["secret"]), policy="B2C_1A_susi_email_sub")
    assert refreshed.status_code == 200, refreshed.get_json()
