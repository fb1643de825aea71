"""Each claims transformation method as Microsoft's reference defines it: inputs, parameters,
outputs, and the errors (an assertion's refusal, a parameter the method cannot use)."""
from __future__ import annotations

import base64
import datetime as dt
import re

import pytest

from idp.engine.ief.model import ClaimsTransformation, InputParameter, TransformationClaim
from idp.engine.ief.transformations import (AssertionFailed, Env, TransformationError, apply,
                                            apply_all, check, format_string, parse_datetime)

NOW = dt.datetime(2026, 11, 22, 1, 32, 46, tzinfo=dt.timezone.utc).timestamp()
ENV = Env(NOW)


def ct(method, inputs=(), params=(), outputs=(), id="CT"):
    """A ClaimsTransformation: inputs/outputs as (claim, TransformationClaimType) pairs,
    params as (Id, Value) pairs."""
    return ClaimsTransformation(
        id, method, tuple(TransformationClaim(c, t) for c, t in inputs),
        tuple(InputParameter(i, "string", v) for i, v in params),
        tuple(TransformationClaim(c, t) for c, t in outputs))


def run(transformation, bag, env=ENV):
    return apply(transformation, bag, env).claims


def test_change_case_lower_and_upper():
    lower = ct("ChangeCase", [("email", "inputClaim1")], [("toCase", "LOWER")],
               [("email", "outputClaim")])
    assert run(lower, {"email": "SomeOne@Contoso.com"}) == {"email": "someone@contoso.com"}
    upper = ct("ChangeCase", [("email", "inputClaim1")], [("toCase", "UPPER")],
               [("shout", "outputClaim")])
    assert run(upper, {"email": "a@b.c"}) == {"shout": "A@B.C"}


def test_change_case_refuses_another_case_by_name():
    bad = ct("ChangeCase", [("email", "inputClaim1")], [("toCase", "TITLE")],
             [("email", "outputClaim")], id="ToTitle")
    with pytest.raises(TransformationError, match="'ToTitle': toCase must be LOWER or UPPER"):
        run(bad, {"email": "x"})


def test_create_string_claim_sets_the_parameter_value():
    created = ct("CreateStringClaim", params=[("value", "Contoso terms of service...")],
                 outputs=[("TOS", "createdClaim")])
    assert run(created, {}) == {"TOS": "Contoso terms of service..."}


def test_create_string_claim_without_value_parameter_is_named():
    with pytest.raises(TransformationError, match="needs the input parameter 'value'"):
        run(ct("CreateStringClaim", outputs=[("TOS", "createdClaim")]), {})


@pytest.mark.parametrize("operator, ignore_case, a, b, expected", [
    ("NOT EQUAL", "true", "someone@contoso.com", "someone@outlook.com", True),
    ("EQUAL", "true", "Someone@Contoso.com", "someone@contoso.com", True),
    ("EQUAL", "false", "Someone@Contoso.com", "someone@contoso.com", False),
    ("not equal", "false", "x", "x", False),
])
def test_compare_claims(operator, ignore_case, a, b, expected):
    compare = ct("CompareClaims", [("email", "inputClaim1"), ("verified", "inputClaim2")],
                 [("operator", operator), ("ignoreCase", ignore_case)],
                 [("same", "outputClaim")])
    assert run(compare, {"email": a, "verified": b}) == {"same": expected}


def test_compare_claims_refuses_an_unknown_operator():
    compare = ct("CompareClaims", [("a", "inputClaim1"), ("b", "inputClaim2")],
                 [("operator", "GREATER")], [("r", "outputClaim")])
    with pytest.raises(TransformationError, match="operator must be EQUAL or NOT EQUAL"):
        run(compare, {"a": "1", "b": "2"})


def test_compare_claim_to_value():
    compare = ct("CompareClaimToValue", [("tou", "inputClaim1")],
                 [("compareTo", "V1"), ("operator", "EQUAL"), ("ignoreCase", "true")],
                 [("current", "outputClaim")])
    assert run(compare, {"tou": "v1"}) == {"current": True}
    assert run(compare, {"tou": "v2"}) == {"current": False}


