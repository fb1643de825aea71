"""Inheritance: the starter pack's chains merged, and each override/merge rule shown with a small
policy of our own on top of the LocalAccounts pack (Base -> Localization -> Extensions ->
B2C_1A_Mine -> B2C_1A_MineRP: any depth)."""
from __future__ import annotations

import pytest

from idp.engine.ief.merge import merge_chain, merged_xml, resolve_chain
from idp.engine.ief.model import PolicyError
from idp.engine.ief.parse import parse_policy

from .pack import NS, PACKS, PROXY_APP_ID, TENANT, chain, policy, with_file

MINE = policy("B2C_1A_Mine", """
  <BuildingBlocks>
    <ClaimsSchema>
      <ClaimType Id="displayName">
        <DisplayName>Name shown to others</DisplayName>
        <UserHelpText>How you appear in the app</UserHelpText>
      </ClaimType>
      <ClaimType Id="loyaltyNumber">
        <DisplayName>Loyalty number</DisplayName>
        <DataType>string</DataType>
        <UserInputType>TextBox</UserInputType>
        <Restriction><Pattern RegularExpression="^[0-9]{8}$" HelpText="Eight digits" /></Restriction>
      </ClaimType>
    </ClaimsSchema>
    <ClaimsTransformations>
      <ClaimsTransformation Id="CreateOtherMailsFromEmail" TransformationMethod="AddItemToStringCollection">
        <InputClaims>
          <InputClaim ClaimTypeReferenceId="signInName" TransformationClaimType="item" />
        </InputClaims>
      </ClaimsTransformation>
    </ClaimsTransformations>
    <ContentDefinitions>
      <ContentDefinition Id="api.signuporsignin">
        <LoadUri>https://contoso.example/signin.html</LoadUri>
        <Metadata><Item Key="TemplateId">azureBlue</Item></Metadata>
      </ContentDefinition>
    </ContentDefinitions>
    <Localization Enabled="true">
      <SupportedLanguages DefaultLanguage="en" MergeBehavior="Append">
        <SupportedLanguage>fr</SupportedLanguage>
      </SupportedLanguages>
      <LocalizedResources Id="api.signuporsignin.en">
        <LocalizedStrings>
          <LocalizedString ElementType="UxElement" StringId="heading">Welcome back</LocalizedString>
        </LocalizedStrings>
      </LocalizedResources>
    </Localization>
  </BuildingBlocks>
  <ClaimsProviders>
    <ClaimsProvider>
      <DisplayName>Local Account</DisplayName>
      <TechnicalProfiles>
        <TechnicalProfile Id="LocalAccountSignUpWithLogonEmail">
          <DisplayName>Sign up with your loyalty number</DisplayName>
          <Metadata>
            <Item Key="EnforceEmailVerification">false</Item>
            <Item Key="setting.showCancelButton">false</Item>
          </Metadata>
          <OutputClaims>
            <OutputClaim ClaimTypeReferenceId="displayName" Required="true" />
            <OutputClaim ClaimTypeReferenceId="loyaltyNumber" />
          </OutputClaims>
          <ValidationTechnicalProfiles>
            <ValidationTechnicalProfile ReferenceId="Mine-CheckLoyalty" ContinueOnError="true" />
          </ValidationTechnicalProfiles>
        </TechnicalProfile>
        <TechnicalProfile Id="Mine-CheckLoyalty">
          <DisplayName>Check the loyalty number</DisplayName>
          <Protocol Name="Proprietary" Handler="Web.TPEngine.Providers.ClaimsTransformationProtocolProvider, Web.TPEngine, Version=1.0.0.0, Culture=neutral, PublicKeyToken=null" />
          <OutputClaims><OutputClaim ClaimTypeReferenceId="loyaltyNumber" /></OutputClaims>
        </TechnicalProfile>
      </TechnicalProfiles>
    </ClaimsProvider>
  </ClaimsProviders>
  <UserJourneys>
    <UserJourney Id="SignUpOrSignIn">
      <OrchestrationSteps>
        <OrchestrationStep Order="4" Type="ClaimsExchange">
          <ClaimsExchanges>
            <ClaimsExchange Id="CheckLoyalty" TechnicalProfileReferenceId="Mine-CheckLoyalty" />
          </ClaimsExchanges>
        </OrchestrationStep>
        <OrchestrationStep Order="5" Type="SendClaims" CpimIssuerTechnicalProfileReferenceId="JwtIssuer" />
      </OrchestrationSteps>
    </UserJourney>
  </UserJourneys>""")

