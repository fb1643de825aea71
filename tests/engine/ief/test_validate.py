"""Upload validation: the LocalAccounts chain is accepted once what it runs is registered, and
each refusal (missing base, missing key container, undefined Id, unproduced claim, something
this emulator does not run) is precise: named, with where."""
from __future__ import annotations

import types

import pytest

from idp.engine.ief import support
from idp.engine.ief.parse import parse_policy
from idp.engine.ief.validate import validate_upload

from .pack import KEYS, ORDER, TENANT, chain, policy, prepared, with_file

#: what the LocalAccounts pack runs, as support.py must list it for the pack to be accepted
LOCAL_ACCOUNTS_NEEDS = {
    "PROTOCOLS": {"None"},
    "OPENID_CONNECT_ROLES": {"issuer", "validation"},
    "HANDLERS": {"Web.TPEngine.Providers.SelfAssertedAttributeProvider",
                 "Web.TPEngine.Providers.AzureActiveDirectoryProvider",
                 "Web.TPEngine.SSO.NoopSSOSessionProvider",
                 "Web.TPEngine.SSO.DefaultSSOSessionProvider",
                 "Web.TPEngine.SSO.OAuthSSOSessionProvider"},
    "STEP_TYPES": {"CombinedSignInAndSignUp", "ClaimsExchange", "ClaimsProviderSelection",
                   "SendClaims"},
    "PRECONDITION_TYPES": {"ClaimsExist"},
    "TRANSFORMATION_METHODS": {"AssertBooleanClaimIsEqualToValue", "AssertDateTimeIsGreaterThan"},
}


def registry(**extra):
    """support.py with ``extra`` names added (each a set of names)."""
    names = {name: getattr(support, name) for name in dir(support) if name.isupper()}
    for name, values in extra.items():
        names[name] = {**{v: "test" for v in values}, **dict.fromkeys(names[name], "support")} \
            if isinstance(names[name], dict) else frozenset(names[name]) | set(values)
    return types.SimpleNamespace(**names, handler_name=support.handler_name)


LOCAL_ACCOUNTS = registry(**LOCAL_ACCOUNTS_NEEDS)


def upload_in_order(files_by_name, keys=KEYS, support=LOCAL_ACCOUNTS):
    """Validate each file against the ones before it, as the portal does; the problems by
    PolicyId."""
    existing, problems = {}, {}
    for text in files_by_name:
        new = parse_policy(text, tenant=TENANT)
        problems[new.policy_id] = validate_upload(new, existing, keys, support=support)
        existing[new.policy_id] = new
    return problems, existing


def test_the_local_accounts_chain_is_accepted_once_what_it_runs_is_registered():
    problems, _ = upload_in_order(prepared(name) for name in ORDER)
    assert problems == {policy_id: [] for policy_id in problems}
    assert len(problems) == 6


def test_the_local_accounts_chain_is_accepted_with_the_registry_as_it_stands():
    problems, _ = upload_in_order((prepared(name) for name in ORDER), support=support)
    assert problems == {policy_id: [] for policy_id in problems}


@pytest.mark.parametrize("name", sorted(LOCAL_ACCOUNTS_NEEDS))
def test_support_lists_everything_the_local_accounts_pack_runs(name):
    assert LOCAL_ACCOUNTS_NEEDS[name] <= set(getattr(support, name))


def test_without_its_handlers_the_pack_is_refused_for_each_by_name():
    bare = registry()
    bare.HANDLERS, bare.STEP_TYPES, bare.PROTOCOLS, bare.OPENID_CONNECT_ROLES = {}, {}, {}, {}
    problems, _ = upload_in_order((prepared(name) for name in ORDER), support=bare)
    messages = {p.message for p in problems["B2C_1A_signup_signin"]}
    assert "TechnicalProfile 'JwtIssuer' uses the OpenIdConnect protocol as the token issuer " \
           "of a SendClaims step, which is not supported by this emulator yet." in messages
    assert "TechnicalProfile 'login-NonInteractive' uses the OpenIdConnect protocol as a " \
           "validation technical profile, which is not supported by this emulator yet." \
           in messages
    assert "TechnicalProfile 'RefreshTokenReadAndSetup' uses the protocol 'None', which is " \
           "not supported by this emulator yet." in messages
    assert "OrchestrationStep Type 'CombinedSignInAndSignUp' is not supported by this " \
           "emulator yet." in messages
    named = {m.split("'")[3] for m in messages if "uses the handler" in m}
    assert named == LOCAL_ACCOUNTS_NEEDS["HANDLERS"]
    assert all(p.kind == "unsupported" for found in problems.values() for p in found)


