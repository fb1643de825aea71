"""A self-asserted page's ValidationTechnicalProfiles run in order with their own
preconditions (SkipThisValidationTechnicalProfile), ContinueOnError and ContinueOnSuccess,
then the page's output claims' defaults and its output claims transformations."""
from __future__ import annotations

import pytest

from tests.engine.ief import pack
from tests.engine.ief.journeys import Run, compiled

SELF_ASSERTED = ("Web.TPEngine.Providers.SelfAssertedAttributeProvider, Web.TPEngine, "
                 "Version=1.0.0.0, Culture=neutral, PublicKeyToken=null")
CT = ("Web.TPEngine.Providers.ClaimsTransformationProtocolProvider, Web.TPEngine, "
      "Version=1.0.0.0, Culture=neutral, PublicKeyToken=null")


def create(id_, claim, value):
    return (f'<ClaimsTransformation Id="{id_}" TransformationMethod="CreateStringClaim">'
            f'<InputParameters><InputParameter Id="value" DataType="string" Value="{value}"/>'
            f'</InputParameters><OutputClaims><OutputClaim ClaimTypeReferenceId="{claim}" '
            'TransformationClaimType="createdClaim"/></OutputClaims></ClaimsTransformation>')


def ct_profile(id_, claim, transformation):
    return (f'<TechnicalProfile Id="{id_}"><DisplayName>{id_}</DisplayName>'
            f'<Protocol Name="Proprietary" Handler="{CT}"/><OutputClaims>'
            f'<OutputClaim ClaimTypeReferenceId="{claim}"/></OutputClaims>'
            f'<OutputClaimsTransformations><OutputClaimsTransformation ReferenceId='
            f'"{transformation}"/></OutputClaimsTransformations></TechnicalProfile>')


ASSERT = ('<ClaimsTransformation Id="AssertAgreed" '
          'TransformationMethod="AssertBooleanClaimIsEqualToValue"><InputClaims>'
          '<InputClaim ClaimTypeReferenceId="agreed" TransformationClaimType="inputClaim"/>'
          '</InputClaims><InputParameters><InputParameter Id="valueToCompareTo" '
          'DataType="boolean" Value="true"/></InputParameters></ClaimsTransformation>')


def validation_policy(first_continue_on_error: str = "true") -> str:
    schema = "".join(f'<ClaimType Id="{c}"><DisplayName>{c}</DisplayName><DataType>{t}'
                     f'</DataType>{u}</ClaimType>'
                     for c, t, u in (("nickname", "string", "<UserInputType>TextBox</UserInputType>"),
                                     ("agreed", "boolean", ""), ("step1", "string", ""),
                                     ("step2", "string", ""), ("step3", "string", ""),
                                     ("step4", "string", ""), ("greeting", "string", ""),
                                     ("pageDone", "string", "")))
    page = f"""<TechnicalProfile Id="SelfAsserted-Nickname"><DisplayName>Nickname</DisplayName>
      <Protocol Name="Proprietary" Handler="{SELF_ASSERTED}"/>
      <Metadata><Item Key="ContentDefinitionReferenceId">api.selfasserted</Item>
        <Item Key="UserMessageIfClaimsTransformationBooleanValueIsNotEqual">You must agree first.</Item>
      </Metadata>
      <OutputClaims><OutputClaim ClaimTypeReferenceId="nickname" Required="true"/>
        <OutputClaim ClaimTypeReferenceId="pageDone" DefaultValue="yes"/>
        <OutputClaim ClaimTypeReferenceId="greeting"/></OutputClaims>
      <OutputClaimsTransformations><OutputClaimsTransformation ReferenceId="Greet"/>
      </OutputClaimsTransformations>
      <ValidationTechnicalProfiles>
        <ValidationTechnicalProfile ReferenceId="CT-Assert" ContinueOnError="{first_continue_on_error}"/>
        <ValidationTechnicalProfile ReferenceId="CT-Step1">
          <Preconditions><Precondition Type="ClaimsExist" ExecuteActionsIf="true">
            <Value>nickname</Value><Action>SkipThisValidationTechnicalProfile</Action>
          </Precondition></Preconditions></ValidationTechnicalProfile>
        <ValidationTechnicalProfile ReferenceId="CT-Step2">
          <Preconditions><Precondition Type="ClaimEquals" ExecuteActionsIf="true">
            <Value>nickname</Value><Value>skip-me</Value>
            <Action>SkipThisValidationTechnicalProfile</Action></Precondition></Preconditions>
        </ValidationTechnicalProfile>
        <ValidationTechnicalProfile ReferenceId="CT-Step3" ContinueOnSuccess="false"/>
        <ValidationTechnicalProfile ReferenceId="CT-Step4"/>
      </ValidationTechnicalProfiles></TechnicalProfile>
      <TechnicalProfile Id="CT-Assert"><DisplayName>Assert</DisplayName>
        <Protocol Name="Proprietary" Handler="{CT}"/>
        <OutputClaimsTransformations><OutputClaimsTransformation ReferenceId="AssertAgreed"/>
        </OutputClaimsTransformations></TechnicalProfile>"""
    steps = "".join(ct_profile(f"CT-Step{n}", f"step{n}", f"Make{n}") for n in range(1, 5))
    greet = ('<ClaimsTransformation Id="Greet" TransformationMethod="FormatStringClaim">'
             '<InputClaims><InputClaim ClaimTypeReferenceId="nickname" '
             'TransformationClaimType="inputClaim"/></InputClaims><InputParameters>'
             '<InputParameter Id="stringFormat" DataType="string" Value="Hi {0}"/>'
             '</InputParameters><OutputClaims><OutputClaim ClaimTypeReferenceId="greeting" '
             'TransformationClaimType="outputClaim"/></OutputClaims></ClaimsTransformation>')
    transformations = ASSERT + greet + "".join(create(f"Make{n}", f"step{n}", f"ran{n}")
                                               for n in range(1, 5))
    return pack.policy("B2C_1A_validation", f"""
  <BuildingBlocks><ClaimsSchema>{schema}</ClaimsSchema>
    <ClaimsTransformations>{transformations}</ClaimsTransformations></BuildingBlocks>
  <ClaimsProviders><ClaimsProvider><DisplayName>Mine</DisplayName><TechnicalProfiles>
    {page}{steps}</TechnicalProfiles></ClaimsProvider></ClaimsProviders>
  <UserJourneys><UserJourney Id="V"><OrchestrationSteps>
    <OrchestrationStep Order="1" Type="ClaimsExchange"><ClaimsExchanges>
      <ClaimsExchange Id="Nick" TechnicalProfileReferenceId="SelfAsserted-Nickname"/>
    </ClaimsExchanges></OrchestrationStep>
    <OrchestrationStep Order="2" Type="SendClaims" CpimIssuerTechnicalProfileReferenceId="JwtIssuer"/>
  </OrchestrationSteps></UserJourney></UserJourneys>
  <RelyingParty><DefaultUserJourney ReferenceId="V"/>
    <TechnicalProfile Id="PolicyProfile"><DisplayName>P</DisplayName>
      <Protocol Name="OpenIdConnect"/><OutputClaims>
      <OutputClaim ClaimTypeReferenceId="greeting"/></OutputClaims>
      <SubjectNamingInfo ClaimType="sub"/></TechnicalProfile></RelyingParty>""")


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield


