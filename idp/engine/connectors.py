"""The API connector contract (b2c-reference §1.3-§1.7): the JSON body B2C POSTs, and how B2C
reads the answer.  Pure functions, so the portal's Test connector button, the runtime and the
tests all judge a response the same way, and explain the verdict in words.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Mapping

from .attributes import AttributeDef

STEPS = ("PostFederationSignup", "PostAttributeCollection", "PreTokenIssuance")
STEP_LABELS = {
    "PostFederationSignup": "After federating with an identity provider during sign-up",
    "PostAttributeCollection": "Before creating the user",
    "PreTokenIssuance": "Before sending the token (preview)",
}
#: which steps each flow type offers (b2c-reference §1.2)
STEPS_BY_FLOW_TYPE = {"signUpOrSignIn": STEPS, "signUp": STEPS,
                      "signIn": ("PreTokenIssuance",)}
#: the ClaimsExchange ids our journeys give each step (B2C's error text names them; B2C's own
#: names for user flows are not documented except 'PreUserWriteRestful': our choice).
EXCHANGES = {"PostFederationSignup": "PostFederationRestful",
             "PostAttributeCollection": "PreUserWriteRestful",
             "PreTokenIssuance": "PreTokenIssuanceRestful"}
#: built-in attributes a connector may read and set, by their Graph names
GRAPH_ATTRIBUTES = ("displayName", "givenName", "surname", "jobTitle", "streetAddress", "city",
                    "postalCode", "state", "country")
MAX_USER_MESSAGE = 1024


def _empty(value: Any) -> bool:
    return value in (None, "", [])


def build_request_body(step: str, bag: Mapping[str, Any], *, client_id: str,
                       ui_locales: str | None, attributes: Mapping[str, AttributeDef],
                       extensions_app_id: str) -> dict[str, Any]:
    """The body B2C sends at ``step``: Graph property names, custom attributes as
    ``extension_<appIdNoDashes>_Name``, ``email``, ``identities``, ``objectId`` once the user
    exists, then ``step``, ``client_id``, ``ui_locales``.  Empty claims are left out."""
    emails = bag.get("emails") or []
    body: dict[str, Any] = {}
    email = bag.get("email") or (emails[0] if emails else None)
    if not _empty(email):
        body["email"] = email
    if not _empty(bag.get("identities")):
        body["identities"] = list(bag["identities"])
    for name in GRAPH_ATTRIBUTES:
        if not _empty(bag.get(name)):
            body[name] = bag[name]
    if not _empty(bag.get("objectId")):
        body["objectId"] = bag["objectId"]
    for claim, attribute in attributes.items():
        if attribute.custom and not _empty(bag.get(claim)):
            body[attribute.graph_name(extensions_app_id)] = bag[claim]
    body.update(step=step, client_id=client_id, ui_locales=ui_locales or "en-US")
    return body


@dataclass
class Verdict:
    """What B2C does with a connector's answer.

    ``kind``: ``continue`` (merge ``claims``), ``block`` (block page with ``user_message``),
    ``validation`` (stay on the form with ``user_message``) or ``error`` (B2C's AADB2C90075
    error page with ``code``/``reason``).  ``explanation`` says why, for the learner.
    """

    kind: str
    explanation: str
    claims: dict[str, Any] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)
    user_message: str | None = None
    code: str = ""
    reason: str = ""


HTTP_REASONS = {400: ("BadRequest", "Bad Request"), 401: ("Unauthorized", "Unauthorized"),
                403: ("Forbidden", "Forbidden"), 404: ("NotFound", "Not Found"),
                409: ("Conflict", "Conflict"), 500: ("InternalServerError", "Internal Server Error"),
                502: ("BadGateway", "Bad Gateway"), 503: ("ServiceUnavailable",
                                                         "Service Unavailable")}


def _error(status: int, why: str) -> Verdict:
    code, reason = HTTP_REASONS.get(status, (str(status), f"HTTP {status}"))
    return Verdict("error", f"B2C would show an error page because {why}.", code=code,
                   reason=reason)


def claim_for_key(key: str, attributes: Mapping[str, AttributeDef],
                  extensions_app_id: str) -> str | None:
    """The bag claim a response key sets: a built-in's Graph name, or a custom attribute as
    ``extension_<appIdNoDashes>_Name`` or ``extension_Name`` (both accepted, §1.4)."""
    if key in GRAPH_ATTRIBUTES:
        return key
    long_prefix = f"extension_{extensions_app_id.replace('-', '')}_"
    if key.startswith(long_prefix):
        key = "extension_" + key[len(long_prefix):]
    attribute = attributes.get(key)
    return key if attribute is not None and attribute.custom else None


def _continue(step: str, data: Mapping[str, Any], attributes, extensions_app_id) -> Verdict:
    claims, ignored = {}, []
    for key, value in data.items():
        if key in ("version", "action", "userMessage", "status"):
            continue
        claim = None if key == "email" else claim_for_key(key, attributes, extensions_app_id)
        if claim is None:
            ignored.append(key)
        else:
            claims[claim] = value
    explanation = "B2C would continue" + (
        f" with {', '.join(sorted(claims))}" if claims else " with no claim changed")
    if ignored:
        explanation += (f"; it ignores {', '.join(sorted(ignored))} (not an attribute of this "
                        "tenant: custom attributes need the extension_ prefix; email cannot be "
                        "overridden)")
    return Verdict("continue", explanation + ".", claims=claims, ignored=ignored)


def _user_message(data: Mapping[str, Any]) -> str | None:
    message = data.get("userMessage")
    return message[:MAX_USER_MESSAGE] if isinstance(message, str) and message.strip() else None


def interpret_response(step: str, status: int, body: str,
                       attributes: Mapping[str, AttributeDef],
                       extensions_app_id: str) -> Verdict:
    """Judge a connector's HTTP answer exactly as B2C does (§1.4, §1.7)."""
    try:
        data = json.loads(body)
    except (ValueError, TypeError):
        return _error(status, f"the response (HTTP {status}) is not JSON")
    if not isinstance(data, dict):
        return _error(status, "the response is JSON but not an object")
    action = data.get("action")
    if status not in (200, 400):
        return _error(status, f"the status is {status}; only 200 and 400 are part of the "
                              "contract")
    if not data.get("version"):
        return _error(status, "the response has no version (B2C requires it, e.g. \"1.0.0\")")
    if status == 200 and action == "Continue":
        return _continue(step, data, attributes, extensions_app_id)
    if status == 200 and action == "ShowBlockPage":
        message = _user_message(data)
        if message is None:
            return _error(status, "ShowBlockPage needs a userMessage")
        return Verdict("block", "B2C would end the flow on the block page, showing "
                                f"\"{message}\".", user_message=message)
    if action == "ValidationError":
        if status != 400:
            return _error(status, "the status is 200 but action is ValidationError (a "
                                  "validation error needs HTTP 400)")
        if str(data.get("status")) != "400":
            return _error(status, "the body of a ValidationError must also carry "
                                  "\"status\": 400")
        if step != "PostAttributeCollection":
            return _error(status, "ValidationError is only allowed at Before creating the "
                                  "user")
        message = _user_message(data) or "Please check your entries."
        return Verdict("validation", "B2C would treat this as ValidationError: the user stays "
                                     f"on the page and sees \"{message}\".", user_message=message)
    return _error(status, f"action {action!r} with HTTP {status} is not part of the contract "
                          "(Continue, ShowBlockPage, or ValidationError with HTTP 400)")