def test_a_relying_party_uploaded_before_its_base_is_refused_naming_the_base():
    relying_party = parse_policy(prepared("SignUpOrSignin"), tenant=TENANT)
    [problem] = validate_upload(relying_party, {}, KEYS, support=LOCAL_ACCOUNTS)
    assert problem.kind == "base_missing"
    assert problem.message == (
        "Policy with 'policyId': B2C_1A_TrustFrameworkExtensions cannot be found in the "
        "directory. Policy 'B2C_1A_signup_signin' inherits from base policy "
        "'B2C_1A_TrustFrameworkExtensions', which has not been uploaded. Upload the base "
        "policies first: Base, Localization, Extensions, then the relying party.")


def test_a_gap_further_down_the_chain_is_named_too():
    files = chain(names=("TrustFrameworkBase", "TrustFrameworkExtensions"))
    relying_party = parse_policy(prepared("SignUpOrSignin"), tenant=TENANT)
    [problem] = validate_upload(relying_party, files, KEYS, support=LOCAL_ACCOUNTS)
    assert problem.message.startswith(
        "Policy with 'policyId': B2C_1A_TrustFrameworkLocalization cannot be found in the "
        "directory. Policy 'B2C_1A_signup_signin' inherits from base policy "
        "'B2C_1A_TrustFrameworkLocalization' (through 'B2C_1A_TrustFrameworkExtensions'), which "
        "has not been uploaded.")


def test_a_missing_key_container_is_refused_by_name():
    base = parse_policy(prepared("TrustFrameworkBase"), tenant=TENANT)
    keys = KEYS - {"B2C_1A_TokenEncryptionKeyContainer"}
    [problem] = validate_upload(base, {}, keys, support=LOCAL_ACCOUNTS)
    assert problem.kind == "key_container"
    assert problem.message == (
        'Tenant "contoso.onmicrosoft.com" does not have CryptographicKey referenced by '
        'storageReferenceId "B2C_1A_TokenEncryptionKeyContainer". Create the key container '
        "under Identity Experience Framework > Policy keys, then upload again.")
    assert problem.where == ("TechnicalProfile 'JwtIssuer' in B2C_1A_TrustFrameworkBase "
                             "(line 831), Key 'issuer_refresh_token_key'")
    both = validate_upload(base, {}, set(), support=LOCAL_ACCOUNTS)
    assert [p.message.split('"')[3] for p in both] == ["B2C_1A_TokenSigningKeyContainer",
                                                        "B2C_1A_TokenEncryptionKeyContainer"]
    assert both[0].where.endswith("Key 'issuer_secret' (and 4 more)")
    shouted = {k.upper() for k in KEYS}     # container names compare without regard to case
    assert validate_upload(base, {}, shouted, support=LOCAL_ACCOUNTS) == []


def mine(body: str, policy_id="B2C_1A_Mine"):
    """Problems of a policy of our own uploaded on top of the LocalAccounts chain."""
    files = chain()
    new = parse_policy(policy(policy_id, body), tenant=TENANT)
    return validate_upload(new, files, KEYS, support=LOCAL_ACCOUNTS)


def provider(profiles: str) -> str:
    return (f"<ClaimsProviders><ClaimsProvider><DisplayName>Mine</DisplayName>"
            f"<TechnicalProfiles>{profiles}</TechnicalProfiles></ClaimsProvider>"
            "</ClaimsProviders>")


def test_an_undefined_claim_type_is_named_with_where():
    [problem] = mine(provider("""
      <TechnicalProfile Id="Mine-Profile">
        <OutputClaims><OutputClaim ClaimTypeReferenceId="loyaltyNumber" /></OutputClaims>
      </TechnicalProfile>"""))
    assert problem.kind == "undefined"
    assert problem.message == (
        'Policy "B2C_1A_Mine" of tenant "contoso.onmicrosoft.com" makes a reference to '
        'ClaimType with id "loyaltyNumber" but neither the policy nor any of its base policies '
        "contain such an element.")
    assert problem.where == ("TechnicalProfile 'Mine-Profile' in B2C_1A_Mine (line 6), "
                             "OutputClaim 'loyaltyNumber'")


