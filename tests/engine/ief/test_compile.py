"""compile_policy: the starter pack's journeys as the engine's Journey (steps, exchanges,
preconditions, handlers, pages, localization, relying party), and what it refuses by name."""
from __future__ import annotations

import pytest

from idp.engine.ief.compile import compile_policy, compile_problems, describe
from idp.engine.ief.merge import merge_chain
from idp.engine.ief.model import PolicyError
from idp.engine.journey import Journey
from idp.engine.languages import page_texts
from tests.engine.ief import pack

SELF_ASSERTED = ("Web.TPEngine.Providers.SelfAssertedAttributeProvider, Web.TPEngine, "
                 "Version=1.0.0.0, Culture=neutral, PublicKeyToken=null")


def policy(policy_id="B2C_1A_signup_signin", extra: str | None = None):
    files = pack.chain()
    if extra is not None:
        files = pack.with_file(files, extra)
    return compile_policy(merge_chain(files, policy_id))


def test_signup_signin_compiles_to_the_engines_journey():
    compiled = policy()
    journey = compiled.journey
    assert isinstance(journey, Journey) and journey.id == "B2C_1A_signup_signin"
    assert describe(compiled) == [
        {"order": 1, "type": "CombinedSignInAndSignUp", "preconditions": [],
         "exchanges": [{"id": "LocalAccountSigninEmailExchange",
                        "profile": "SelfAsserted-LocalAccountSignin-Email",
                        "handler": "IefSelfAsserted"}]},
        {"order": 2, "type": "ClaimsExchange",
         "preconditions": [{"type": "ClaimsExist", "values": ["objectId"],
                            "execute_actions_if": True}],
         "exchanges": [{"id": "SignUpWithLogonEmailExchange",
                        "profile": "LocalAccountSignUpWithLogonEmail",
                        "handler": "IefSelfAsserted"}]},
        {"order": 3, "type": "ClaimsExchange", "preconditions": [],
         "exchanges": [{"id": "AADUserReadWithObjectId", "profile": "AAD-UserReadUsingObjectId",
                        "handler": "IefAad"}]},
        {"order": 4, "type": "SendClaims", "preconditions": [],
         "exchanges": [{"id": "JwtIssuer", "profile": "JwtIssuer", "handler": "JwtIssuer"}]},
    ]
    assert compiled.signing_key_container == "B2C_1A_TokenSigningKeyContainer"
    assert compiled.page_contracts["api.signuporsignin"] == "unifiedssp"
    assert compiled.page_contracts["api.localaccountsignup"] == "selfasserted"


def test_session_management_decides_sso_skipping():
    profiles = policy().journey.profiles
    assert profiles["SelfAsserted-LocalAccountSignin-Email"].sso_skippable   # SM-AAD
    assert not profiles["AAD-UserReadUsingObjectId"].sso_skippable           # SM-Noop


def test_the_unified_page_takes_the_steps_content_definition():
    sign_in = policy().journey.profiles["SelfAsserted-LocalAccountSignin-Email"]
    meta = sign_in.metadata
    assert (meta["contract"], meta["content_definition"]) == ("unifiedssp",
                                                              "api.signuporsignin")
    assert meta["links"] == [
        {"id": "forgotPassword", "label": "forgotpassword_link",
         "exchange": "ForgotPasswordExchange", "error": "AADB2C90118"},
        {"id": "createAccount", "label": "createaccount_one_link",
         "intro": "createaccount_intro", "exchange": "SignUpWithLogonEmailExchange"}]
    assert [(f.claim, f.input_type, f.required) for f in sign_in.output_claims] == [
        ("signInName", "EmailBox", True), ("password", "Password", True)]
    assert sign_in.validation_profiles == ("SelfAsserted-LocalAccountSignin-Email#validation",)


def test_profile_edit_shows_the_same_profile_as_a_self_asserted_page():
    compiled = policy("B2C_1A_ProfileEdit")
    sign_in = compiled.journey.profiles["SelfAsserted-LocalAccountSignin-Email"]
    assert sign_in.metadata["content_definition"] == "api.localaccountsignin"
    assert sign_in.metadata["contract"] == "selfasserted"
    assert compiled.journey.steps[0].exchanges == (("LocalAccountSigninEmailExchange",
                                                    "ClaimsProviderSelection-1"),)


def test_fields_come_from_the_claims_schema():
    page = policy().journey.profiles["LocalAccountSignUpWithLogonEmail"]
    fields = {f.claim: f for f in page.output_claims}
    assert list(fields) == ["email", "newPassword", "reenterPassword", "displayName",
                            "givenName", "surname"]   # surName resolved to the schema's Id
    assert fields["email"].requires_verification
    assert fields["email"].pattern.startswith("^[a-zA-Z0-9!#$%&'+^_`{}~-]+")
    assert fields["displayName"].label == "Display Name" and not fields["displayName"].required


