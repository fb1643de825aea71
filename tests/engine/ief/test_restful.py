"""The RESTful technical profile against a real loopback API (tests/connector_server.py),
in a small policy of our own on top of the starter pack: every SendClaimsIn, every
AuthenticationType (keys from the tenant's policy keys), a 200 that adds a claim, the 409
error contract shown on the page (with DebugMode's developer message), and failures."""
from __future__ import annotations

import base64

import pytest

from idp.engine.ief import restful
from idp.engine.ief.model import TechnicalProfileDef
from idp.extensions import db
from idp.store import policy_keys
from tests import connector_server
from tests.engine.ief import pack
from tests.engine.ief.journeys import Run, compiled

HANDLER = ("Web.TPEngine.Providers.RestfulProvider, Web.TPEngine, Version=1.0.0.0, "
           "Culture=neutral, PublicKeyToken=null")
SELF_ASSERTED = ("Web.TPEngine.Providers.SelfAssertedAttributeProvider, Web.TPEngine, "
                 "Version=1.0.0.0, Culture=neutral, PublicKeyToken=null")
KEYS = {"None": "",
        "Basic": '<Key Id="BasicAuthenticationUsername" StorageReferenceId="B2C_1A_RestUser"/>'
                 '<Key Id="BasicAuthenticationPassword" StorageReferenceId="B2C_1A_RestPass"/>',
        "Bearer": '<Key Id="BearerAuthenticationToken" StorageReferenceId="B2C_1A_RestToken"/>',
        "ApiKeyHeader": '<Key Id="x-functions-key" StorageReferenceId="B2C_1A_RestApiKey"/>'}


def rest_policy(url: str, *, send_in: str = "Body", auth: str = "None",
                debug: bool = False, as_validation: bool = False,
                resolving: bool = True, insecure_ok: bool = True) -> str:
    """B2C_1A_rest: a journey that calls REST-Loyalty as an orchestration step, or (with
    ``as_validation``) as the validation profile of a page that asks for a promo code."""
    rest = f"""
      <TechnicalProfile Id="REST-Loyalty">
        <DisplayName>Loyalty API</DisplayName>
        <Protocol Name="Proprietary" Handler="{HANDLER}" />
        <Metadata>
          <Item Key="ServiceUrl">{url}</Item>
          <Item Key="AuthenticationType">{auth}</Item>
          <Item Key="SendClaimsIn">{send_in}</Item>
          <Item Key="DebugMode">{'true' if debug else 'false'}</Item>
          <Item Key="timeout_seconds">1</Item>
          <Item Key="IncludeClaimResolvingInClaimsHandling">{'true' if resolving else 'false'}</Item>
          <Item Key="AllowInsecureAuthInProduction">{'true' if insecure_ok else 'false'}</Item>
        </Metadata>
        <CryptographicKeys>{KEYS[auth]}</CryptographicKeys>
        <InputClaims>
          <InputClaim ClaimTypeReferenceId="promoCode" PartnerClaimType="code" />
          <InputClaim ClaimTypeReferenceId="clientApp" DefaultValue="{{OIDC:ClientId}}" />
          <InputClaim ClaimTypeReferenceId="isMember" DefaultValue="true" />
        </InputClaims>
        <OutputClaims>
          <OutputClaim ClaimTypeReferenceId="loyaltyNumber" PartnerClaimType="membershipId" />
          <OutputClaim ClaimTypeReferenceId="loyaltyNumberIsNew" DefaultValue="true" />
        </OutputClaims>
      </TechnicalProfile>"""
    page = f"""
      <TechnicalProfile Id="SelfAsserted-Promo">
        <DisplayName>Promo code</DisplayName>
        <Protocol Name="Proprietary" Handler="{SELF_ASSERTED}" />
        <Metadata><Item Key="ContentDefinitionReferenceId">api.selfasserted</Item></Metadata>
        <OutputClaims>
          <OutputClaim ClaimTypeReferenceId="promoCode" Required="true" />
          <OutputClaim ClaimTypeReferenceId="loyaltyNumber" />
        </OutputClaims>
        <ValidationTechnicalProfiles>
          <ValidationTechnicalProfile ReferenceId="REST-Loyalty" />
        </ValidationTechnicalProfiles>
      </TechnicalProfile>"""
    first = ('<ClaimsExchange Id="Promo" TechnicalProfileReferenceId="SelfAsserted-Promo"/>'
             if as_validation else
             '<ClaimsExchange Id="Loyalty" TechnicalProfileReferenceId="REST-Loyalty"/>')
    return pack.policy("B2C_1A_rest", f"""
  <BuildingBlocks><ClaimsSchema>
    <ClaimType Id="promoCode"><DisplayName>Promo code</DisplayName><DataType>string</DataType>
      <UserInputType>TextBox</UserInputType></ClaimType>
    <ClaimType Id="clientApp"><DisplayName>App</DisplayName><DataType>string</DataType></ClaimType>
    <ClaimType Id="isMember"><DisplayName>Member</DisplayName><DataType>boolean</DataType></ClaimType>
    <ClaimType Id="loyaltyNumber"><DisplayName>Loyalty</DisplayName><DataType>string</DataType></ClaimType>
    <ClaimType Id="loyaltyNumberIsNew"><DisplayName>New</DisplayName><DataType>boolean</DataType></ClaimType>
  </ClaimsSchema></BuildingBlocks>
  <ClaimsProviders><ClaimsProvider><DisplayName>REST APIs</DisplayName><TechnicalProfiles>
    {rest}{page}
  </TechnicalProfiles></ClaimsProvider></ClaimsProviders>
  <UserJourneys><UserJourney Id="Rest"><OrchestrationSteps>
    <OrchestrationStep Order="1" Type="ClaimsExchange"><ClaimsExchanges>{first}
    </ClaimsExchanges></OrchestrationStep>
    <OrchestrationStep Order="2" Type="SendClaims" CpimIssuerTechnicalProfileReferenceId="JwtIssuer"/>
  </OrchestrationSteps></UserJourney></UserJourneys>
  <RelyingParty><DefaultUserJourney ReferenceId="Rest"/>
    <TechnicalProfile Id="PolicyProfile"><DisplayName>PolicyProfile</DisplayName>
      <Protocol Name="OpenIdConnect"/>
      <OutputClaims><OutputClaim ClaimTypeReferenceId="loyaltyNumber"/></OutputClaims>
      <SubjectNamingInfo ClaimType="sub"/></TechnicalProfile>
  </RelyingParty>""")