def test_an_undefined_id_in_a_base_profile_overridden_here_names_this_file():
    [problem] = mine(provider("""
      <TechnicalProfile Id="LocalAccountSignUpWithLogonEmail">
        <ValidationTechnicalProfiles>
          <ValidationTechnicalProfile ReferenceId="REST-CheckLoyalty" />
        </ValidationTechnicalProfiles>
      </TechnicalProfile>"""))
    assert problem.message.startswith('Policy "B2C_1A_Mine" of tenant "contoso.onmicrosoft.com" '
                                      'makes a reference to TechnicalProfile with id '
                                      '"REST-CheckLoyalty"')
    assert problem.where == ("TechnicalProfile 'LocalAccountSignUpWithLogonEmail' in "
                             "B2C_1A_Mine (line 7), ValidationTechnicalProfile "
                             "'REST-CheckLoyalty'")


@pytest.mark.parametrize("body,kind,ident,where", [
    (provider('<TechnicalProfile Id="P"><OutputClaimsTransformations>'
              '<OutputClaimsTransformation ReferenceId="MakeName"/>'
              '</OutputClaimsTransformations></TechnicalProfile>'),
     "ClaimsTransformation", "MakeName", "TechnicalProfile 'P' in B2C_1A_Mine (line 4), "
                                         "OutputClaimsTransformation 'MakeName'"),
    (provider('<TechnicalProfile Id="P"><Metadata><Item Key="ContentDefinitionReferenceId">'
              'api.mine</Item></Metadata></TechnicalProfile>'),
     "ContentDefinition", "api.mine", "TechnicalProfile 'P' in B2C_1A_Mine (line 4), "
                                      "Item 'api.mine'"),
    ('<UserJourneys><UserJourney Id="Mine"><OrchestrationSteps>\n'
     '<OrchestrationStep Order="1" Type="ClaimsExchange"><ClaimsExchanges>\n'
     '<ClaimsExchange Id="X" TechnicalProfileReferenceId="Nobody"/></ClaimsExchanges>'
     '</OrchestrationStep></OrchestrationSteps></UserJourney></UserJourneys>',
     "TechnicalProfile", "Nobody", "UserJourney 'Mine', OrchestrationStep 1 in B2C_1A_Mine "
                                   "(line 6), ClaimsExchange 'Nobody'"),
    ('<RelyingParty><DefaultUserJourney ReferenceId="SignUp"/><TechnicalProfile Id="PP">'
     '<Protocol Name="OpenIdConnect"/></TechnicalProfile></RelyingParty>',
     "UserJourney", "SignUp", "RelyingParty in B2C_1A_Mine (line 4), DefaultUserJourney "
                              "'SignUp'"),
])
def test_each_kind_of_reference_is_checked(body, kind, ident, where):
    [problem] = mine(body)
    assert problem.message.startswith(f'Policy "B2C_1A_Mine" of tenant "{TENANT}" makes a '
                                      f'reference to {kind} with id "{ident}" but neither')
    assert problem.where == where


def test_a_claims_provider_selection_must_name_an_exchange_of_its_journey():
    problems = mine("""<UserJourneys><UserJourney Id="Mine"><OrchestrationSteps>
      <OrchestrationStep Order="1" Type="ClaimsProviderSelection"
                         ContentDefinitionReferenceId="api.idpselections">
        <ClaimsProviderSelections>
          <ClaimsProviderSelection TargetClaimsExchangeId="LocalExchange" />
        </ClaimsProviderSelections>
      </OrchestrationStep></OrchestrationSteps></UserJourney></UserJourneys>""")
    assert [(p.message, p.where) for p in problems] == [(
        "ClaimsProviderSelection TargetClaimsExchangeId 'LocalExchange' names no ClaimsExchange "
        "of UserJourney 'Mine'.",
        "UserJourney 'Mine', OrchestrationStep 1 in B2C_1A_Mine (line 8), "
        "ClaimsProviderSelection")]