def transport_failure(reason: str) -> Verdict:
    """The verdict when the endpoint never answered (timeout after the retry, refused...)."""
    return Verdict("error", f"B2C would show an error page because {reason}.",
                   code="GatewayTimeout" if "no answer" in reason else "ServiceUnavailable",
                   # e.g. "there was no answer within 5 s, after 2 attempts"
                   reason=reason)


def sample_bag(step: str, attributes: Mapping[str, AttributeDef]) -> dict[str, Any]:
    """A plausible claims bag for the portal's Test connector button."""
    bag: dict[str, Any] = {"email": "test.user@example.com", "displayName": "Test User",
                           "givenName": "Test", "surname": "User",
                           "identities": [{"signInType": "emailAddress",
                                           "issuer": "contoso.onmicrosoft.com",
                                           "issuerAssignedId": "test.user@example.com"}]}
    if step == "PreTokenIssuance":
        bag["objectId"] = "00000000-0000-0000-0000-000000000001"
    if step == "PostFederationSignup":
        bag["identities"] = [{"signInType": "federated", "issuer": "facebook.com",
                              "issuerAssignedId": "0123456789"}]
    for claim, attribute in attributes.items():
        if attribute.custom:
            bag[claim] = {"Int": 1, "Boolean": True}.get(attribute.data_type, "sample value")
    return bag
