"""Claims transformations inside a running policy: a ClaimsTransformation technical profile
of our own (on top of the starter pack) chaining every named method, a ClaimEquals
precondition on the boolean it produced, and the pack's own assertions (the refresh-token
journey's AssertDateTimeIsGreaterThan)."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from idp.extensions import db
from idp.models import DirectoryUser
from tests.engine.ief import pack
from tests.engine.ief.journeys import Run, compiled, sign_up

CT_HANDLER = ("Web.TPEngine.Providers.ClaimsTransformationProtocolProvider, Web.TPEngine, "
              "Version=1.0.0.0, Culture=neutral, PublicKeyToken=null")
CLAIMS = {"mixedEmail": "string", "lowerEmail": "string", "sameEmail": "boolean",
          "randomOtp": "string", "upn": "string", "mailList": "stringCollection",
          "now": "dateTime", "hasEmail": "boolean", "hasNothing": "boolean", "tos": "string",
          "skippedRan": "string"}


def transformation(id_, method, inputs=(), params=(), outputs=()):
    ins = "".join(f'<InputClaim ClaimTypeReferenceId="{c}" TransformationClaimType="{t}"/>'
                  for c, t in inputs)
    ps = "".join(f'<InputParameter Id="{i}" DataType="string" Value="{v}"/>' for i, v in params)
    outs = "".join(f'<OutputClaim ClaimTypeReferenceId="{c}" TransformationClaimType="{t}"/>'
                   for c, t in outputs)
    return (f'<ClaimsTransformation Id="{id_}" TransformationMethod="{method}">'
            f'<InputClaims>{ins}</InputClaims><InputParameters>{ps}</InputParameters>'
            f'<OutputClaims>{outs}</OutputClaims></ClaimsTransformation>')


TRANSFORMATIONS = [
    transformation("CreateTos", "CreateStringClaim", params=[("value", "v1")],
                   outputs=[("tos", "createdClaim")]),
    transformation("CreateMixed", "CreateStringClaim", params=[("value", "Ada@Example.COM")],
                   outputs=[("mixedEmail", "createdClaim")]),
    transformation("Lower", "ChangeCase", [("mixedEmail", "inputClaim1")],
                   [("toCase", "LOWER")], [("lowerEmail", "outputClaim")]),
    transformation("Compare", "CompareClaims",
                   [("mixedEmail", "inputClaim1"), ("lowerEmail", "inputClaim2")],
                   [("operator", "EQUAL"), ("ignoreCase", "true")],
                   [("sameEmail", "outputClaim")]),
    transformation("Otp", "CreateRandomString", params=[("randomGeneratorType", "INTEGER"),
                                                       ("maximumNumber", "1000"),
                                                       ("stringFormat", "OTP_{0}")],
                   outputs=[("randomOtp", "outputClaim")]),
    transformation("Upn", "FormatStringClaim", [("lowerEmail", "inputClaim")],
                   [("stringFormat", "cpim_{0}@{RelyingPartyTenantId}")],
                   [("upn", "outputClaim")]),
    transformation("AddMail", "AddItemToStringCollection",
                   [("lowerEmail", "item"), ("mailList", "collection")],
                   outputs=[("mailList", "collection")]),
    transformation("Now", "GetCurrentDateTime", outputs=[("now", "currentDateTime")]),
    transformation("HasEmail", "DoesClaimExist", [("lowerEmail", "inputClaim")],
                   outputs=[("hasEmail", "outputClaim")]),
    transformation("HasNothing", "DoesClaimExist", [("skippedRan", "inputClaim")],
                   outputs=[("hasNothing", "outputClaim")]),
    transformation("ForgetTos", "NullClaim", outputs=[("tos", "claim_to_null")]),
    transformation("MarkRan", "CreateStringClaim", params=[("value", "yes")],
                   outputs=[("skippedRan", "createdClaim")]),
]
ORDER = ["CreateTos", "CreateMixed", "Lower", "Compare", "Otp", "Upn", "AddMail", "Now",
         "HasEmail", "HasNothing", "ForgetTos"]


def claims_policy(skip_value: str = "true", enabled: str = "") -> str:
    schema = "".join(f'<ClaimType Id="{c}"><DisplayName>{c}</DisplayName>'
                     f'<DataType>{t}</DataType></ClaimType>' for c, t in CLAIMS.items())
    outs = "".join(f'<OutputClaim ClaimTypeReferenceId="{c}"/>' for c in CLAIMS)
    refs = "".join(f'<OutputClaimsTransformation ReferenceId="{t}"/>' for t in ORDER)
    return pack.policy("B2C_1A_claims", f"""
  <BuildingBlocks><ClaimsSchema>{schema}</ClaimsSchema>
    <ClaimsTransformations>{''.join(TRANSFORMATIONS)}</ClaimsTransformations></BuildingBlocks>
  <ClaimsProviders><ClaimsProvider><DisplayName>Claims</DisplayName><TechnicalProfiles>
    <TechnicalProfile Id="CT-All"><DisplayName>All</DisplayName>
      <Protocol Name="Proprietary" Handler="{CT_HANDLER}"/>
      <OutputClaims>{outs}</OutputClaims>
      <OutputClaimsTransformations>{refs}</OutputClaimsTransformations>
    </TechnicalProfile>
    <TechnicalProfile Id="CT-Skipped"><DisplayName>Skipped</DisplayName>
      <Protocol Name="Proprietary" Handler="{CT_HANDLER}"/>{enabled}
      <OutputClaims><OutputClaim ClaimTypeReferenceId="skippedRan"/></OutputClaims>
      <OutputClaimsTransformations><OutputClaimsTransformation ReferenceId="MarkRan"/>
      </OutputClaimsTransformations>
    </TechnicalProfile>
  </TechnicalProfiles></ClaimsProvider></ClaimsProviders>
  <UserJourneys><UserJourney Id="Claims"><OrchestrationSteps>
    <OrchestrationStep Order="1" Type="ClaimsExchange"><ClaimsExchanges>
      <ClaimsExchange Id="All" TechnicalProfileReferenceId="CT-All"/></ClaimsExchanges>
    </OrchestrationStep>
    <OrchestrationStep Order="2" Type="ClaimsExchange">
      <Preconditions><Precondition Type="ClaimEquals" ExecuteActionsIf="true">
        <Value>sameEmail</Value><Value>{skip_value}</Value>
        <Action>SkipThisOrchestrationStep</Action></Precondition></Preconditions>
      <ClaimsExchanges><ClaimsExchange Id="Skip" TechnicalProfileReferenceId="CT-Skipped"/>
      </ClaimsExchanges></OrchestrationStep>
    <OrchestrationStep Order="3" Type="SendClaims" CpimIssuerTechnicalProfileReferenceId="JwtIssuer"/>
  </OrchestrationSteps></UserJourney></UserJourneys>
  <RelyingParty><DefaultUserJourney ReferenceId="Claims"/>
    <TechnicalProfile Id="PolicyProfile"><DisplayName>PolicyProfile</DisplayName>
      <Protocol Name="OpenIdConnect"/>
      <OutputClaims><OutputClaim ClaimTypeReferenceId="upn"/></OutputClaims>
      <SubjectNamingInfo ClaimType="sub"/></TechnicalProfile>
  </RelyingParty>""")


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield


def test_every_named_transformation_in_one_profile(ctx):
    files = pack.with_file(pack.chain(), claims_policy())
    run = Run(compiled(files, "B2C_1A_claims").journey)
    bag = run.go() and run.completed
    assert bag["mixedEmail"] == "Ada@Example.COM"
    assert bag["lowerEmail"] == "ada@example.com"                          # ChangeCase
    assert bag["sameEmail"] is True                                        # CompareClaims
    assert re.fullmatch(r"OTP_\d{1,3}", bag["randomOtp"])                  # CreateRandomString
    assert bag["upn"] == "cpim_ada@example.com@contoso.onmicrosoft.com"    # FormatStringClaim
    assert bag["mailList"] == ["ada@example.com"]                          # AddItemTo...
    now = dt.datetime.fromisoformat(bag["now"].replace("Z", "+00:00"))     # GetCurrentDateTime
    assert abs((dt.datetime.now(dt.timezone.utc) - now).total_seconds()) < 60
    assert bag["hasEmail"] is True and bag["hasNothing"] is False          # DoesClaimExist
    assert bag.get("tos") is None                                          # NullClaim
    # ClaimEquals on the boolean: sameEmail equals "true", so step 2 is skipped
    assert run.state.trace[1]["status"] == "skipped"
    assert "sameEmail equals 'true'" in run.state.trace[1]["reason"]
    assert "skippedRan" not in bag


def test_claim_equals_that_does_not_hold_runs_the_step(ctx):
    files = pack.with_file(pack.chain(), claims_policy(skip_value="false"))
    run = Run(compiled(files, "B2C_1A_claims").journey)
    assert run.go() and run.completed["skippedRan"] == "yes"
    assert run.state.trace[1]["status"] == "ran"


def test_refresh_journey_asserts_the_token_was_issued_after_revocation(ctx):
    files = pack.chain()
    policy = compiled(files, "B2C_1A_signup_signin")
    sign_up(Run(policy.journey), "refresh@example.com", displayName="Refresh Me")
    user = db.session.execute(db.select(DirectoryUser).filter_by(
        display_name="Refresh Me")).scalar_one()
    issued = "2026-01-10T00:00:00Z"
    run = Run(policy.refresh_journey, bag={"objectId": user.object_id,
                                           "refreshTokenIssuedOnDateTime": issued})
    assert run.go() and run.completed["displayName"] == "Refresh Me"   # no revocation: passes
    user.attributes = {**user.attributes, "refreshTokensValidFromDateTime": "2026-02-01T00:00:00Z"}
    db.session.commit()
    revoked = Run(policy.refresh_journey, bag={"objectId": user.object_id,
                                               "refreshTokenIssuedOnDateTime": issued})
    revoked.go()
    assert revoked.halted.message == ("Claim value comparison failed: The provided left "
                                      "operand is greater than the right operand.")


@pytest.mark.parametrize("enabled, runs", [
    ("<EnabledForUserJourneys>Never</EnabledForUserJourneys>", False),
    ('<Metadata><Item Key="ClaimTypeOnWhichToEnable">tos</Item></Metadata>'
     "<EnabledForUserJourneys>OnClaimsExistence</EnabledForUserJourneys>", False),
    ('<Metadata><Item Key="ClaimTypeOnWhichToEnable">lowerEmail</Item></Metadata>'
     "<EnabledForUserJourneys>OnClaimsExistence</EnabledForUserJourneys>", True),
    ('<Metadata><Item Key="ClaimTypeOnWhichToEnable">mailList</Item>'
     '<Item Key="ClaimValueOnWhichToEnable">ada@example.com</Item></Metadata>'
     "<EnabledForUserJourneys>OnItemExistenceInStringCollectionClaim</EnabledForUserJourneys>",
     True),
    ('<Metadata><Item Key="ClaimTypeOnWhichToEnable">mailList</Item>'
     '<Item Key="ClaimValueOnWhichToEnable">ada@example.com</Item></Metadata>'
     "<EnabledForUserJourneys>OnItemAbsenceInStringCollectionClaim</EnabledForUserJourneys>",
     False),
])
def test_enabled_for_user_journeys(ctx, enabled, runs):
    files = pack.with_file(pack.chain(), claims_policy(skip_value="false", enabled=enabled))
    run = Run(compiled(files, "B2C_1A_claims").journey)
    bag = run.go() and run.completed
    assert ("skippedRan" in bag) is runs
    step = run.state.trace[1]
    assert step["status"] == ("ran" if runs else "skipped")
    if not runs:
        assert step["reason"].startswith("EnabledForUserJourneys")