def saml_relying_party(step: str, extra_blocks: str = "", extra_profiles: str = "") -> str:
    """A journey of our own whose step 1 is ``step``, with a relying party."""
    return f"""{extra_blocks}{provider(extra_profiles)}
      <UserJourneys><UserJourney Id="Mine"><OrchestrationSteps>
        {step}
        <OrchestrationStep Order="2" Type="SendClaims"
                           CpimIssuerTechnicalProfileReferenceId="JwtIssuer" />
      </OrchestrationSteps></UserJourney></UserJourneys>
      <RelyingParty><DefaultUserJourney ReferenceId="Mine" />
        <TechnicalProfile Id="PolicyProfile"><Protocol Name="OpenIdConnect" />
          <OutputClaims><OutputClaim ClaimTypeReferenceId="objectId" PartnerClaimType="sub"/>
          </OutputClaims><SubjectNamingInfo ClaimType="sub" /></TechnicalProfile>
      </RelyingParty>"""


def exchange(profile: str) -> str:
    return (f'<OrchestrationStep Order="1" Type="ClaimsExchange"><ClaimsExchanges>'
            f'<ClaimsExchange Id="Go" TechnicalProfileReferenceId="{profile}"/>'
            '</ClaimsExchanges></OrchestrationStep>')


def test_an_unsupported_protocol_is_named():
    problems = mine(saml_relying_party(exchange("Mine-Saml"), extra_profiles="""
      <TechnicalProfile Id="Mine-Saml"><Protocol Name="SAML2" />
        <OutputClaims><OutputClaim ClaimTypeReferenceId="objectId" /></OutputClaims>
      </TechnicalProfile>"""), "B2C_1A_MineRP")
    assert [(p.kind, p.message, p.where) for p in problems] == [(
        "unsupported", "TechnicalProfile 'Mine-Saml' uses the protocol 'SAML2', which is not "
                       "supported by this emulator yet.",
        "TechnicalProfile 'Mine-Saml' in B2C_1A_MineRP (line 5)")]


def test_an_unsupported_handler_step_type_and_precondition_are_named():
    step = ('<OrchestrationStep Order="1" Type="InvokeSubJourney"><Preconditions>'
            '<Precondition Type="ClaimsAreEqual" ExecuteActionsIf="true"><Value>a</Value>'
            '<Action>SkipThisOrchestrationStep</Action></Precondition></Preconditions>'
            '<ClaimsExchanges><ClaimsExchange Id="Go" TechnicalProfileReferenceId="Mine-Otp"/>'
            '</ClaimsExchanges></OrchestrationStep>')
    problems = mine(saml_relying_party(step, extra_profiles="""
      <TechnicalProfile Id="Mine-Otp">
        <Protocol Name="Proprietary" Handler="Web.TPEngine.Providers.OneTimePasswordProtocolProvider, Web.TPEngine, Version=1.0.0.0, Culture=neutral, PublicKeyToken=null" />
        <OutputClaims><OutputClaim ClaimTypeReferenceId="objectId" /></OutputClaims>
      </TechnicalProfile>"""), "B2C_1A_MineRP")
    assert [p.message for p in problems] == [
        "TechnicalProfile 'Mine-Otp' uses the handler "
        "'Web.TPEngine.Providers.OneTimePasswordProtocolProvider', which is not supported by "
        "this emulator yet.",
        "OrchestrationStep Type 'InvokeSubJourney' is not supported by this emulator yet.",
        "Precondition Type 'ClaimsAreEqual' is not supported by this emulator yet."]
    assert problems[1].where == "UserJourney 'Mine', OrchestrationStep 1 in B2C_1A_MineRP " \
                                "(line 10)"


