"""Why a claim is, or is not, in the token: the lesson B2C leaves opaque.

Given a flow's configuration and the claims bag a run ended with, classify every attribute the
flow collects or returns (b2c-reference §5.4 gotchas; §9 items 1, 2 and 10).
"""
from __future__ import annotations

from typing import Any, Mapping

from .attributes import AttributeDef

IN_TOKEN = "in the token"
COLLECTED_NOT_RETURNED = "collected but not returned"
RETURNED_BUT_EMPTY = "returned but empty"

WHY = {
    IN_TOKEN: "Selected as an Application claim and the run had a value.",
    COLLECTED_NOT_RETURNED: ("Collected (a User attribute) and stored in the directory, but not "
                             "selected as an Application claim, so the token leaves it out."),
    RETURNED_BUT_EMPTY: ("Selected as an Application claim, but the run had no value (not "
                         "collected in this flow, or the user never gave one), so the token "
                         "leaves it out."),
}


def explain_claims(config: Mapping[str, Any], bag: Mapping[str, Any],
                   attributes: Mapping[str, AttributeDef]) -> list[dict[str, Any]]:
    """One row per attribute the flow collects or returns: label, token claim, value, status
    (one of the constants above) and why."""
    collected = [a["claim"] for a in config.get("user_attributes", [])]
    returned = list(config.get("application_claims", []))
    rows = []
    for claim in dict.fromkeys(collected + returned):
        attribute = attributes.get(claim)
        value = bag.get(claim)
        empty = value in (None, "", [])
        if claim in returned:
            status = RETURNED_BUT_EMPTY if empty else IN_TOKEN
        else:
            status = COLLECTED_NOT_RETURNED
        rows.append({"claim": claim, "label": attribute.label if attribute else claim,
                     "token_claim": attribute.token_claim if attribute else None,
                     "value": value, "status": status, "why": WHY[status]})
    return rows
