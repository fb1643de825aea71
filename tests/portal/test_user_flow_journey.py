"""User flow > Journey: each flow type shown as the journey it compiles to (steps, types,
preconditions in words and as IEF writes them, claims exchanges, technical profiles with their
protocol, claims and validation profiles, the relying party), following the other tabs'
settings (self-service password reset, MFA, API connectors), everything escaped."""
from __future__ import annotations

import html
import re

import pytest

from idp.extensions import db
from idp.models import ApiConnector, UserFlow
from tests.portal.test_user_flows import _properties

SUSI = "B2C_1_susi"


def add_flow(app, name: str, config: dict) -> int:
    with app.app_context():
        flow = UserFlow(name=name, name_key=name.lower(), flow_type=config["type"],
                        config=config)
        db.session.add(flow)
        db.session.commit()
        return flow.id


def flow_id(app, name: str) -> int:
    with app.app_context():
        return db.session.execute(db.select(UserFlow.id).filter_by(
            name_key=name.lower())).scalar_one()


def update_config(app, name: str, **changes) -> None:
    with app.app_context():
        flow = db.session.execute(db.select(UserFlow).filter_by(
            name_key=name.lower())).scalar_one()
        flow.config = {**flow.config, **changes}
        db.session.commit()


def journey(client, app, name: str = SUSI) -> str:
    response = client.get(f"/portal/user-flows/{flow_id(app, name)}/journey")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def steps(page: str) -> list[tuple[int, str]]:
    return [(int(order), kind) for order, kind in
            re.findall(r'<tr data-order="(\d+)" data-type="([A-Za-z]+)">', page)]


def shown(fragment: str) -> str:
    """The text a reader sees: tags removed, then entities decoded (so the IEF XML shown in
    the page reads as XML)."""
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def step_row(page: str, order: int) -> str:
    return shown(page.split(f'<tr data-order="{order}"')[1].split("</tr>")[0])


def profile(page: str, profile_id: str) -> str:
    return shown(page.split(f'data-profile="{profile_id}"')[1].split("</section>")[0])


def profiles(page: str) -> list[str]:
    return re.findall(r'data-profile="([^"]+)"', page)


# --- each flow type ----------------------------------------------------------------------------

def test_sign_up_sign_in_journey_as_the_starter_pack_writes_it(admin, client, app):
    page = journey(client, app)
    assert f'href="/portal/user-flows/{flow_id(app, SUSI)}/journey" class="active"' in page
    assert steps(page) == [(1, "CombinedSignInAndSignUp"), (2, "ClaimsExchange"),
                           (3, "ClaimsExchange"), (4, "SendClaims")]
    first = step_row(page, 1)
    assert "api.signuporsignin" in first and "Always runs." in first
    assert "LocalAccountSigninEmailExchange → SelfAsserted-LocalAccountSignin-Email" in first
    second = step_row(page, 2)
    assert "Skipped when objectId exists" in second
    assert ('<Precondition Type="ClaimsExist" ExecuteActionsIf="true">\n'
            "          <Value>objectId</Value>\n"
            "          <Action>SkipThisOrchestrationStep</Action>") in html.unescape(
        page.split('id="journey-xml"')[1])
    assert "SignUpWithLogonEmailExchange → LocalAccountSignUpWithLogonEmail" in second
    assert "Issuer: JwtIssuer" in step_row(page, 4)
    assert profiles(page) == ["SelfAsserted-LocalAccountSignin-Email", "login-NonInteractive",
                              "LocalAccountSignUpWithLogonEmail", "AAD-UserWriteUsingLogonEmail",
                              "AAD-UserReadUsingObjectId", "JwtIssuer"]
    sign_in = profile(page, "SelfAsserted-LocalAccountSignin-Email")
    assert "Web.TPEngine.Providers.SelfAssertedAttributeProvider" in sign_in
    assert '<Item Key="SignUpTarget">SignUpWithLogonEmailExchange</Item>' in sign_in
    assert '<ValidationTechnicalProfile ReferenceId="login-NonInteractive" />' in sign_in
    assert "SM-AAD" in sign_in
    sign_up = profile(page, "LocalAccountSignUpWithLogonEmail")
    assert ('<OutputClaim ClaimTypeReferenceId="email" PartnerClaimType="Verified.Email" '
            'Required="true" />') in sign_up
    assert "verified by a code sent by e-mail" in sign_up
    write = profile(page, "AAD-UserWriteUsingLogonEmail")
    assert "validation of LocalAccountSignUpWithLogonEmail" in write
    assert "Web.TPEngine.Providers.AzureActiveDirectoryProvider" in write
    assert '<PersistedClaim ClaimTypeReferenceId="givenName" />' in write
    rp = html.unescape(page.split('id="relying-party"')[1].split("</table>")[0])
    assert "<code>displayName</code></td><td><code>name</code>" in rp
    assert "<code>objectId</code></td><td><code>oid</code>" in rp
    assert '<DefaultUserJourney ReferenceId="B2C_1_susi" />' in html.unescape(page)