def test_localization_becomes_the_page_texts():
    journey = policy().journey
    texts = page_texts({}, journey.localization, "api.localaccountsignup")
    assert texts.text("button_continue") == "Create"
    assert texts.pattern_help("email") == "Please enter a valid email address."
    unified = page_texts({}, journey.localization, "api.signuporsignin")
    assert unified.label("signInName") == "Email Address"
    assert unified.text("UserMessageIfClaimsPrincipalDoesNotExist") == \
        "We can't seem to find your account."


def test_relying_party_claims_use_partner_claim_types():
    rp = policy().journey.relying_party
    assert rp.output_claims == (("displayName", "name"), ("givenName", "given_name"),
                                ("surname", "family_name"), ("email", "email"),
                                ("objectId", "sub"), ("tenantId", "tid"))
    assert rp.subject_claim == "objectId"


def test_the_token_endpoints_journey_is_compiled_too():
    refresh = policy().refresh_journey
    assert [s.exchanges[0][1] for s in refresh.steps] == [
        "RefreshTokenReadAndSetup", "AAD-UserReadUsingObjectId-CheckRefreshTokenDate",
        "JwtIssuer"]
    assert refresh.profiles["RefreshTokenReadAndSetup"].handler == "IefNone"


def rp(journey_xml: str, extra_blocks: str = "", providers: str = "") -> str:
    return pack.policy("B2C_1A_test", f"""
  <BuildingBlocks>{extra_blocks}</BuildingBlocks>
  <ClaimsProviders>{providers}</ClaimsProviders>
  <UserJourneys><UserJourney Id="Test"><OrchestrationSteps>{journey_xml}
    <OrchestrationStep Order="9" Type="SendClaims" CpimIssuerTechnicalProfileReferenceId="JwtIssuer"/>
  </OrchestrationSteps></UserJourney></UserJourneys>
  <RelyingParty><DefaultUserJourney ReferenceId="Test"/>
    <TechnicalProfile Id="PolicyProfile"><DisplayName>P</DisplayName>
      <Protocol Name="OpenIdConnect"/>
      <OutputClaims><OutputClaim ClaimTypeReferenceId="objectId" PartnerClaimType="sub"/></OutputClaims>
      <SubjectNamingInfo ClaimType="sub"/></TechnicalProfile></RelyingParty>""")


READ = ('<ClaimsExchanges><ClaimsExchange Id="Read" '
        'TechnicalProfileReferenceId="AAD-UserReadUsingObjectId"/></ClaimsExchanges>')


@pytest.mark.parametrize("journey_xml, message", [
    ('<OrchestrationStep Order="1" Type="InvokeSubJourney"/>',
     "The orchestration step type 'InvokeSubJourney' is not supported by this emulator yet."),
    ('<OrchestrationStep Order="1" Type="ClaimsExchange"><Preconditions>'
     '<Precondition Type="ClaimsDoNotExist" ExecuteActionsIf="true"><Value>x</Value>'
     f'<Action>SkipThisOrchestrationStep</Action></Precondition></Preconditions>{READ}'
     '</OrchestrationStep>',
     "The precondition type 'ClaimsDoNotExist' is not supported by this emulator yet"),
    ('<OrchestrationStep Order="1" Type="ClaimsProviderSelection"><ClaimsProviderSelections>'
     '<ClaimsProviderSelection TargetClaimsExchangeId="A"/>'
     '<ClaimsProviderSelection TargetClaimsExchangeId="B"/></ClaimsProviderSelections>'
     '</OrchestrationStep>',
     "more than one choice (an identity provider picker) is not supported"),
    ('<OrchestrationStep Order="1" Type="ClaimsExchange"><ClaimsExchanges>'
     '<ClaimsExchange Id="X" TechnicalProfileReferenceId="SM-AAD"/></ClaimsExchanges>'
     '</OrchestrationStep>',
     "technical profile 'SM-AAD' is not supported by this emulator yet as an orchestration"),
])
def test_what_cannot_run_is_refused_by_name(journey_xml, message):
    with pytest.raises(PolicyError) as refused:
        policy("B2C_1A_test", rp(journey_xml))
    assert message in refused.value.message
    assert refused.value.where.startswith("UserJourney 'Test', OrchestrationStep 1")


def test_a_page_with_an_unsupported_contract_is_refused():
    page = f"""<ClaimsProvider><DisplayName>X</DisplayName><TechnicalProfiles>
      <TechnicalProfile Id="Picker"><DisplayName>P</DisplayName>
        <Protocol Name="Proprietary" Handler="{SELF_ASSERTED}"/>
        <Metadata><Item Key="ContentDefinitionReferenceId">api.idpselections</Item></Metadata>
      </TechnicalProfile></TechnicalProfiles></ClaimsProvider>"""
    with pytest.raises(PolicyError, match="page contract 'providerselection' of content "
                                          "definition 'api.idpselections' is not supported"):
        policy("B2C_1A_test", rp('<OrchestrationStep Order="1" Type="ClaimsExchange">'
                                 '<ClaimsExchanges><ClaimsExchange Id="P" '
                                 'TechnicalProfileReferenceId="Picker"/></ClaimsExchanges>'
                                 '</OrchestrationStep>', providers=page))


