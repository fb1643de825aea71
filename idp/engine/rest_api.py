"""API connectors in a journey: the REST technical profile (b2c-reference §1).

``Before creating the user`` runs as a validation profile of the sign-up page (a
ValidationError keeps the user on the form); ``Before sending the token`` runs as a step before
SendClaims.  Each call is recorded for the trace (request, response, latency, attempts, verdict)
and the audit log (``numberOfAttempts``).
"""
from __future__ import annotations

import json
from typing import Any

from .connectors import EXCHANGES, build_request_body, interpret_response, transport_failure
from .errors import B2CError
from .journey import Continue, StepContext
from .validation_profiles import FieldError


class ShowBlockPage(B2CError):
    """The connector answered ShowBlockPage: the run ends on the block page."""

    def __init__(self, user_message: str) -> None:
        super().__init__(None, error="access_denied", message=user_message)
        self.page = "block"


class ConnectorFailed(B2CError):
    """Any answer outside the contract: B2C's AADB2C90075 error page."""

    def __init__(self, exchange: str, order: int, code: str, reason: str, hint: str) -> None:
        super().__init__("AADB2C90075", exchange, order, code, reason, error="server_error",
                         hint=hint)
        self.page = "error"


def call_connector(ctx: StepContext, step_name: str, bag: dict[str, Any]) -> dict[str, Any]:
    """Call the connector for ``step_name`` with ``bag``; return the claims of a Continue.

    :raise FieldError: ValidationError (stay on the page); :raise ShowBlockPage:;
    :raise ConnectorFailed: anything else.
    """
    ports = ctx.ports
    body = build_request_body(step_name, bag, client_id=ctx.request.get("client_id", ""),
                              ui_locales=ctx.request.get("ui_locales"),
                              attributes=ports.attributes,
                              extensions_app_id=ports.extensions_app_id)
    result = ports.connectors.call(ctx.profile_by_id(f"REST-{step_name}").metadata
                                   ["connector_id"], body)
    if result.error:
        verdict = transport_failure(result.error)
    else:
        verdict = interpret_response(step_name, result.status, result.body, ports.attributes,
                                     ports.extensions_app_id)
    ctx.calls.append({"step": step_name, "request": body, "status": result.status,
                      "response": _shown(result.body), "latency_ms": result.latency_ms,
                      "attempts": result.attempts, "error": result.error,
                      "verdict": verdict.kind, "explanation": verdict.explanation})
    ctx.event("An API was called as part of a user flow",
              result="success" if verdict.kind != "error" else "failure",
              user=bag.get("objectId"), step=step_name, numberOfAttempts=result.attempts)
    if verdict.kind == "continue":
        return verdict.claims
    if verdict.kind == "validation":
        raise FieldError(verdict.user_message)
    if verdict.kind == "block":
        raise ShowBlockPage(verdict.user_message)
    order = ctx.journey.steps[ctx.state.step].order
    raise ConnectorFailed(EXCHANGES[step_name], order, verdict.code, verdict.reason,
                          verdict.explanation)


def _shown(body: str) -> Any:
    try:
        return json.loads(body)
    except (ValueError, TypeError):
        return body[:2000]


def validate_post_attribute_collection(ctx: StepContext, profile: Any, claims: dict) -> dict:
    """Before creating the user: the connector sees what was typed and may override it
    (with the federated identity on a social sign-up, the local one otherwise)."""
    from .federation import SOCIAL_SOURCE
    from .federation_accounts import federated_identity

    bag = {**ctx.state.bag, **claims}
    if bag.get("issuerUserId") and bag.get("authenticationSource") == SOCIAL_SOURCE:
        bag["identities"] = [federated_identity(bag)]  # a social sign-up
    elif bag.get("email") and not bag.get("identities"):
        bag["identities"] = [{"signInType": "emailAddress", "issuer": ctx.ports.tenant_domain,
                              "issuerAssignedId": bag["email"]}]
    return call_connector(ctx, "PostAttributeCollection", bag)


class PreTokenIssuance:
    """Before sending the token: the connector may add claims to this token only."""

    interactive = False

    def run(self, ctx: StepContext) -> Continue:
        claims = call_connector(ctx, "PreTokenIssuance", dict(ctx.state.bag))
        return Continue(claims, note="API connector answered Continue")
