"""Parsing one policy file: the starter pack as published, and everything B2C refuses before it
looks at references (not XML, wrong root, missing ids, another tenant, unknown elements), plus
the XML attacks (external entities, billion laughs, oversized files)."""
from __future__ import annotations

import time

import pytest

from idp.engine.ief.model import PolicyError
from idp.engine.ief.parse import MAX_BYTES, parse_policy

from .pack import NS, PACKS, ORDER, TENANT, policy, prepared, raw, require


def refused(data, tenant=None) -> PolicyError:
    with pytest.raises(PolicyError) as caught:
        parse_policy(data, tenant=tenant)
    return caught.value


@pytest.mark.parametrize("pack", PACKS)
def test_every_starter_pack_file_parses_as_published(pack):
    folder = require(pack)
    for path in sorted(folder.glob("*.xml")):
        parsed = parse_policy(path.read_bytes(), tenant="yourtenant.onmicrosoft.com")
        assert parsed.policy_id.startswith("B2C_1A_")
        assert parsed.tenant_id == "yourtenant.onmicrosoft.com"


def test_a_file_reads_into_its_header_and_keeps_its_text_and_lines():
    data = raw("SignUpOrSignin")
    assert data.startswith(b"\xef\xbb\xbf")          # the published files carry a BOM
    parsed = parse_policy(data)
    assert (parsed.policy_id, parsed.base_policy_id) == ("B2C_1A_signup_signin",
                                                          "B2C_1A_TrustFrameworkExtensions")
    assert parsed.base_tenant_id == "yourtenant.onmicrosoft.com"
    assert parsed.public_policy_uri == "http://yourtenant.onmicrosoft.com/B2C_1A_signup_signin"
    assert parsed.has_relying_party
    assert parsed.text.lstrip("\ufeff").startswith("<?xml")
    journey = parsed.root.find(f"{{{NS}}}RelyingParty/{{{NS}}}DefaultUserJourney")
    assert parsed.line_of(journey) == 17
    base = parse_policy(raw("TrustFrameworkBase"))
    assert base.base_policy_id is None and not base.has_relying_party


def test_text_and_bytes_give_the_same_policy():
    text = prepared("TrustFrameworkExtensions")
    assert parse_policy(text, tenant=TENANT).policy_id == \
        parse_policy(text.encode("utf-8"), tenant=TENANT).policy_id == \
        "B2C_1A_TrustFrameworkExtensions"


def test_a_file_in_another_declared_encoding_keeps_its_text():
    text = policy("B2C_1A_Mine", '<Contacts><Contact Id="c"><DisplayName>Zoë</DisplayName>'
                                 "</Contact></Contacts>", base=None)
    latin = parse_policy(text.replace('encoding="utf-8"', 'encoding="ISO-8859-1"')
                         .encode("latin-1"))
    assert "Zoë" in latin.text
    assert "Zoë" in parse_policy(text.replace('encoding="utf-8"', 'encoding="utf-16"')
                                 .encode("utf-16")).text
    assert refused(text.encode("latin-1")).message == (
        "The file is not UTF-8 text. Save the policy as UTF-8 and upload it again.")


def test_another_tenants_file_is_refused_in_b2cs_words():
    error = refused(raw("SignUpOrSignin"), tenant=TENANT)
    assert error.message == (
        "TenantId in the policy xml 'yourtenant.onmicrosoft.com' is not same as the one in "
        "login tenant 'contoso.onmicrosoft.com'. Replace 'yourtenant.onmicrosoft.com' with "
        "'contoso.onmicrosoft.com' everywhere in the file.")
    assert error.where == "TrustFrameworkPolicy TenantId"


def test_the_base_policys_tenant_is_checked_too_and_case_does_not_matter():
    text = prepared("SignUpOrSignin").replace(f"<TenantId>{TENANT}</TenantId>",
                                              "<TenantId>fabrikam.onmicrosoft.com</TenantId>")
    error = refused(text, tenant=TENANT)
    assert "'fabrikam.onmicrosoft.com'" in error.message
    assert error.where == "BasePolicy TenantId"
    upper = prepared("SignUpOrSignin").replace(TENANT, "Contoso.OnMicrosoft.com")
    assert parse_policy(upper, tenant=TENANT).tenant_id == "Contoso.OnMicrosoft.com"
    assert parse_policy(prepared("SignUpOrSignin"),
                        tenant={"contoso.onmicrosoft.com", "a-tenant-guid"}).policy_id


