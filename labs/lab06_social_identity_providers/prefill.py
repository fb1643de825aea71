"""What the lab's API connector decides, as plain functions: B2C calls it "After federating
with an identity provider during sign-up" (``PostFederationSignup``, b2c-reference §1), before
the social account sign-up page, and a ``Continue`` answer with claims prefills that page.

The connector looks the new user's e-mail up in the company's customer records (a CRM, here a
small table) and returns the City and Job Title it holds, so the user need not type them.
"""
from __future__ import annotations

from typing import Any

VERSION = "1.0.0"

#: e-mail -> what the customer records know (the practice Google's and Facebook's personas)
CUSTOMER_RECORDS: dict[str, dict[str, str]] = {
    "chen.wei@example.org": {"city": "Singapore", "jobTitle": "Data engineer"},
    "priya.raman@example.org": {"city": "Chennai", "jobTitle": "Product manager"},
    "mateo.rossi@example.com": {"city": "Milan", "jobTitle": "Barista"},
}


def federated_identity(body: dict[str, Any]) -> dict[str, Any] | None:
    """The request's ``federated`` identity (issuer, issuerAssignedId), if any."""
    for identity in body.get("identities") or ():
        if isinstance(identity, dict) and identity.get("signInType") == "federated":
            return identity
    return None


def answer(body: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """(the connector's response, a sentence for the lab app's log saying why).

    Always ``Continue``: a customer the records do not know signs up as any other, typing the
    fields; the connector never blocks a sign-up."""
    email = str(body.get("email") or "").strip().lower()
    record = CUSTOMER_RECORDS.get(email)
    if body.get("step") not in (None, "PostFederationSignup"):
        why = (f"Called at step {body.get('step')}: this connector belongs at \"After "
               "federating with an identity provider during sign-up\". Nothing prefilled.")
        return {"version": VERSION, "action": "Continue"}, why
    if record is None:
        why = (f"{email} is not in the customer records: nothing to prefill." if email else
               "No e-mail in the request (the provider shared none): nothing to look up.")
        return {"version": VERSION, "action": "Continue"}, why
    filled = ", ".join(f"{key} = {value}" for key, value in record.items())
    return ({"version": VERSION, "action": "Continue", **record},
            f"{email} is a known customer: prefilled {filled}.")