def test_create_random_string_guid():
    guid = ct("CreateRandomString", params=[("randomGeneratorType", "GUID")],
              outputs=[("upnUserName", "outputClaim")])
    value = run(guid, {})["upnUserName"]
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}", value)
    assert run(guid, {})["upnUserName"] != value


def test_create_random_string_integer_with_format_maximum_and_seed():
    otp = ct("CreateRandomString", params=[("randomGeneratorType", "INTEGER"),
                                          ("maximumNumber", "1000"), ("stringFormat", "OTP_{0}"),
                                          ("base64", "false"), ("seed", "42")],
             outputs=[("randomNumber", "outputClaim")])
    first = run(otp, {})["randomNumber"]
    assert re.fullmatch(r"OTP_\d{1,3}", first) and int(first[4:]) < 1000
    assert run(otp, {})["randomNumber"] == first  # the same seed, the same number


def test_create_random_string_base64_encodes_the_formatted_value():
    encoded = ct("CreateRandomString", params=[("randomGeneratorType", "INTEGER"),
                                              ("maximumNumber", "1"), ("stringFormat", "n{0}"),
                                              ("base64", "true")],
                 outputs=[("r", "outputClaim")])
    assert base64.b64decode(run(encoded, {})["r"]) == b"n0"


def test_create_random_string_refuses_another_generator():
    with pytest.raises(TransformationError, match="randomGeneratorType must be GUID or INTEGER"):
        run(ct("CreateRandomString", params=[("randomGeneratorType", "UUID")],
               outputs=[("r", "outputClaim")]), {})


def test_format_string_claim_with_a_claim_resolver():
    upn = ct("FormatStringClaim", [("upnUserName", "inputClaim")],
             [("stringFormat", "cpim_{0}@{RelyingPartyTenantId}")],
             [("userPrincipalName", "outputClaim")])
    env = Env(NOW, lambda s: s.replace("{RelyingPartyTenantId}", "contoso.onmicrosoft.com"))
    assert run(upn, {"upnUserName": "5164db16"}, env) == {
        "userPrincipalName": "cpim_5164db16@contoso.onmicrosoft.com"}


def test_format_string_claim_names_a_missing_argument():
    two = ct("FormatStringClaim", [("given", "inputClaim")], [("stringFormat", "{0} {1}")],
             [("name", "outputClaim")], id="Greeting")
    with pytest.raises(TransformationError, match=r"'Greeting'.*uses \{1\}"):
        run(two, {"given": "Joe"})


def test_format_string_multiple_claims_and_escaped_braces():
    name = ct("FormatStringMultipleClaims", [("givenName", "inputClaim1"),
                                             ("surname", "inputClaim2")],
              [("stringFormat", "{{{0} {1}}}")], [("displayName", "outputClaim")])
    assert run(name, {"givenName": "Joe", "surname": "Fernando"}) == {
        "displayName": "{Joe Fernando}"}
    assert format_string("{0}", True) == "True"


def test_add_item_to_string_collection_appends_to_the_existing_one():
    other_mails = ct("AddItemToStringCollection", [("email", "item"),
                                                   ("otherMails", "collection")],
                     outputs=[("otherMails", "collection")], id="CreateOtherMailsFromEmail")
    assert run(other_mails, {"email": "c@d.e", "otherMails": ["a@b.c"]}) == {
        "otherMails": ["a@b.c", "c@d.e"]}
    # the collection is optional: a new one is made
    assert run(other_mails, {"email": "c@d.e"}) == {"otherMails": ["c@d.e"]}


def test_add_parameter_to_string_collection():
    add = ct("AddParameterToStringCollection", [("roles", "collection")],
             [("item", "admin")], [("roles", "collection")])
    assert run(add, {"roles": ["reader"]}) == {"roles": ["reader", "admin"]}