def test_text_that_is_not_xml_is_named_with_its_line():
    error = refused(b"<TrustFrameworkPolicy>\n  <BasePolicy>\n</TrustFrameworkPolicy>")
    assert error.message.startswith("The file is not well-formed XML: mismatched tag at line 3")
    assert error.line == 3
    assert refused(b"PolicyId=B2C_1A_x").message.startswith("The file is not well-formed XML")
    assert "not UTF-8" in refused(b"<a>\xff\xfe\x00\xd8</a>" * 3 + b"\x80").message


def test_the_root_must_be_trustframeworkpolicy_in_its_namespace():
    assert refused(b"<Policy/>").message == (
        "The root element is <Policy>; a custom policy file has <TrustFrameworkPolicy> as its "
        "root element.")
    error = refused(b'<TrustFrameworkPolicy PolicyId="B2C_1A_x" TenantId="t"/>')
    assert error.message == ("The root element TrustFrameworkPolicy is in namespace '(none)'; "
                             f"policy files use xmlns=\"{NS}\".")


@pytest.mark.parametrize("attribute", ["PolicyId", "TenantId"])
def test_policy_id_and_tenant_id_are_required(attribute):
    text = policy("B2C_1A_Mine", "", base=None).replace(f' {attribute}="', ' Other="')
    assert refused(text).message == (f"The TrustFrameworkPolicy element has no {attribute} "
                                     "attribute; every policy file needs one.")


def test_a_policy_id_must_be_a_custom_policy_id():
    error = refused(policy("B2C_1_signupsignin", "", base=None))
    assert error.message.startswith("PolicyId 'B2C_1_signupsignin' is not a custom policy id: "
                                    "it must start with B2C_1A_")


def test_deployment_mode_and_the_journey_recorder_take_the_documented_values():
    debug = policy("B2C_1A_Mine", "", base=None).replace(
        'PolicyId="B2C_1A_Mine"', 'PolicyId="B2C_1A_Mine" DeploymentMode="Development" '
        'UserJourneyRecorderEndpoint="urn:journeyrecorder:applicationinsights"')
    parsed = parse_policy(debug)
    assert parsed.deployment_mode == "Development"
    assert parsed.user_journey_recorder_endpoint == "urn:journeyrecorder:applicationinsights"
    assert refused(debug.replace('"Development"', '"Debug"')).message == (
        "DeploymentMode 'Debug' is not one of Production, Development.")


def test_a_base_policy_must_name_its_policy():
    text = policy("B2C_1A_Mine", "", base="B2C_1A_TrustFrameworkBase").replace(
        "<PolicyId>B2C_1A_TrustFrameworkBase</PolicyId>", "")
    error = refused(text)
    assert error.message.startswith("BasePolicy has no PolicyId")
    assert error.where == "BasePolicy of B2C_1A_Mine"


def test_an_element_the_schema_does_not_know_is_named_with_its_line():
    text = prepared("TrustFrameworkExtensions").replace(
        "<InputClaims>", "<OutputClaimz />\n          <InputClaims>")
    error = refused(text, tenant=TENANT)
    assert "the element 'TechnicalProfile' has invalid child element 'OutputClaimz' at line 30 "\
           "(no element of the policy schema has this name); expected: " in error.message
    assert error.message.startswith("The policy does not match the TrustFrameworkPolicy schema: ")


def test_an_element_out_of_place_is_named_with_what_belongs_there():
    text = policy("B2C_1A_Mine", """<ClaimsProviders><ClaimsProvider>
      <DisplayName>Mine</DisplayName><TechnicalProfiles>
        <TechnicalProfile Id="Mine"><InputClaim ClaimTypeReferenceId="email"/></TechnicalProfile>
      </TechnicalProfiles></ClaimsProvider></ClaimsProviders>""")
    message = refused(text).message
    assert "the element 'TechnicalProfile' has invalid child element 'InputClaim' at line 6; " \
           "expected: AssuranceLevelOfOutputClaims, CryptographicKeys" in message
    assert "(no element" not in message   # InputClaim exists, just not there


