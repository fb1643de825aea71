"""What each claim of a B2C token means, for the viewer's Claims tab (b2c-reference §4.1)."""
from __future__ import annotations

import datetime as dt
from typing import Any

MEANINGS = {
    "typ": "Token type in the header: JWT.",
    "alg": "Signing algorithm: RS256 (RSA signature with SHA-256).",
    "kid": "Key id: which key of the tenant's JWKS signed the token.",
    "exp": "Expiration time: apps must refuse the token after this.",
    "nbf": "Not before: the token is not valid before this time (B2C sets it to iat).",
    "ver": "Token format version: 1.0 for B2C user flows.",
    "iss": "Issuer: the tenant that made the token ({base}/{tenant id}/v2.0/ by default).",
    "sub": "Subject: the user, their object id by default (the Subject (sub) claim setting).",
    "aud": "Audience: the application (client) id the token is for; for an access token, the "
           "API's.",
    "nonce": "The value the app sent in the request, echoed so the app can match token and "
             "request (defaultNonce from Run user flow).",
    "iat": "Issued at: when the token was made.",
    "auth_time": "When the user last entered credentials; a single sign-on run keeps the time "
                 "of the original sign-in.",
    "oid": "User's Object ID: the user's id in the directory.",
    "emails": "Email Addresses: an array; MSAL uses the first as the user name.",
    "name": "Display Name.",
    "given_name": "Given Name.",
    "family_name": "Surname.",
    "idp": "Identity Provider: present only for social or federated sign-ins (e.g. "
           "facebook.com); local accounts have none.",
    "idp_access_token": "The identity provider's own access token (Facebook, Google...).",
    "newUser": "User is new: true only in the run that created the account.",
    "tfp": "Trust framework policy: the user flow that issued the token (Claim representing "
           "user flow = tfp).",
    "acr": ("The user flow or custom policy, lower-cased (user flows: Claim representing user "
            "flow = acr, for legacy apps; custom policies send it by default: the JwtIssuer's "
            "AuthenticationContextReferenceClaimPattern PolicyId)."),
    "at_hash": "Hash of the access token issued with this ID token (implicit/hybrid flows).",
    "c_hash": "Hash of the authorization code issued with this ID token (hybrid flow).",
    "azp": "Authorized party: the app that asked for this access token.",
    "scp": "Scopes granted to the app in this access token (space-separated).",
    "city": "City.", "country": "Country/Region.", "jobTitle": "Job Title.",
    "postalCode": "Postal Code.", "state": "State/Province.", "streetAddress": "Street Address.",
    "isForgotPassword": "True when the user went through Forgot your password? in the flow.",
}
TIME_CLAIMS = ("exp", "nbf", "iat", "auth_time")


def meaning(claim: str) -> str:
    if claim.startswith("extension_"):
        return ("A custom attribute (User attributes): in tokens it is extension_<Name>, without "
                "the b2c-extensions-app id that Graph and API connectors use.")
    return MEANINGS.get(claim, "Not a claim B2C user flows emit.")


def readable(claim: str, value: Any, now: float) -> str | None:
    """Epoch times as UTC date and time with how long ago or ahead; None for other claims."""
    if claim not in TIME_CLAIMS or not isinstance(value, (int, float)):
        return None
    moment = dt.datetime.fromtimestamp(value, dt.timezone.utc)
    delta = int(value - now)
    ago = f"in {_span(delta)}" if delta > 0 else f"{_span(-delta)} ago"
    return f"{moment:%Y-%m-%d %H:%M:%S} UTC ({ago})"


def _span(seconds: int) -> str:
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{seconds} second{'s' if seconds != 1 else ''}"


def compare(a: dict, b: dict) -> list[dict[str, Any]]:
    """Claim-by-claim difference of two payloads: same, changed, only in A, only in B."""
    rows = []
    for claim in dict.fromkeys([*a, *b]):
        if claim not in b:
            state = "only in A"
        elif claim not in a:
            state = "only in B"
        else:
            state = "same" if a[claim] == b[claim] else "different"
        rows.append({"claim": claim, "a": a.get(claim), "b": b.get(claim), "state": state})
    return rows