MINE_RP = policy("B2C_1A_MineRP", """
  <RelyingParty>
    <DefaultUserJourney ReferenceId="SignUpOrSignIn" />
    <TechnicalProfile Id="PolicyProfile">
      <DisplayName>PolicyProfile</DisplayName>
      <Protocol Name="OpenIdConnect" />
      <OutputClaims>
        <OutputClaim ClaimTypeReferenceId="objectId" PartnerClaimType="sub" />
        <OutputClaim ClaimTypeReferenceId="loyaltyNumber" PartnerClaimType="loyalty" />
      </OutputClaims>
      <SubjectNamingInfo ClaimType="sub" />
    </TechnicalProfile>
  </RelyingParty>""", base="B2C_1A_Mine")


@pytest.fixture(scope="module")
def local():
    return chain()


@pytest.fixture(scope="module")
def mine(local):
    files = with_file(with_file(local, MINE), MINE_RP)
    return merge_chain(files, "B2C_1A_MineRP")


@pytest.mark.parametrize("policy_id,journey", [("B2C_1A_signup_signin", "SignUpOrSignIn"),
                                               ("B2C_1A_PasswordReset", "PasswordReset"),
                                               ("B2C_1A_ProfileEdit", "ProfileEdit")])
def test_the_local_accounts_relying_parties_merge_over_their_chain(local, policy_id, journey):
    merged = merge_chain(local, policy_id)
    assert merged.chain == ("B2C_1A_TrustFrameworkBase", "B2C_1A_TrustFrameworkLocalization",
                            "B2C_1A_TrustFrameworkExtensions", policy_id)
    assert merged.policy_id == policy_id and merged.tenant_id == TENANT
    assert merged.relying_party.default_user_journey == journey
    assert merged.relying_party.technical_profile.protocol_name == "OpenIdConnect"
    assert merged.relying_party.technical_profile.subject_naming_info == "sub"
    assert {"JwtIssuer", "login-NonInteractive", "AAD-Common"} <= set(merged.technical_profiles)
    assert merged.localization.localized_resources["api.signuporsignin.en"].strings


def test_extensions_metadata_merges_by_key_and_input_claims_append(local):
    profile = merge_chain(local, "B2C_1A_signup_signin").technical_profiles[
        "login-NonInteractive"]
    assert profile.metadata["client_id"] == PROXY_APP_ID                # from Extensions
    assert profile.metadata["ProviderName"] == "https://sts.windows.net/"  # from Base
    assert [c.claim_type_reference_id for c in profile.input_claims] == [
        "signInName", "password", "grant_type", "scope", "nca", "client_id", "resource_id"]
    assert profile.input_claims[-1].partner_claim_type == "resource"
    assert profile.claims_provider == "Local Account SignIn"


def test_localization_files_prepend_their_references_to_the_base_content_definitions(local):
    merged = merge_chain(local, "B2C_1A_signup_signin")
    definition = merged.content_definitions["api.signuporsignin"]
    assert definition.localized_resources_references == (("en", "api.signuporsignin.en"),)
    assert definition.data_uri.startswith("urn:com:microsoft:aad:b2c:elements:contract:unified")


def test_a_child_claim_type_replaces_the_elements_it_names_and_keeps_the_rest(mine):
    name = mine.claim_types["displayName"]
    assert name.display_name == "Name shown to others"
    assert name.user_help_text == "How you appear in the app"
    assert name.data_type == "string"                                     # kept from Base
    assert name.default_partner_claim_types["OpenIdConnect"] == "name"     # kept from Base
    loyalty = mine.claim_types["loyaltyNumber"]
    assert loyalty.restriction.pattern == "^[0-9]{8}$"
    assert loyalty.restriction.pattern_help_text == "Eight digits"