def test_an_element_in_another_namespace_is_named():
    text = policy("B2C_1A_Mine", '<x:BuildingBlocks xmlns:x="urn:other"/>')
    assert "element 'BuildingBlocks' at line 4 is in namespace 'urn:other'; policy elements " \
           f"are in {NS}" in refused(text).message


def test_a_required_attribute_missing_is_named_with_its_line():
    text = prepared("SignUpOrSignin").replace('<Endpoint Id="Token" ', "<Endpoint ").replace(
        '<OutputClaim ClaimTypeReferenceId="email" />', "<OutputClaim />")
    assert refused(text, tenant=TENANT).message == (
        "The policy does not match the TrustFrameworkPolicy schema: the element 'Endpoint' at "
        "line 20 has no Id attribute, which it requires; the element 'OutputClaim' at line 29 "
        "has no ClaimTypeReferenceId attribute, which it requires.")
    steps = policy("B2C_1A_Mine", """<UserJourneys><UserJourney Id="J"><OrchestrationSteps>
      <OrchestrationStep Order="first" Type="SendClaims" /></OrchestrationSteps></UserJourney>
      </UserJourneys>""")
    assert "the OrchestrationStep at line 5 has Order 'first'; Order is a whole number" in \
        refused(steps).message


def test_an_id_defined_twice_in_one_file_is_named_with_both_lines():
    profile = '<TechnicalProfile Id="Twice"><DisplayName>x</DisplayName></TechnicalProfile>'
    text = policy("B2C_1A_Mine", f"""<ClaimsProviders>
      <ClaimsProvider><DisplayName>A</DisplayName><TechnicalProfiles>{profile}
      </TechnicalProfiles></ClaimsProvider>
      <ClaimsProvider><DisplayName>B</DisplayName><TechnicalProfiles>{profile}
      </TechnicalProfiles></ClaimsProvider></ClaimsProviders>""")
    error = refused(text)
    assert error.message.startswith("TechnicalProfile 'Twice' is defined twice in B2C_1A_Mine "
                                    "(lines 5 and 7)")
    claims = policy("B2C_1A_Mine", """<BuildingBlocks><ClaimsSchema>
      <ClaimType Id="a"><DataType>string</DataType></ClaimType>
      <ClaimType Id="A"><DataType>int</DataType></ClaimType></ClaimsSchema></BuildingBlocks>""")
    assert refused(claims).message == ("ClaimType with Id 'A' appears twice in B2C_1A_Mine "
                                       "(lines 5 and 6).")


def test_an_external_entity_is_refused_and_never_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    text = (f'<?xml version="1.0"?>\n<!DOCTYPE TrustFrameworkPolicy [<!ENTITY x SYSTEM '
            f'"file://{secret}">]>\n' + policy("B2C_1A_Mine", "<Contacts>&x;</Contacts>",
                                              base=None).split("\n", 1)[1])
    error = refused(text)
    assert error.message.startswith("The file declares a DOCTYPE (a DTD or entities). Policy "
                                    "files may not")
    assert "TOP-SECRET" not in str(error)


def test_billion_laughs_is_refused_before_any_expansion():
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10))
    text = f'<?xml version="1.0"?><!DOCTYPE lolz [{entities}]><lolz>&lol9;</lolz>'
    started = time.monotonic()
    assert "DOCTYPE" in refused(text).message
    assert time.monotonic() - started < 1


def test_an_oversized_file_is_refused_with_the_limit():
    padding = "<!-- " + "x" * MAX_BYTES + " -->"
    error = refused(policy("B2C_1A_Big", padding, base=None))
    assert error.message.startswith("The file is 1,024 KB; a policy file may be at most "
                                    "1,024 KB.")
    just_under = policy("B2C_1A_Big", "", base=None)
    just_under += " " * (MAX_BYTES - len(just_under.encode()))
    assert parse_policy(just_under).policy_id == "B2C_1A_Big"


def test_every_local_accounts_file_prepared_parses_for_this_tenant():
    for name in ORDER:
        assert parse_policy(prepared(name), tenant=TENANT).tenant_id == TENANT