def test_an_unsupported_transformation_method_and_element_are_named():
    blocks = """<BuildingBlocks><ClaimsTransformations>
      <ClaimsTransformation Id="Mine-Json" TransformationMethod="GetClaimFromJson">
        <InputClaims><InputClaim ClaimTypeReferenceId="objectId" TransformationClaimType="inputJson"/></InputClaims>
        <OutputClaims><OutputClaim ClaimTypeReferenceId="displayName" TransformationClaimType="extractedClaim"/></OutputClaims>
      </ClaimsTransformation></ClaimsTransformations>
      <DisplayControls><DisplayControl Id="emailVerificationControl" UserInterfaceControlType="VerificationControl">
        <DisplayClaims><DisplayClaim ClaimTypeReferenceId="email" Required="true" /></DisplayClaims>
      </DisplayControl></DisplayControls></BuildingBlocks>"""
    profile = """<TechnicalProfile Id="Mine-Page">
        <Protocol Name="Proprietary" Handler="Web.TPEngine.Providers.SelfAssertedAttributeProvider, Web.TPEngine, Version=1.0.0.0, Culture=neutral, PublicKeyToken=null" />
        <DisplayClaims><DisplayClaim DisplayControlReferenceId="emailVerificationControl" /></DisplayClaims>
        <OutputClaims><OutputClaim ClaimTypeReferenceId="objectId" /></OutputClaims>
        <OutputClaimsTransformations><OutputClaimsTransformation ReferenceId="Mine-Json"/>
        </OutputClaimsTransformations></TechnicalProfile>"""
    without_json = registry(**LOCAL_ACCOUNTS_NEEDS)
    without_json.TRANSFORMATION_METHODS -= {"GetClaimFromJson"}
    files = chain()
    new = parse_policy(policy("B2C_1A_MineRP", saml_relying_party(
        exchange("Mine-Page"), blocks, profile)), tenant=TENANT)
    problems = validate_upload(new, files, KEYS, support=without_json)
    assert [(p.message, p.where) for p in problems] == [
        ("ClaimsTransformation 'Mine-Json' uses the TransformationMethod 'GetClaimFromJson', "
         "which is not supported by this emulator yet.",
         "ClaimsTransformation 'Mine-Json' in B2C_1A_MineRP (line 5)"),
        ("The element <DisplayControl> is not supported by this emulator yet.",
         "DisplayControl 'emailVerificationControl' in B2C_1A_MineRP (line 9)")]


SIGN_UP_OR_SIGN_IN = """<RelyingParty><DefaultUserJourney ReferenceId="SignUpOrSignIn" />
  <TechnicalProfile Id="PolicyProfile"><Protocol Name="OpenIdConnect" />
    <OutputClaims><OutputClaim ClaimTypeReferenceId="objectId" PartnerClaimType="sub"/>
    </OutputClaims><SubjectNamingInfo ClaimType="sub" /></TechnicalProfile></RelyingParty>"""


@pytest.mark.parametrize("blocks,message,where", [
    ('<ContentDefinitions><ContentDefinition Id="api.signuporsignin">'
     "<LoadUri>https://contoso.example/unified.html</LoadUri></ContentDefinition>"
     "</ContentDefinitions>",
     "<LoadUri>https://contoso.example/unified.html</LoadUri> is not supported by this "
     "emulator yet.", "ContentDefinition 'api.signuporsignin' in B2C_1A_MineRP (line 4)"),
    ('<Localization><LocalizedResources Id="api.signuporsignin.en"><LocalizedCollections>'
     '<LocalizedCollection ElementType="ClaimType" ElementId="email" TargetCollection='
     '"Restriction"><Item Text="a" Value="a"/></LocalizedCollection></LocalizedCollections>'
     "</LocalizedResources></Localization>",
     "The element <LocalizedCollections> is not supported by this emulator yet.",
     "LocalizedResources 'api.signuporsignin.en' in B2C_1A_MineRP (line 4)"),
])
def test_what_a_page_would_silently_drop_is_named(blocks, message, where):
    problems = mine(f"<BuildingBlocks>{blocks}</BuildingBlocks>" + SIGN_UP_OR_SIGN_IN,
                    "B2C_1A_MineRP")
    assert [(p.message, p.where) for p in problems][:1] == [(message, where)]


def enabled(value: str, metadata: str = "") -> list:
    profile = provider('<TechnicalProfile Id="AAD-UserReadUsingObjectId">'
                       f"<Metadata>{metadata}</Metadata>"
                       f"<EnabledForUserJourneys>{value}</EnabledForUserJourneys>"
                       "</TechnicalProfile>")
    return mine(profile + SIGN_UP_OR_SIGN_IN, "B2C_1A_MineRP")