def test_get_current_date_time_is_utc_iso():
    now = ct("GetCurrentDateTime", outputs=[("systemDateTime", "currentDateTime")])
    assert run(now, {}) == {"systemDateTime": "2026-11-22T01:32:46Z"}


def test_null_claim_clears_the_claim():
    null = ct("NullClaim", outputs=[("email", "claim_to_null")])
    assert run(null, {"email": "a@b.c"}) == {"email": None}


def test_does_claim_exist():
    exists = ct("DoesClaimExist", [("email", "inputClaim")], outputs=[("has", "outputClaim")])
    assert run(exists, {"email": "a@b.c"}) == {"has": True}
    assert run(exists, {}) == {"has": False}
    assert run(exists, {"email": ""}) == {"has": False}


def test_copy_claim():
    copy = ct("CopyClaim", [("externalEmail", "inputClaim")], outputs=[("email", "outputClaim")])
    assert run(copy, {"externalEmail": "bob@contoso.com"}) == {"email": "bob@contoso.com"}


ASSERT_ENABLED = ct("AssertBooleanClaimIsEqualToValue", [("accountEnabled", "inputClaim")],
                    [("valueToCompareTo", "true")], id="AssertAccountEnabledIsTrue")


def test_assert_boolean_passes_on_the_expected_value():
    assert run(ASSERT_ENABLED, {"accountEnabled": True}) == {}
    assert run(ASSERT_ENABLED, {"accountEnabled": "True"}) == {}


@pytest.mark.parametrize("bag", [{"accountEnabled": False}, {}])
def test_assert_boolean_refuses_with_b2c_string_id(bag):
    with pytest.raises(AssertionFailed) as refused:
        run(ASSERT_ENABLED, bag)
    assert refused.value.string_id == "UserMessageIfClaimsTransformationBooleanValueIsNotEqual"
    assert refused.value.message == ('Boolean claim value comparison failed for claim type '
                                     '"inputClaim".')
    assert refused.value.transformation == "AssertAccountEnabledIsTrue"


REFRESH = ct("AssertDateTimeIsGreaterThan", [("issuedOn", "leftOperand"),
                                             ("validFrom", "rightOperand")],
             [("AssertIfEqualTo", "false"), ("AssertIfRightOperandIsNotPresent", "true"),
              ("TreatAsEqualIfWithinMillseconds", "300000")])


def test_assert_date_time_passes_when_left_is_later_or_right_is_missing():
    assert run(REFRESH, {"issuedOn": "2026-01-20T00:00:00Z",
                         "validFrom": "2026-01-01T00:00:00.1000000Z"}) == {}
    assert run(REFRESH, {"issuedOn": "2026-01-20T00:00:00Z"}) == {}


@pytest.mark.parametrize("issued, valid_from", [
    ("2026-01-01T00:00:00Z", "2026-01-20T00:00:00Z"),        # earlier: revoked since
    ("2026-01-20T00:04:00Z", "2026-01-20T00:00:00Z"),        # equal within 5 minutes
])
def test_assert_date_time_refuses(issued, valid_from):
    with pytest.raises(AssertionFailed) as refused:
        run(REFRESH, {"issuedOn": issued, "validFrom": valid_from})
    assert refused.value.string_id == "DateTimeGreaterThan"


def test_assert_date_time_right_missing_refuses_when_told_to():
    strict = ct("AssertDateTimeIsGreaterThan", [("l", "leftOperand"), ("r", "rightOperand")],
                [("AssertIfRightOperandIsNotPresent", "false")])
    with pytest.raises(AssertionFailed):
        run(strict, {"l": "2026-01-01T00:00:00Z"})