def test_page_settings_hide_the_links():
    page = """<ClaimsProvider><DisplayName>Local Account SignIn</DisplayName><TechnicalProfiles>
      <TechnicalProfile Id="SelfAsserted-LocalAccountSignin-Email"><Metadata>
        <Item Key="setting.forgotPasswordLinkLocation">None</Item>
        <Item Key="setting.showSignupLink">false</Item>
        <Item Key="setting.enableRememberMe">true</Item>
      </Metadata></TechnicalProfile></TechnicalProfiles></ClaimsProvider>"""
    step = ('<OrchestrationStep Order="1" Type="CombinedSignInAndSignUp" '
            'ContentDefinitionReferenceId="api.signuporsignin"><ClaimsExchanges>'
            '<ClaimsExchange Id="S" TechnicalProfileReferenceId='
            '"SelfAsserted-LocalAccountSignin-Email"/></ClaimsExchanges></OrchestrationStep>')
    meta = policy("B2C_1A_test", rp(step, providers=page)).journey.profiles[
        "SelfAsserted-LocalAccountSignin-Email"].metadata
    assert meta["links"] == [] and meta["kmsi"] is True


def test_a_journey_must_end_with_send_claims():
    files = pack.with_file(pack.chain(), pack.policy("B2C_1A_test", f"""
  <UserJourneys><UserJourney Id="Test"><OrchestrationSteps>
    <OrchestrationStep Order="1" Type="ClaimsExchange">{READ}</OrchestrationStep>
  </OrchestrationSteps></UserJourney></UserJourneys>
  <RelyingParty><DefaultUserJourney ReferenceId="Test"/>
    <TechnicalProfile Id="PolicyProfile"><DisplayName>P</DisplayName>
      <Protocol Name="OpenIdConnect"/><SubjectNamingInfo ClaimType="sub"/></TechnicalProfile>
  </RelyingParty>"""))
    with pytest.raises(PolicyError, match="must end with a SendClaims step"):
        compile_policy(merge_chain(files, "B2C_1A_test"))


def test_a_base_policy_cannot_run():
    with pytest.raises(PolicyError, match="has no RelyingParty"):
        compile_policy(merge_chain(pack.chain(), "B2C_1A_TrustFrameworkExtensions"))


def test_compile_problems_turns_a_refusal_into_an_upload_problem():
    files = pack.with_file(pack.chain(), rp('<OrchestrationStep Order="1" '
                                            'Type="InvokeSubJourney"/>'))
    problems = compile_problems(merge_chain(files, "B2C_1A_test"))
    assert [(p.kind, p.where) for p in problems] == [
        ("unsupported", "UserJourney 'Test', OrchestrationStep 1")]
    assert compile_problems(merge_chain(pack.chain(), "B2C_1A_signup_signin")) == []


def test_a_transformation_with_a_misnamed_claim_is_refused_by_name():
    extra = pack.policy("B2C_1A_test", """
  <BuildingBlocks><ClaimsTransformations>
    <ClaimsTransformation Id="Shout" TransformationMethod="ChangeCase">
      <InputClaims><InputClaim ClaimTypeReferenceId="displayName" TransformationClaimType="input"/>
      </InputClaims>
      <InputParameters><InputParameter Id="toCase" DataType="string" Value="UPPER"/>
      </InputParameters>
      <OutputClaims><OutputClaim ClaimTypeReferenceId="displayName"
        TransformationClaimType="outputClaim"/></OutputClaims>
    </ClaimsTransformation></ClaimsTransformations></BuildingBlocks>
  <ClaimsProviders><ClaimsProvider><DisplayName>Azure Active Directory</DisplayName>
    <TechnicalProfiles><TechnicalProfile Id="AAD-UserReadUsingObjectId">
      <OutputClaimsTransformations><OutputClaimsTransformation ReferenceId="Shout"/>
      </OutputClaimsTransformations></TechnicalProfile></TechnicalProfiles>
  </ClaimsProvider></ClaimsProviders>
  <UserJourneys><UserJourney Id="Test"><OrchestrationSteps>
    <OrchestrationStep Order="1" Type="ClaimsExchange">""" + READ + """</OrchestrationStep>
    <OrchestrationStep Order="2" Type="SendClaims" CpimIssuerTechnicalProfileReferenceId="JwtIssuer"/>
  </OrchestrationSteps></UserJourney></UserJourneys>
  <RelyingParty><DefaultUserJourney ReferenceId="Test"/>
    <TechnicalProfile Id="PolicyProfile"><DisplayName>P</DisplayName>
      <Protocol Name="OpenIdConnect"/><SubjectNamingInfo ClaimType="sub"/></TechnicalProfile>
  </RelyingParty>""")
    with pytest.raises(PolicyError) as refused:
        policy("B2C_1A_test", extra)
    assert refused.value.message == ("ChangeCase has no input claim 'input' (it takes: "
                                     "inputClaim1).")
    assert refused.value.where == "ClaimsTransformation 'Shout'"