def test_a_child_technical_profile_merges_into_the_bases(mine, local):
    before = merge_chain(local, "B2C_1A_signup_signin").technical_profiles[
        "LocalAccountSignUpWithLogonEmail"]
    after = mine.technical_profiles["LocalAccountSignUpWithLogonEmail"]
    assert after.display_name == "Sign up with your loyalty number"       # replaced
    assert after.protocol_handler == before.protocol_handler               # kept
    assert after.metadata["EnforceEmailVerification"] == "false"           # added
    assert after.metadata["setting.showCancelButton"] == "false"           # added
    assert after.metadata["ContentDefinitionReferenceId"] == \
        before.metadata["ContentDefinitionReferenceId"]                    # kept
    assert after.cryptographic_keys == before.cryptographic_keys
    names = [c.claim_type_reference_id for c in after.output_claims]
    assert names == [c.claim_type_reference_id for c in before.output_claims] + ["loyaltyNumber"]
    assert names.count("displayName") == 1                                 # no duplicate...
    display = next(c for c in after.output_claims if c.claim_type_reference_id == "displayName")
    assert display.required                                                # ...the child's one
    assert [v.reference_id for v in after.validation_technical_profiles] == [
        v.reference_id for v in before.validation_technical_profiles] + ["Mine-CheckLoyalty"]
    assert after.validation_technical_profiles[-1].continue_on_error


def test_a_child_claims_transformation_merges_by_the_methods_parameter_names(mine):
    transformation = mine.transformations["CreateOtherMailsFromEmail"]
    assert transformation.method == "AddItemToStringCollection"
    assert [(c.transformation_claim_type, c.claim_type_reference_id)
            for c in transformation.input_claims] == [("item", "signInName"),       # replaced
                                                      ("collection", "otherMails")]  # kept
    assert [c.claim_type_reference_id for c in transformation.output_claims] == ["otherMails"]


def test_a_new_profile_joins_the_claims_provider_with_its_display_name(mine):
    assert mine.technical_profiles["Mine-CheckLoyalty"].claims_provider == "Local Account"
    providers = mine.root.findall(f"{{{NS}}}ClaimsProviders/{{{NS}}}ClaimsProvider")
    names = [p.findtext(f"{{{NS}}}DisplayName") for p in providers]
    assert names.count("Local Account") == 1


def test_orchestration_steps_merge_by_order(mine, local):
    base_steps = merge_chain(local, "B2C_1A_signup_signin").user_journeys[
        "SignUpOrSignIn"].steps
    steps = mine.user_journeys["SignUpOrSignIn"].steps
    assert [s.order for s in steps] == [1, 2, 3, 4, 5]
    assert steps[:3] == base_steps[:3]                                     # untouched
    assert steps[3].type == "ClaimsExchange"                               # 4 replaced
    assert steps[3].claims_exchanges[0].technical_profile_reference_id == "Mine-CheckLoyalty"
    assert steps[4].type == "SendClaims"                                   # 5 added
    assert steps[1].preconditions[0].type == "ClaimsExist"
    assert steps[1].preconditions[0].values == ("objectId",)
    assert steps[1].preconditions[0].action == "SkipThisOrchestrationStep"


def test_content_definitions_and_localization_merge_by_id(mine):
    definition = mine.content_definitions["api.signuporsignin"]
    assert definition.load_uri == "https://contoso.example/signin.html"   # replaced
    assert definition.recovery_uri == "~/common/default_page_error.html"  # kept
    assert definition.metadata == {"DisplayName": "Signin and Signup", "TemplateId": "azureBlue"}
    assert definition.localized_resources_references == (("en", "api.signuporsignin.en"),)
    assert mine.localization.supported_languages == ("en", "fr")          # MergeBehavior=Append
    strings = {(s.element_type, s.element_id, s.string_id): s.text
               for s in mine.localization.localized_resources["api.signuporsignin.en"].strings}
    assert strings[("UxElement", None, "heading")] == "Welcome back"      # overridden
    assert strings[("UxElement", None, "button_signin")] == "Sign in"     # kept
    assert len([k for k in strings if k[2] == "heading"]) == 1