@pytest.fixture
def api():
    server = connector_server.ConnectorServer()
    url, stop = connector_server.start(server)
    server.url = url
    yield server
    stop()


@pytest.fixture
def keys(app):
    """Policy keys (Manual secrets) the authentication types read, and an app context."""
    with app.app_context():
        for name, secret in (("RestUser", "b2c"), ("RestPass", "s3cret"),
                             ("RestToken", "token-123"), ("RestApiKey", "key-456")):
            policy_keys.add_secret(name, secret)
        db.session.commit()
        yield


def journey(url, **options):
    files = pack.with_file(pack.chain(), rest_policy(url, **options))
    return compiled(files, "B2C_1A_rest").journey


@pytest.mark.parametrize("send_in, method, where", [
    ("Body", "POST", "json"), ("Form", "POST", "form"), ("Header", "GET", "headers"),
    ("QueryString", "GET", "args")])
def test_send_claims_in(keys, api, send_in, method, where):
    api.answer(200, {"membershipId": "L-42"})
    run = Run(journey(api.url, send_in=send_in), request={"client_id": "app-1"})
    run.go()
    assert run.completed["loyaltyNumber"] == "L-42"
    assert run.completed["loyaltyNumberIsNew"] is True     # DefaultValue of an output claim
    received = api.received[-1]
    assert received["method"] == method
    sent = {k.lower(): v for k, v in (received[where] or {}).items()}
    assert sent["clientapp"] == "app-1"                     # {OIDC:ClientId} resolved
    if send_in == "Body":
        assert received["json"] == {"clientApp": "app-1", "isMember": True}
    else:
        assert sent["ismember"] == "true"


