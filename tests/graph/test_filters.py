"""The ``$filter`` parser, type check and evaluator (a pure module: no app needed)."""
import pytest

from idp.graph.filters import (And, AnyOf, Compare, Field, FilterError, Guid, Or, StartsWith,
                               check, conjuncts, evaluate, parse)

IDENTITIES = {"issuer": Field("issuer", "Edm.String"),
              "issuerassignedid": Field("issuerAssignedId", "Edm.String")}
SCHEMA = {"displayname": Field("displayName", "Edm.String", startswith=True),
          "extension_abc_level": Field("extension_abc_Level", "Edm.Int32"),
          "extension_abc_isadmin": Field("extension_abc_IsAdmin", "Edm.Boolean"),
          "resourceid": Field("resourceId", "Edm.Guid"),
          "identities": Field("identities", "Collection", items=IDENTITIES,
                              required=("issuer", "issuerAssignedId"), hint="Use any().")}
GUID = "8FA6E5D2-1B3C-4D5E-8F90-A1B2C3D4E5F6"


def checked(text):
    return check(parse(text), SCHEMA, "microsoft.graph.user", "User")


@pytest.mark.parametrize("text, tree", [
    ("displayName eq 'Jane'", Compare("displayName", "Jane")),
    ("displayName eq 'O''Brien'", Compare("displayName", "O'Brien")),
    ("extension_abc_Level eq -3", Compare("extension_abc_Level", -3)),
    ("extension_abc_IsAdmin eq true", Compare("extension_abc_IsAdmin", True)),
    ("displayName eq null", Compare("displayName", None)),
    (f"resourceId eq {GUID}", Compare("resourceId", GUID.lower())),
    ("startswith(displayName,'Ja')", StartsWith("displayName", "Ja")),
    ("(displayName eq 'a' or displayName eq 'b') and extension_abc_Level eq 1",
     And((Or((Compare("displayName", "a"), Compare("displayName", "b"))),
          Compare("extension_abc_Level", 1)))),
    ("identities/any(c:c/issuerAssignedId eq 'j@x.com' and c/issuer eq 'contoso')",
     AnyOf("identities", "c", And((Compare("c/issuerAssignedId", "j@x.com"),
                                   Compare("c/issuer", "contoso"))))),
])
def test_parse(text, tree):
    assert parse(text) == tree


def test_guid_literal_is_typed():
    assert isinstance(parse(f"resourceId eq {GUID}").value, Guid)


@pytest.mark.parametrize("text, message", [
    ("", "the $filter is empty"),
    ("displayName eq 'Jane", "unterminated string literal at position 15"),
    ("displayName eq #x", "character '#' is not valid at position 15"),
    ("displayName ne 'x'", "the operator 'ne' is not supported"),
    ("displayName gt 'x'", "the operator 'gt' is not supported"),
    ("not displayName eq 'x'", "the operator 'not' is not supported"),
    ("endswith(displayName,'x')", "the function 'endswith' is not supported"),
    ("frobnicate(displayName)", "unknown function 'frobnicate'"),
    ("identities/all(c:c/issuer eq 'x')", "the lambda operator 'all' is not supported"),
    ("displayName eq 1.5", "the decimal literal 1.5 is not supported"),
    ("displayName eq 'x' and", "ends too early"),
    ("displayName eq 'x' 'y'", "unexpected ''y'' at position 19"),
    ("displayName like 'x'", "expected an operator such as 'eq' after 'displayName'"),
    ("displayName eq Jane", "expected a value"),
    ("(displayName eq 'x'", "ends too early (expected ')')"),
    ("'x' eq displayName", "expected a property name"),
])
def test_syntax_errors_name_the_part(text, message):
    with pytest.raises(FilterError) as refused:
        parse(text)
    assert message in str(refused.value)


@pytest.mark.parametrize("text, message", [
    ("city eq 'x'", "Could not find a property named 'city' on type 'microsoft.graph.user'."),
    ("displayName eq 3", "Found operand types 'Edm.String' and 'Edm.Int32' for operator kind "
                         "'Equal'"),
    ("extension_abc_Level eq '3'", "'Edm.Int32' and 'Edm.String'"),
    ("extension_abc_IsAdmin eq 1", "'Edm.Boolean' and 'Edm.Int32'"),
    (f"resourceId eq '{GUID}'", "'Edm.Guid' and 'Edm.String'"),
    ("startswith(extension_abc_Level,'1')", "startswith on 'extension_abc_Level'"),
    ("identities eq 'x'", "'identities' is a collection"),
    ("identities/any(c:c/issuerAssignedId eq 'x')",
     "Unsupported or invalid query filter clause specified for property 'identities' of "
     "resource 'User'. Use any()."),
    ("identities/any(c:c/issuerAssignedId eq 'x' or c/issuer eq 'y')", "Unsupported or invalid"),
    ("identities/any(c:x/issuerAssignedId eq 'x' and c/issuer eq 'y')",
     "name properties as 'c/<property>'"),
    ("identities/any(c:c/signInType eq 'x' and c/issuer eq 'y')",
     "Could not find a property named 'signInType'"),
])
def test_type_check_errors(text, message):
    with pytest.raises(FilterError) as refused:
        checked(text)
    assert message in str(refused.value)


def test_check_canonicalises_names():
    assert checked("DISPLAYNAME eq 'x'") == Compare("displayName", "x")
    assert checked("IDENTITIES/any(c:c/ISSUER eq 'x' and c/issuerassignedid eq 'y')") == AnyOf(
        "identities", "c", And((Compare("issuer", "x"), Compare("issuerAssignedId", "y"))))


def test_evaluate():
    record = {"displayName": "Jane Doe", "extension_abc_Level": 3,
              "extension_abc_IsAdmin": False, "resourceId": GUID.lower(),
              "identities": [{"issuer": "contoso", "issuerAssignedId": "Jane@X.com"}]}
    assert evaluate(checked("displayName eq 'jane doe'"), record)  # ignores case
    assert evaluate(checked("startswith(displayName,'JA')"), record)
    assert evaluate(checked("extension_abc_Level eq 3"), record)
    assert not evaluate(checked("extension_abc_IsAdmin eq true"), record)
    assert evaluate(checked("extension_abc_IsAdmin eq false"), record)
    assert evaluate(checked(f"resourceId eq {GUID}"), record)
    assert evaluate(checked(
        "identities/any(i:i/issuerAssignedId eq 'jane@x.com' and i/issuer eq 'contoso')"), record)
    assert not evaluate(checked(
        "identities/any(i:i/issuerAssignedId eq 'jane@x.com' and i/issuer eq 'other')"), record)
    assert evaluate(checked("displayName eq 'x' or extension_abc_Level eq 3"), record)
    assert not evaluate(checked("displayName eq null"), record)
    assert evaluate(checked("displayName eq null"), {})
    assert not evaluate(checked("extension_abc_Level eq 1"), {"extension_abc_Level": True})


def test_conjuncts():
    tree = checked("displayName eq 'a' and extension_abc_Level eq 1")
    assert conjuncts(tree) == tree.items
    single = checked("displayName eq 'a'")
    assert conjuncts(single) == (single,)