def test_enabled_for_user_journeys_takes_the_values_that_run():
    condition = '<Item Key="ClaimTypeOnWhichToEnable">objectId</Item>'
    assert enabled("Never") == [] and enabled("OnClaimsExistence", condition) == []
    [problem] = enabled("OnClaimsExistence")
    assert (problem.kind, problem.message) == (
        "invalid", "TechnicalProfile 'AAD-UserReadUsingObjectId' is EnabledForUserJourneys "
                   "OnClaimsExistence but has no metadata item ClaimTypeOnWhichToEnable naming "
                   "the claim it depends on.")
    [problem] = enabled("Sometimes")
    assert problem.message == ("<EnabledForUserJourneys>Sometimes</EnabledForUserJourneys> is "
                               "not supported by this emulator yet.")
    assert problem.where == ("TechnicalProfile 'AAD-UserReadUsingObjectId' in B2C_1A_MineRP "
                             "(line 4)")


def test_the_facebook_profile_of_the_social_pack_is_named_precisely():
    problems, _ = upload_in_order(prepared(name, "SocialAndLocalAccounts") for name in ORDER)
    assert problems["B2C_1A_TrustFrameworkBase"] == []          # a base alone runs nothing
    found = [(p.message, p.where) for p in problems["B2C_1A_signup_signin"]]
    assert ("TechnicalProfile 'Facebook-OAUTH' uses the protocol 'OAuth2', which is not "
            "supported by this emulator yet.",
            "TechnicalProfile 'Facebook-OAUTH' in B2C_1A_TrustFrameworkBase (line 512)") in found
    assert problems["B2C_1A_PasswordReset"] == []               # no Facebook on that journey


def test_a_relying_party_claim_no_step_produces_is_named():
    blocks = """<BuildingBlocks><ClaimsSchema><ClaimType Id="loyaltyNumber">
      <DisplayName>Loyalty number</DisplayName><DataType>string</DataType></ClaimType>
      </ClaimsSchema></BuildingBlocks>"""
    text = prepared("SignUpOrSignin").replace("B2C_1A_signup_signin", "B2C_1A_Loyalty").replace(
        '<OutputClaim ClaimTypeReferenceId="email" />',
        '<OutputClaim ClaimTypeReferenceId="email" />'
        '<OutputClaim ClaimTypeReferenceId="loyaltyNumber" />')
    files = with_file(chain(), policy("B2C_1A_Mine", blocks))
    new = parse_policy(text.replace("<PolicyId>B2C_1A_TrustFrameworkExtensions</PolicyId>",
                                    "<PolicyId>B2C_1A_Mine</PolicyId>"), tenant=TENANT)
    [problem] = validate_upload(new, files, KEYS, support=LOCAL_ACCOUNTS)
    assert problem.kind == "unproduced_claim"
    assert problem.message.startswith(
        "The relying party's OutputClaim 'loyaltyNumber' is not produced by any step of "
        "UserJourney 'SignUpOrSignIn': no technical profile or claims transformation it runs "
        "outputs it, and it has no DefaultValue.")
    defaulted = parse_policy(new.text.replace('"loyaltyNumber" />',
                                              '"loyaltyNumber" DefaultValue="none" />'),
                             tenant=TENANT)
    assert validate_upload(defaulted, files, KEYS, support=LOCAL_ACCOUNTS) == []


def test_a_reachable_profile_without_a_protocol_is_named():
    problems = mine(saml_relying_party(exchange("Mine-Bare"), extra_profiles="""
      <TechnicalProfile Id="Mine-Bare"><DisplayName>Nothing</DisplayName>
        <OutputClaims><OutputClaim ClaimTypeReferenceId="objectId" /></OutputClaims>
      </TechnicalProfile>"""),
                    "B2C_1A_MineRP")
    assert [(p.kind, p.message) for p in problems] == [
        ("invalid", "TechnicalProfile 'Mine-Bare' has no Protocol (nor an "
                    "IncludeTechnicalProfile that gives one).")]