def test_assert_strings_are_equal():
    same = ct("AssertStringClaimsAreEqual", [("a", "inputClaim1"), ("b", "inputClaim2")],
              [("stringComparison", "ordinalIgnoreCase")])
    assert run(same, {"a": "X@y.z", "b": "x@Y.z"}) == {}
    with pytest.raises(AssertionFailed) as refused:
        run(same, {"a": "x@y.z", "b": "other@y.z"})
    assert refused.value.string_id == "UserMessageIfClaimsTransformationStringsAreNotEqual"


def test_boolean_methods():
    bag = {"t": True, "f": "false"}
    assert run(ct("AndClaims", [("t", "inputClaim1"), ("f", "inputClaim2")],
                  outputs=[("r", "outputClaim")]), bag) == {"r": False}
    assert run(ct("OrClaims", [("t", "inputClaim1"), ("f", "inputClaim2")],
                  outputs=[("r", "outputClaim")]), bag) == {"r": True}
    assert run(ct("NotClaims", [("f", "inputClaim")], outputs=[("r", "outputClaim")]),
               bag) == {"r": True}
    assert run(ct("CompareBooleanClaimToValue", [("t", "inputClaim")],
                  [("valueToCompareTo", "true")], [("r", "compareResult")]), bag) == {"r": True}


def test_a_bad_boolean_parameter_is_named():
    with pytest.raises(TransformationError, match="ignoreCase must be true or false"):
        run(ct("CompareClaims", [("a", "inputClaim1"), ("b", "inputClaim2")],
               [("operator", "EQUAL"), ("ignoreCase", "yes")], [("r", "outputClaim")]),
            {"a": "1", "b": "1"})


def test_a_missing_required_input_claim_skips_the_transformation():
    lower = ct("ChangeCase", [("email", "inputClaim1")], [("toCase", "LOWER")],
               [("email", "outputClaim")], id="ToLower")
    result = apply(lower, {}, ENV)
    assert result.claims == {} and result.skipped == "ToLower not run: no value for email"


def test_an_unsupported_method_is_named():
    with pytest.raises(TransformationError,
                       match="'GenerateJson' .* is not supported by this emulator yet"):
        run(ct("GenerateJson", id="Json"), {})


def test_apply_all_chains_transformations_in_order():
    transformations = {
        "Lower": ct("ChangeCase", [("email", "inputClaim1")], [("toCase", "LOWER")],
                    [("email", "outputClaim")], id="Lower"),
        "Greet": ct("FormatStringClaim", [("email", "inputClaim")],
                    [("stringFormat", "Hello {0}")], [("greeting", "outputClaim")],
                    id="Greet"),
    }
    assert apply_all(["Lower", "Greet"], transformations, {"email": "A@B.C"}, ENV) == {
        "email": "a@b.c", "greeting": "Hello a@b.c"}


def test_parse_datetime_accepts_dotnet_precision_and_offsets():
    assert parse_datetime("2018-01-01T00:00:00.1000000Z") == dt.datetime(
        2018, 1, 1, 0, 0, 0, 100000, tzinfo=dt.timezone.utc)
    assert parse_datetime("2018-01-01T02:00:00+02:00") == dt.datetime(
        2018, 1, 1, tzinfo=dt.timezone.utc)
    assert parse_datetime("not a date") is None


def test_check_names_a_claim_or_parameter_the_method_does_not_take():
    typo = ct("ChangeCase", [("email", "inputClaim")], [("tocase", "LOWER"), ("mode", "x")],
              [("email", "outputClaim")])
    assert check(typo) == [
        "ChangeCase has no input claim 'inputClaim' (it takes: inputClaim1).",
        "ChangeCase has no input parameter 'mode' (it takes: toCase)."]
    assert check(ct("GenerateJson")) == [
        "The claims transformation method 'GenerateJson' is not supported by this emulator yet."]


def test_names_are_matched_without_regard_to_case():
    lower = ct("ChangeCase", [("email", "InputClaim1")], [("ToCase", "LOWER")],
               [("email", "OutputClaim")])
    assert check(lower) == []
    assert run(lower, {"email": "A@B.C"}) == {"email": "a@b.c"}