@pytest.mark.parametrize("flow_type, expected", [
    ("signUp", [(1, "ClaimsExchange"), (2, "ClaimsExchange"), (3, "SendClaims")]),
    ("signIn", [(1, "CombinedSignInAndSignUp"), (2, "ClaimsExchange"), (3, "SendClaims")]),
    ("profileUpdate", [(1, "CombinedSignInAndSignUp"), (2, "ClaimsExchange"),
                       (3, "ClaimsExchange"), (4, "SendClaims")]),
    ("passwordReset", [(1, "ClaimsExchange"), (2, "ClaimsExchange"), (3, "ClaimsExchange"),
                       (4, "SendClaims")]),
])
def test_every_interactive_flow_type_has_its_journey(admin, client, app, flow_type, expected):
    add_flow(app, "B2C_1_x", {"type": flow_type, "local_account_type": "email",
                              "user_attributes": [{"claim": "givenName", "order": 1}],
                              "application_claims": ["emails"]})
    page = journey(client, app, "B2C_1_x")
    assert steps(page) == expected
    starter = {"signUp": None, "signIn": "SignUpOrSignIn", "profileUpdate": "ProfileEdit",
               "passwordReset": "PasswordReset"}[flow_type]
    if starter:
        assert f'&lt;UserJourney Id="{starter}"&gt;' in page.split('id="starter-journey"')[1]
    else:
        assert 'id="starter-journey"' not in page
    if flow_type == "profileUpdate":
        assert "ProfileEditExchange → SelfAsserted-ProfileUpdate" in step_row(page, 3)
        assert "AAD-UserWriteProfileUsingObjectId" in profiles(page)
    if flow_type == "passwordReset":
        assert "ForgotPasswordExchange → LocalAccountDiscoveryUsingEmailAddress" in step_row(
            page, 1)
        assert profiles(page)[:2] == ["LocalAccountDiscoveryUsingEmailAddress",
                                      "AAD-UserReadUsingEmailAddress"]
    if flow_type == "signIn":
        assert "SignUpTarget" not in profile(page, "SelfAsserted-LocalAccountSignin-Email")


def test_ropc_flow_says_why_it_has_no_journey(admin, client, app):
    add_flow(app, "B2C_1_ropc", {"type": "resourceOwner"})
    page = html.unescape(journey(client, app, "B2C_1_ropc"))
    assert "No journey to show: user flow type 'resourceOwner' has no pages: it runs at the " \
        "token endpoint." in page
    assert 'id="journey-steps"' not in page


def test_a_flow_without_identity_provider_says_so(admin, client, app):
    update_config(app, SUSI, local_account_type="none")
    page = html.unescape(journey(client, app))
    assert "No journey to show: this user flow has no identity provider" in page


# --- following the other tabs ---------------------------------------------------------------

def test_self_service_password_reset_adds_the_exchange_and_the_inverted_precondition(
        admin, client, app):
    before = journey(client, app)
    assert "ForgotPasswordExchange" not in before
    response = admin.post_form(f"/portal/user-flows/{flow_id(app, SUSI)}/properties",
                               **_properties(self_service_password_reset="y"))
    assert response.status_code == 303
    page = journey(client, app)
    assert steps(page) == [(1, "CombinedSignInAndSignUp"), (2, "ClaimsExchange"),
                           (3, "ClaimsExchange"), (4, "ClaimsExchange"), (5, "SendClaims")]
    second = step_row(page, 2)
    assert "ForgotPasswordExchange → LocalAccountDiscoveryUsingEmailAddress" in second
    assert "The exchange a link on the previous page chose runs" in second
    third = step_row(page, 3)
    assert "Skipped unless isForgotPassword exists (the user chose Forgot your password?)" \
        in third
    assert 'ExecuteActionsIf="false"' in third
    assert "NewCredentials → LocalAccountWritePasswordUsingObjectId" in third
    assert ('<Item Key="setting.forgotPasswordLinkOverride">ForgotPasswordExchange</Item>'
            in profile(page, "SelfAsserted-LocalAccountSignin-Email"))
    assert ('<ClaimsProviderSelection TargetClaimsExchangeId="ForgotPasswordExchange" />'
            in html.unescape(page.split('id="journey-xml"')[1]))
    assert "<code>isForgotPassword</code>" in page.split('id="relying-party"')[1]