def test_claim_resolvers_need_include_claim_resolving_in_claims_handling(keys, api):
    api.answer(200, {"membershipId": "L-3"})
    Run(journey(api.url, resolving=False), request={"client_id": "app-1"}).go()
    assert api.received[-1]["json"]["clientApp"] == "{OIDC:ClientId}"


@pytest.mark.parametrize("auth, header, expected", [
    ("None", "Authorization", None),
    ("Basic", "Authorization", "Basic " + base64.b64encode(b"b2c:s3cret").decode()),
    ("Bearer", "Authorization", "Bearer token-123"),
    ("ApiKeyHeader", "X-Functions-Key", "key-456")])
def test_authentication_types(keys, api, auth, header, expected):
    api.answer(200, {"membershipId": "L-1"})
    run = Run(journey(api.url, auth=auth))
    run.go()
    assert run.completed["loyaltyNumber"] == "L-1"
    assert api.received[-1]["headers"].get(header) == expected
    shown = str(run.state.trace)   # the run trace never shows a credential
    assert "s3cret" not in shown and "token-123" not in shown and "key-456" not in shown


def test_claims_sent_in_headers_are_traced_without_the_api_key(keys, api):
    api.answer(200, {"membershipId": "L-2"})
    run = Run(journey(api.url, auth="ApiKeyHeader", send_in="Header"))
    run.go()
    assert run.state.trace[0]["calls"][0]["request"] == {"clientApp": "app", "isMember": "true"}
    assert "key-456" not in str(run.state.trace)


def test_a_missing_policy_key_is_named_on_the_error_page(app, api):
    with app.app_context():
        run = Run(journey(api.url, auth="Bearer"))
        run.go()
        assert run.halted.page == "error"
        assert "needs the policy key 'B2C_1A_RestToken'" in run.halted.message
        assert api.received == []


@pytest.mark.parametrize("as_validation", [False, True])
def test_authentication_none_needs_allow_insecure_auth_in_production(api, as_validation):
    from idp.engine.ief.model import PolicyError

    with pytest.raises(PolicyError, match="'REST-Loyalty' uses AuthenticationType None, which "
                                          "B2C allows in production only when its metadata "
                                          "sets AllowInsecureAuthInProduction to true"):
        journey(api.url, insecure_ok=False, as_validation=as_validation)
    # Basic is fine without it, and so is a policy in DeploymentMode Development
    assert journey(api.url, auth="Basic", insecure_ok=False).steps
    development = rest_policy(api.url, insecure_ok=False, as_validation=as_validation).replace(
        'PolicySchemaVersion="0.3.0.0"', 'PolicySchemaVersion="0.3.0.0" '
                                         'DeploymentMode="Development"')
    assert compiled(pack.with_file(pack.chain(), development), "B2C_1A_rest").journey.steps


def test_the_call_is_in_the_trace(keys, api):
    api.answer(200, {"membershipId": "L-7"})
    run = Run(journey(api.url))
    run.go()
    call = run.state.trace[0]["calls"][0]
    assert call["status"] == 200 and call["verdict"] == "continue"
    assert call["response"] == {"membershipId": "L-7"} and call["method"] == "POST"


def _promo_page(api, **options):
    run = Run(journey(api.url, as_validation=True, **options))
    run.go()
    assert run.profile == "SelfAsserted-Promo"
    return run


CONFLICT = {"version": "1.0.0", "status": 409, "code": "API12345", "requestId": "r-1",
            "userMessage": "That promo code has expired.",
            "developerMessage": "Code PROMO1 ended on 2026-01-01."}


def test_validation_409_shows_the_user_message_on_the_page(keys, api):
    api.answer(409, CONFLICT)
    run = _promo_page(api)
    run.go({"action": "continue", "promoCode": "PROMO1"})
    assert run.profile == "SelfAsserted-Promo"
    assert run.page["page_error"] == "That promo code has expired."
    assert run.field("promoCode")["value"] == "PROMO1"   # kept for correcting
    assert api.received[-1]["json"]["code"] == "PROMO1"  # sent as its PartnerClaimType