def test_the_relying_party_of_a_deeper_chain(mine):
    assert mine.chain[-2:] == ("B2C_1A_Mine", "B2C_1A_MineRP")
    claims = mine.relying_party.technical_profile.output_claims
    assert [(c.claim_type_reference_id, c.partner_claim_type) for c in claims] == [
        ("objectId", "sub"), ("loyaltyNumber", "loyalty")]


def test_include_technical_profile_is_resolved_through_two_levels(local):
    merged = merge_chain(local, "B2C_1A_signup_signin")
    profile = merged.technical_profiles["AAD-UserReadUsingObjectId-CheckRefreshTokenDate"]
    # AAD-Common (handler, key, session) <- AAD-UserReadUsingObjectId (claims) <- this one
    assert profile.protocol_handler.startswith(
        "Web.TPEngine.Providers.AzureActiveDirectoryProvider")
    assert profile.cryptographic_keys == {"issuer_secret": "B2C_1A_TokenSigningKeyContainer"}
    assert profile.use_technical_profile_for_session_management == "SM-Noop"
    assert profile.metadata["Operation"] == "Read"
    names = [c.claim_type_reference_id for c in profile.output_claims]
    assert names[-1] == "refreshTokensValidFromDateTime" and names.count("displayName") == 1
    assert profile.output_claims_transformations == (
        "AssertRefreshTokenIssuedLaterThanValidFromDate",)
    assert profile.include_in_sso is False


def test_references_take_the_spelling_of_the_id_they_name(local):
    """B2C matches Ids without regard to case: the Base outputs 'surName' for ClaimType
    'surname'."""
    merged = merge_chain(local, "B2C_1A_signup_signin")
    outputs = [c.claim_type_reference_id
               for c in merged.technical_profiles["login-NonInteractive"].output_claims]
    assert "surname" in outputs and "surName" not in outputs


def test_a_child_matches_the_bases_ids_without_regard_to_case(local):
    child = policy("B2C_1A_Case", """<BuildingBlocks><ClaimsSchema>
      <ClaimType Id="DisplayName"><DisplayName>Shown name</DisplayName></ClaimType>
      </ClaimsSchema></BuildingBlocks>""" + """<ClaimsProviders><ClaimsProvider>
      <DisplayName>Local Account</DisplayName><TechnicalProfiles>
      <TechnicalProfile Id="LOGIN-NonInteractive"><Metadata>
        <Item Key="response_types">code</Item></Metadata></TechnicalProfile>
      </TechnicalProfiles></ClaimsProvider></ClaimsProviders>""")
    merged = merge_chain(with_file(local, child), "B2C_1A_Case")
    assert [i for i in merged.claim_types if i.lower() == "displayname"] == ["displayName"]
    assert merged.claim_types["displayName"].display_name == "Shown name"
    assert [i for i in merged.technical_profiles if i.lower() == "login-noninteractive"] == [
        "login-NonInteractive"]        # the base's spelling stays
    profile = merged.technical_profiles["login-NonInteractive"]
    assert profile.metadata["response_types"] == "code"
    assert profile.metadata["ProviderName"] == "https://sts.windows.net/"


def test_include_cycles_and_missing_includes_are_named(local):
    def profiles(body):
        return policy("B2C_1A_Inc", f"""<ClaimsProviders><ClaimsProvider>
          <DisplayName>Inc</DisplayName><TechnicalProfiles>{body}</TechnicalProfiles>
          </ClaimsProvider></ClaimsProviders>""")
    cycle = profiles('<TechnicalProfile Id="A"><IncludeTechnicalProfile ReferenceId="B"/>'
                     '</TechnicalProfile><TechnicalProfile Id="B">'
                     '<IncludeTechnicalProfile ReferenceId="A"/></TechnicalProfile>')
    with pytest.raises(PolicyError) as caught:
        merge_chain(with_file(local, cycle), "B2C_1A_Inc")
    assert caught.value.message == "IncludeTechnicalProfile forms a cycle: A -> B -> A."
    assert caught.value.where == "TechnicalProfile 'B' in B2C_1A_Inc (line 5)"  # closes it
    missing = profiles('<TechnicalProfile Id="A"><IncludeTechnicalProfile ReferenceId="Nope"/>'
                       '</TechnicalProfile>')
    with pytest.raises(PolicyError) as caught:
        merge_chain(with_file(local, missing), "B2C_1A_Inc")
    assert caught.value.message == ("TechnicalProfile 'A' includes TechnicalProfile 'Nope', "
                                    "which neither the policy nor any of its base policies "
                                    "defines.")