@pytest.mark.parametrize("method, handler", [
    ("totp", "AzureMfaProtocolProvider"), ("phone", "PhoneFactorProtocolProvider"),
    ("email", "SelfAssertedAttributeProvider")])
def test_mfa_adds_a_step_skipped_once_done(admin, client, app, method, handler):
    response = admin.post_form(f"/portal/user-flows/{flow_id(app, SUSI)}/properties",
                               **_properties(mfa_method=method, mfa_enforcement="always"))
    assert response.status_code == 303
    page = journey(client, app)
    assert steps(page)[-2:] == [(4, "ClaimsExchange"), (5, "SendClaims")]
    mfa = step_row(page, 4)
    assert f"MFA-{method}Exchange → MFA-{method}" in mfa
    assert "Skipped when mfaCompleted exists" in mfa
    assert f"Web.TPEngine.Providers.{handler}" in profile(page, f"MFA-{method}")
    assert "MFA enforcement: Always on" in profile(page, f"MFA-{method}")


def test_mfa_off_has_no_mfa_step(admin, client, app):
    assert "MFA-" not in journey(client, app)


def test_api_connectors_show_as_restful_profiles(admin, client, app):
    with app.app_context():
        before = ApiConnector(display_name="Validate", endpoint_url="https://api.test/validate",
                              auth_type="basic")
        enrich = ApiConnector(display_name="Enrich", endpoint_url="https://api.test/enrich",
                              auth_type="apikey")
        db.session.add_all([before, enrich])
        db.session.commit()
        ids = before.id, enrich.id
    update_config(app, SUSI, api_connectors={"PostAttributeCollection": ids[0],
                                             "PreTokenIssuance": ids[1]})
    page = journey(client, app)
    assert steps(page)[-2:] == [(4, "ClaimsExchange"), (5, "SendClaims")]
    assert "PreTokenIssuanceRestful → REST-PreTokenIssuance" in step_row(page, 4)
    sign_up = profile(page, "LocalAccountSignUpWithLogonEmail")
    assert ('<ValidationTechnicalProfile ReferenceId="REST-PostAttributeCollection" />\n'
            '    <ValidationTechnicalProfile ReferenceId="AAD-UserWriteUsingLogonEmail" />'
            in sign_up)  # the API is called before the account is written
    validate = profile(page, "REST-PostAttributeCollection")
    assert "Web.TPEngine.Providers.RestfulProvider" in validate
    assert '<Item Key="ServiceUrl">https://api.test/validate</Item>' in validate
    assert '<Item Key="AuthenticationType">Basic</Item>' in validate
    assert "API connector: Validate." in validate
    assert '<Item Key="AuthenticationType">ApiKeyHeader</Item>' in profile(
        page, "REST-PreTokenIssuance")


def test_user_attributes_change_the_sign_up_page_claims(admin, client, app):
    update_config(app, SUSI, user_attributes=[{"claim": "city", "order": 1}])
    sign_up = profile(journey(client, app), "LocalAccountSignUpWithLogonEmail")
    assert '<OutputClaim ClaimTypeReferenceId="city" Required="true" />' in sign_up
    assert "givenName" not in sign_up


def test_username_accounts_change_the_operating_mode(admin, client, app):
    update_config(app, SUSI, local_account_type="username")
    assert '<Item Key="setting.operatingMode">Username</Item>' in profile(
        journey(client, app), "SelfAsserted-LocalAccountSignin-Email")


# --- escaping and access ----------------------------------------------------------------------

def test_everything_shown_is_escaped(admin, client, app):
    evil = '<script>alert("x")</script>'
    with app.app_context():
        connector = ApiConnector(display_name="Evil", auth_type="basic",
                                 endpoint_url=f"https://api.test/?q={evil}")
        db.session.add(connector)
        db.session.commit()
        connector_id = connector.id
    update_config(app, SUSI, api_connectors={"PostAttributeCollection": connector_id},
                  user_attributes=[{"claim": "city", "order": 1,
                                    "input_type": "DropdownSingleSelect",
                                    "choices": [evil, "Paris"]}])
    page = journey(client, app)
    assert evil not in page and "<script>" not in page
    assert "choices: " + evil in profile(page, "LocalAccountSignUpWithLogonEmail")
    # in the XML the value is XML-escaped, then HTML-escaped for the page
    assert ("&lt;Item Key=&#34;ServiceUrl&#34;&gt;https://api.test/?q=&amp;lt;script&amp;gt;"
            in page)


def test_unknown_flow_is_404_and_anonymous_is_sent_to_sign_in(app, client, admin):
    assert client.get("/portal/user-flows/999/journey").status_code == 404
    admin.logout()
    response = client.get(f"/portal/user-flows/{flow_id(app, SUSI)}/journey")
    assert response.status_code == 302 and "/portal/sign-in" in response.location