def test_validation_409_in_debug_mode_adds_the_developer_message(keys, api):
    api.answer(409, CONFLICT)
    run = _promo_page(api, debug=True)
    run.go({"action": "continue", "promoCode": "PROMO1"})
    assert run.page["page_error"].startswith("That promo code has expired. (code: API12345")
    assert "developerMessage: Code PROMO1 ended on 2026-01-01." in run.page["page_error"]


def test_validation_200_adds_the_claim_and_continues(keys, api):
    api.answer(200, {"membershipId": "L-99"})
    run = _promo_page(api)
    run.go({"action": "continue", "promoCode": "WELCOME"})
    assert run.completed["loyaltyNumber"] == "L-99"
    assert run.completed["promoCode"] == "WELCOME"


def test_validation_timeout_is_shown_with_b2c_words(keys, api):
    api.answer(200, {"membershipId": "late"}, delay=1.5)  # timeout_seconds is 1
    run = _promo_page(api)
    run.go({"action": "continue", "promoCode": "SLOW"})
    assert run.page["page_error"] == (
        "Failed to establish connection to restful service end point within timeout limit 1 "
        f"seconds. Restful service URL: {api.url}")
    assert len(api.received) == 2   # one retry


def test_a_500_in_a_step_ends_the_run_with_aadb2c90075(keys, api):
    api.answer(500, "boom")
    run = Run(journey(api.url))
    run.go()
    assert run.halted.code == "AADB2C90075"
    assert run.halted.message == ("The claims exchange 'REST-Loyalty' specified in step '1' "
                                  "returned HTTP error response with Code "
                                  "'InternalServerError' and Reason 'Internal Server Error'.")


def test_a_409_in_a_step_goes_back_to_the_app_with_the_user_message(keys, api):
    api.answer(409, CONFLICT)
    run = Run(journey(api.url))
    run.go()
    assert run.halted.error == "server_error"
    assert run.halted.message == "That promo code has expired."


# -- the request and the answer, without a server ---------------------------------------------

def _profile(**metadata):
    return TechnicalProfileDef("REST-X", metadata={"ServiceUrl": "https://api.example/x",
                                                   **metadata})


def test_unknown_send_claims_in_and_authentication_are_named():
    with pytest.raises(restful.RestConfigError, match="SendClaimsIn 'Url' .* not supported"):
        restful.build_request(_profile(SendClaimsIn="Url"), {}, lambda name: "")
    with pytest.raises(restful.RestConfigError,
                       match="AuthenticationType 'ClientCertificate' .* not supported"):
        restful.build_request(_profile(AuthenticationType="ClientCertificate"), {},
                              lambda name: "")


def test_service_url_is_required():
    with pytest.raises(restful.RestConfigError, match="needs the metadata item ServiceUrl"):
        restful.build_request(TechnicalProfileDef("REST-X"), {}, lambda name: "")


def test_a_4xx_without_the_contract_is_a_failure_not_a_refusal():
    from idp.engine.ports import ConnectorResponse

    request = restful.build_request(_profile(), {}, lambda name: "")
    call = restful.RestCall("REST-X", "POST", request.url, {})
    with pytest.raises(restful.RestFailed) as failed:
        restful.read_response(_profile(), request,
                              ConnectorResponse(400, '{"error": "bad"}', 5, 1), call)
    assert (failed.value.code, failed.value.reason) == ("BadRequest", "Bad Request")


def test_json_paths_reach_into_the_answer_when_the_profile_asks():
    from idp.engine.ief.model import PolicyClaim

    profile = TechnicalProfileDef("REST-X", metadata={"ResolveJsonPathsInJsonTokens": "true"},
                                  output_claims=(PolicyClaim("loyaltyNumber",
                                                             partner_claim_type="member.id"),
                                                 PolicyClaim("firstRole",
                                                             partner_claim_type="roles[0]")))
    answer = {"member": {"id": "L-5"}, "roles": ["gold", "silver"]}
    assert restful.with_json_paths(profile, answer)["member.id"] == "L-5"
    assert restful.with_json_paths(profile, answer)["roles[0]"] == "gold"
    plain = TechnicalProfileDef("REST-X", output_claims=profile.output_claims)
    assert "member.id" not in restful.with_json_paths(plain, answer)