def test_a_missing_base_and_a_cycle_of_bases_are_named(local):
    orphan = {k: v for k, v in local.items() if k != "B2C_1A_TrustFrameworkLocalization"}
    with pytest.raises(PolicyError) as caught:
        merge_chain(orphan, "B2C_1A_signup_signin")
    assert caught.value.message.startswith(
        "Policy 'B2C_1A_TrustFrameworkExtensions' inherits from base policy "
        "'B2C_1A_TrustFrameworkLocalization', which has not been uploaded.")
    a = parse_policy(policy("B2C_1A_A", "", base="B2C_1A_B"))
    b = parse_policy(policy("B2C_1A_B", "", base="B2C_1A_A"))
    with pytest.raises(PolicyError) as caught:
        resolve_chain({"B2C_1A_A": a, "B2C_1A_B": b}, "B2C_1A_A")
    assert caught.value.message.startswith(
        "The base policies form a cycle: B2C_1A_A -> B2C_1A_B -> B2C_1A_A.")


def test_policy_ids_are_looked_up_without_regard_to_case(local):
    shouted = {k.upper(): v for k, v in local.items()}
    assert merge_chain(shouted, "b2c_1a_SIGNUP_SIGNIN").policy_id == "B2C_1A_signup_signin"


def test_merging_leaves_the_uploaded_files_untouched(local):
    before = {k: sum(1 for _ in v.root.iter()) for k, v in local.items()}
    merge_chain(with_file(local, MINE), "B2C_1A_Mine")
    merge_chain(local, "B2C_1A_signup_signin")
    assert {k: sum(1 for _ in v.root.iter()) for k, v in local.items()} == before


def test_the_merged_policy_as_xml_is_one_policy_file_that_parses_again(local):
    files = with_file(with_file(local, MINE), MINE_RP)
    text = merged_xml(files, "B2C_1A_MineRP")
    assert text.startswith('<?xml version="1.0" encoding="utf-8"?>\n<TrustFrameworkPolicy')
    assert ("<!-- merged from B2C_1A_TrustFrameworkBase -> B2C_1A_TrustFrameworkLocalization -> "
            "B2C_1A_TrustFrameworkExtensions -> B2C_1A_Mine -> B2C_1A_MineRP -->") in text
    assert "<BasePolicy>" not in text
    assert ("<!-- from B2C_1A_TrustFrameworkExtensions, line 27 -->\n"
            f'            <Item Key="client_id">{PROXY_APP_ID}</Item>') in text
    assert "<!-- from B2C_1A_MineRP, line 5 -->\n  <RelyingParty>" in text
    assert "<!-- from B2C_1A_Mine, line 60 -->\n        <TechnicalProfile Id=\"Mine-Check" in text
    again = parse_policy(text, tenant=TENANT)
    assert again.policy_id == "B2C_1A_MineRP" and again.base_policy_id is None
    alone = merge_chain({again.policy_id: again}, again.policy_id)
    assert set(alone.technical_profiles) == set(merge_chain(files, "B2C_1A_MineRP")
                                                .technical_profiles)


@pytest.mark.parametrize("pack", PACKS[1:])
def test_the_social_packs_merge_too(pack):
    files = chain(pack)
    merged = merge_chain(files, "B2C_1A_signup_signin")
    facebook = merged.technical_profiles["Facebook-OAUTH"]
    assert facebook.protocol_name == "OAuth2"
    assert facebook.claims_provider_domain == "facebook.com"
    assert facebook.metadata["client_id"] == "facebook_clientid"        # from Extensions
    assert facebook.metadata["authorization_endpoint"].startswith(
        "https://www.facebook.com/")                                       # from Base
    assert merged.user_journeys["SignUpOrSignIn"].steps[0].type in (
        "CombinedSignInAndSignUp", "ClaimsProviderSelection")