def run_page(continue_on_error="true", nickname="Ada"):
    files = pack.with_file(pack.chain(), validation_policy(continue_on_error))
    run = Run(compiled(files, "B2C_1A_validation").journey)
    run.go()
    assert run.profile == "SelfAsserted-Nickname"
    run.go({"action": "continue", "nickname": nickname})
    return run


def test_the_chain_honours_preconditions_and_continue_on_success(ctx):
    bag = run_page().completed
    assert "step1" not in bag                     # ClaimsExist nickname: skipped
    assert bag["step2"] == "ran2"                 # nickname is not 'skip-me': ran
    assert bag["step3"] == "ran3"
    assert "step4" not in bag                     # ContinueOnSuccess=false after step 3
    assert bag["pageDone"] == "yes"               # an output claim's DefaultValue
    assert bag["greeting"] == "Hi Ada"            # the page's output claims transformation


def test_the_trace_tells_what_each_validation_profile_did(ctx):
    note = run_page().state.trace[0]["reason"]
    assert note == ("page submitted and validated: CT-Assert refused, ContinueOnError; "
                    "CT-Step1 skipped (precondition ClaimsExist: nickname exists); "
                    "CT-Step2 ran; CT-Step3 ran; ContinueOnSuccess is false: the rest did "
                    "not run")


def test_claim_equals_skips_a_validation_profile(ctx):
    bag = run_page(nickname="skip-me").completed
    assert "step2" not in bag and bag["step3"] == "ran3"


def test_continue_on_error_false_stops_on_the_page_with_the_metadata_message(ctx):
    run = run_page(continue_on_error="false")
    assert run.profile == "SelfAsserted-Nickname"
    assert run.page["page_error"] == "You must agree first."


def test_an_assertion_among_the_pages_output_transformations_stays_on_the_page(ctx):
    text = validation_policy().replace(
        '<OutputClaimsTransformation ReferenceId="Greet"/>',
        '<OutputClaimsTransformation ReferenceId="Greet"/>'
        '<OutputClaimsTransformation ReferenceId="AssertAgreed"/>')
    run = Run(compiled(pack.with_file(pack.chain(), text), "B2C_1A_validation").journey)
    run.go()
    run.go({"action": "continue", "nickname": "Ada"})
    assert run.profile == "SelfAsserted-Nickname"
    assert run.page["page_error"] == "You must agree first."


def test_an_assertion_before_the_page_is_shown_ends_the_run_with_its_message(ctx):
    text = validation_policy().replace(
        '<OutputClaims><OutputClaim ClaimTypeReferenceId="nickname" Required="true"/>',
        '<InputClaimsTransformations><InputClaimsTransformation ReferenceId="AssertAgreed"/>'
        '</InputClaimsTransformations>'
        '<OutputClaims><OutputClaim ClaimTypeReferenceId="nickname" Required="true"/>')
    run = Run(compiled(pack.with_file(pack.chain(), text), "B2C_1A_validation").journey)
    run.go()
    assert run.halted.error == "server_error"
    assert run.halted.message == "You must agree first."


def test_enabled_for_user_journeys_never_skips_a_validation_profile(ctx):
    text = validation_policy().replace(
        '<TechnicalProfile Id="CT-Step2"><DisplayName>CT-Step2</DisplayName>',
        '<TechnicalProfile Id="CT-Step2"><DisplayName>CT-Step2</DisplayName>'
        '<EnabledForUserJourneys>Never</EnabledForUserJourneys>')
    run = Run(compiled(pack.with_file(pack.chain(), text), "B2C_1A_validation").journey)
    run.go()
    run.go({"action": "continue", "nickname": "Ada"})
    assert "step2" not in run.completed and run.completed["step3"] == "ran3"
    assert "CT-Step2 skipped (EnabledForUserJourneys is Never)" in run.state.trace[0]["reason"]