@pytest.mark.parametrize("change,kind,message", [
    (('<DefaultUserJourney ReferenceId="SignUpOrSignIn" />', ""), "invalid",
     'The RelyingParty has no DefaultUserJourney: add <DefaultUserJourney ReferenceId="..." /> '
     "naming the user journey apps run."),
    (('<Protocol Name="OpenIdConnect" />', '<Protocol Name="SAML2" />'), "unsupported",
     "The relying party's protocol 'SAML2' is not supported by this emulator yet: use "
     '<Protocol Name="OpenIdConnect" />.'),
    (('<TechnicalProfile Id="PolicyProfile">', '<!--'), "invalid",
     'The RelyingParty has no TechnicalProfile: add one with <Protocol Name="OpenIdConnect" /> '
     "and the OutputClaims the token carries."),
])
def test_the_relying_party_needs_its_journey_and_an_openid_connect_profile(change, kind,
                                                                           message):
    text = prepared("SignUpOrSignin").replace(*change)
    if change[1] == "<!--":
        text = text.replace("</TechnicalProfile>", "-->")
    relying_party = parse_policy(text, tenant=TENANT)
    problems = validate_upload(relying_party, chain(names=ORDER[:3]), KEYS,
                               support=LOCAL_ACCOUNTS)
    assert [(p.kind, p.message) for p in problems] == [(kind, message)]
    assert problems[0].where.startswith("RelyingParty of B2C_1A_signup_signin")


def test_an_input_claim_no_earlier_step_outputs_is_named_in_b2cs_words():
    body = saml_relying_party(exchange("AAD-UserReadUsingObjectId")).replace(
        'ClaimTypeReferenceId="objectId" PartnerClaimType="sub"',
        'ClaimTypeReferenceId="displayName" PartnerClaimType="name"')
    problems = mine(body, "B2C_1A_MineRP")
    assert [(p.kind, p.message, p.where) for p in problems] == [(
        "unproduced_claim",
        'Claim type "objectId" is the input claim of technical profile '
        '"AAD-UserReadUsingObjectId" in step "1" of user journey "Mine" but it is not an output '
        "claim in any of the previous steps. Output it in an earlier step, or give the "
        "InputClaim a DefaultValue.",
        "TechnicalProfile 'AAD-UserReadUsingObjectId' in B2C_1A_TrustFrameworkBase (line 607), "
        "InputClaim 'objectId'")]
    signed_in_first = body.replace(
        '<OrchestrationStep Order="2" Type="SendClaims"',
        '<OrchestrationStep Order="3" Type="SendClaims"').replace(
        exchange("AAD-UserReadUsingObjectId"),
        exchange("SelfAsserted-LocalAccountSignin-Email") + exchange(
            "AAD-UserReadUsingObjectId").replace('Order="1"', 'Order="2"').replace(
            'Id="Go"', 'Id="Read"'))
    assert mine(signed_in_first, "B2C_1A_MineRP") == []


def test_what_the_compiler_refuses_is_refused_at_upload():
    """No SendClaims step: nothing above catches it, the compiler does, and the upload names
    it rather than a sign-in failing later."""
    body = """<UserJourneys><UserJourney Id="Mine"><OrchestrationSteps>
        <OrchestrationStep Order="1" Type="ClaimsExchange"><ClaimsExchanges>
          <ClaimsExchange Id="SignIn"
                          TechnicalProfileReferenceId="SelfAsserted-LocalAccountSignin-Email"/>
        </ClaimsExchanges></OrchestrationStep></OrchestrationSteps></UserJourney></UserJourneys>
      <RelyingParty><DefaultUserJourney ReferenceId="Mine" />
        <TechnicalProfile Id="PolicyProfile"><Protocol Name="OpenIdConnect" />
          <OutputClaims><OutputClaim ClaimTypeReferenceId="objectId" PartnerClaimType="sub"/>
          </OutputClaims><SubjectNamingInfo ClaimType="sub" /></TechnicalProfile>
      </RelyingParty>"""
    problems = mine(body, "B2C_1A_MineRP")
    assert [(p.kind, p.message, p.where) for p in problems] == [
        ("invalid", "The user journey must end with a SendClaims step (the token issuer).",
         "UserJourney 'Mine'")]


def test_an_include_cycle_is_reported_not_raised():
    problems = mine(provider('<TechnicalProfile Id="A"><IncludeTechnicalProfile ReferenceId="A"/>'
                             '</TechnicalProfile>'))
    assert [(p.kind, p.message) for p in problems] == [
        ("invalid", "IncludeTechnicalProfile forms a cycle: A -> A.")]
