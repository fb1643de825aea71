"""The claims a custom policy's relying party sends (its ``OutputClaims``), from the bag a run
ended with: pure functions, no Flask.

Each ``<OutputClaim>`` names a bag claim (``ClaimTypeReferenceId``) and the token claim it
becomes: ``PartnerClaimType``, else the ClaimType's ``DefaultPartnerClaimTypes`` for
OpenIdConnect, else its Id (B2C's rule, ``relyingparty.md``).  ``DefaultValue`` fills an empty
claim, or always wins with ``AlwaysUseDefaultValue``; defaults may hold claim resolvers
(``{Policy:TenantObjectId}`` in the starter pack), filled in as the journey's technical profiles
fill theirs (:func:`idp.engine.ief.runtime.resolve`).  ``SubjectNamingInfo ClaimType`` names the
token claim that becomes ``sub``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping

from ..engine.ief.model import MergedPolicy
from ..engine.ief.runtime import resolve

PROTOCOL = "OpenIdConnect"


@dataclass(frozen=True)
class OutputClaimSpec:
    """One relying-party output claim: bag claim -> token claim, with its default."""

    claim: str
    token_claim: str
    default: str | None = None
    always_use_default: bool = False
    data_type: str = "string"


def relying_party_claims(merged: MergedPolicy) -> tuple[tuple[OutputClaimSpec, ...], str]:
    """The relying party's output claims and the token claim naming the subject (``sub``
    when SubjectNamingInfo is absent)."""
    rp = merged.relying_party
    if rp is None:
        return (), "sub"
    specs = []
    for oc in rp.technical_profile.output_claims:
        claim_type = merged.claim_types.get(oc.claim_type_reference_id)
        partner = (claim_type.default_partner_claim_types.get(PROTOCOL) if claim_type else None)
        specs.append(OutputClaimSpec(
            claim=oc.claim_type_reference_id,
            token_claim=oc.partner_claim_type or partner or oc.claim_type_reference_id,
            default=oc.default_value, always_use_default=oc.always_use_default_value,
            data_type=claim_type.data_type if claim_type else "string"))
    return tuple(specs), rp.technical_profile.subject_naming_info or "sub"


def _typed(value: Any, data_type: str) -> Any:
    """A default (always text in XML) in the claim's data type, as the token carries it."""
    if not isinstance(value, str):
        return value
    kind = data_type.lower()
    if kind == "boolean" and value.lower() in ("true", "false"):
        return value.lower() == "true"
    if kind in ("int", "long") and re.fullmatch(r"-?\d+", value):
        return int(value)
    if kind == "stringcollection":
        return [value]
    return value


def token_claims(specs, subject_claim: str, bag: Mapping[str, Any],
                 resolvers: Mapping[str, str], identity_claim: str = "objectId",
                 ) -> tuple[str | None, dict[str, Any]]:
    """(user, claims) for the token; empty claims are left out, as B2C leaves them out.

    ``user`` identifies the account in codes, refresh tokens and the SSO session: the bag's
    ``identity_claim`` (the JwtIssuer's ``issuer_refresh_token_user_identity_claim_type``,
    objectId), else the subject.  The subject is the value of the token claim SubjectNamingInfo
    names; the issuer writes ``user`` as ``sub``, so ``claims`` carries ``sub`` only when the
    subject is another value.
    """
    out: dict[str, Any] = {}
    for spec in specs:
        value = bag.get(spec.claim)
        if spec.default is not None and (spec.always_use_default or value in (None, "", [])):
            value = _typed(resolve(spec.default, resolvers), spec.data_type)
        if value in (None, "", []):
            continue
        out[spec.token_claim] = value
    subject = out.get(subject_claim)
    if subject is None:  # SubjectNamingInfo may name a bag claim that is not sent
        subject = bag.get(subject_claim)
    out.pop("sub", None)
    user = bag.get(identity_claim) or subject
    if subject is not None and user is not None and str(subject) != str(user):
        out["sub"] = str(subject)  # overrides the issuer's sub (the payload is updated)
    return (None if user is None else str(user)), out
