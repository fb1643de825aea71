"""The API connector contract: the request body field by field, and every response case."""
import json

import pytest

from idp.engine.attributes import catalogue, custom_attribute
from idp.engine.connectors import build_request_body, interpret_response

EXT = "0a1b2c3d-0000-4000-8000-123456789abc"
ATTRS = catalogue((custom_attribute("InvitationCode"), custom_attribute("Age", "Int")))


def body_for(step, bag):
    return build_request_body(step, bag, client_id="client-1", ui_locales="fr",
                              attributes=ATTRS, extensions_app_id=EXT)


def test_request_body_uses_graph_names_and_long_extension_names_and_omits_empty():
    bag = {"email": "a@example.com", "displayName": "Ann", "givenName": "", "surname": None,
           "city": "Oslo", "extension_InvitationCode": "ABCDEFGHIJ", "extension_Age": 30,
           "newPassword": "never-sent", "identities": [{"signInType": "emailAddress",
                                                        "issuer": "contoso.onmicrosoft.com",
                                                        "issuerAssignedId": "a@example.com"}]}
    body = body_for("PostAttributeCollection", bag)
    assert body == {
        "email": "a@example.com",
        "identities": [{"signInType": "emailAddress", "issuer": "contoso.onmicrosoft.com",
                        "issuerAssignedId": "a@example.com"}],
        "displayName": "Ann", "city": "Oslo",
        "extension_0a1b2c3d000040008000123456789abc_InvitationCode": "ABCDEFGHIJ",
        "extension_0a1b2c3d000040008000123456789abc_Age": 30,
        "step": "PostAttributeCollection", "client_id": "client-1", "ui_locales": "fr"}


def test_pre_token_body_carries_object_id_and_first_email():
    body = body_for("PreTokenIssuance", {"objectId": "oid-1", "emails": ["b@example.com"]})
    assert body == {"email": "b@example.com", "objectId": "oid-1", "step": "PreTokenIssuance",
                    "client_id": "client-1", "ui_locales": "fr"}


def verdict(status, payload, step="PostAttributeCollection"):
    body = payload if isinstance(payload, str) else json.dumps(payload)
    return interpret_response(step, status, body, ATTRS, EXT)


def test_continue_accepts_both_extension_forms_and_graph_names():
    v = verdict(200, {"version": "1.0.0", "action": "Continue", "postalCode": "12349",
                      f"extension_{EXT.replace('-', '')}_InvitationCode": "X",
                      "extension_Age": 31, "pers": "ignored", "email": "no@example.com",
                      "userMessage": "tolerated"})
    assert v.kind == "continue"
    assert v.claims == {"postalCode": "12349", "extension_InvitationCode": "X",
                        "extension_Age": 31}
    assert sorted(v.ignored) == ["email", "pers"]


@pytest.mark.parametrize("status,payload,step,kind,phrase", [
    (200, {"version": "1.0.0", "action": "ShowBlockPage", "userMessage": "No."},
     "PostAttributeCollection", "block", "block page"),
    (400, {"version": "1.0.0", "status": 400, "action": "ValidationError", "userMessage": "Bad"},
     "PostAttributeCollection", "validation", "the user stays on the page and sees \"Bad\""),
    (400, {"version": "1.0.0", "status": "400", "action": "ValidationError", "userMessage": "B"},
     "PostAttributeCollection", "validation", "stays on the page"),
    (400, {"version": "1.0.0", "action": "ValidationError", "userMessage": "x"},
     "PostAttributeCollection", "error", "must also carry \"status\": 400"),
    (200, {"version": "1.0.0", "status": 400, "action": "ValidationError", "userMessage": "x"},
     "PostAttributeCollection", "error", "the status is 200 but action is ValidationError"),
    (400, {"version": "1.0.0", "status": 400, "action": "ValidationError", "userMessage": "x"},
     "PreTokenIssuance", "error", "only allowed at Before creating the user"),
    (200, {"version": "2.0.0", "action": "Proceed"}, "PostAttributeCollection", "error",
     "not part of the contract"),
    (200, {"action": "Continue"}, "PostAttributeCollection", "error", "no version"),
    (200, "<html>oops</html>", "PostAttributeCollection", "error", "not JSON"),
    (500, {"version": "1.0.0", "action": "Continue"}, "PostAttributeCollection", "error",
     "the status is 500"),
    (200, {"version": "1.0.0", "action": "ShowBlockPage"}, "PostAttributeCollection", "error",
     "needs a userMessage"),
])
def test_every_response_case(status, payload, step, kind, phrase):
    v = verdict(status, payload, step)
    assert v.kind == kind and phrase in v.explanation


def test_error_verdict_carries_code_and_reason_for_aadb2c90075():
    v = verdict(500, "boom")
    assert (v.code, v.reason) == ("InternalServerError", "Internal Server Error")
