"""What the protocol endpoints need of a custom policy (``B2C_1A_...``): its journey, and the
token, session and key settings its JwtIssuer and relying party declare.

Settings are read from the merged policy (:class:`idp.engine.ief.model.MergedPolicy`) and
expressed in the user-flow Properties' vocabulary (``DEFAULT_PROPERTIES``), so the session,
SSO and logout code serve both kinds of policy unchanged:

- JwtIssuer metadata (``jwt-issuer-technical-profile``): ``token_lifetime_secs``,
  ``id_token_lifetime_secs``, ``refresh_token_lifetime_secs``,
  ``rolling_refresh_token_lifetime_secs``, ``allow_infinite_rolling_refresh_token``,
  ``IssuanceClaimPattern`` (AuthorityAndTenantGuid | AuthorityWithTfp) and
  ``AuthenticationContextReferenceClaimPattern``: ``PolicyId`` puts the policy id, lower-cased,
  in ``acr`` (what the starter pack's tokens carry: ``"acr": "b2c_1a_signup_signin"``) and is the
  default when the item is absent; ``None`` leaves ``acr`` out.  Custom policies never get a
  ``tfp`` claim of their own: a policy that wants one sets the pattern to ``None`` and adds the
  output claim ``trustFrameworkPolicy`` (PartnerClaimType ``tfp``, DefaultValue ``{policy}``)
  to its relying party, as Microsoft's docs describe.
- The relying party's ``UserJourneyBehaviors``: ``SingleSignOn Scope`` (Tenant when absent:
  our choice, B2C's default is not documented), ``SessionExpiryType`` (Rolling),
  ``SessionExpiryInSeconds`` (86400) and ``KeepAliveInDays`` (Keep me signed in).
- The signing key: the JwtIssuer's ``issuer_secret`` key container.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..engine.ief.model import NAMESPACE, MergedPolicy, TechnicalProfileDef
from ..engine.journey import Journey
from ..engine.user_flows import DEFAULT_PROPERTIES
from .policy_claims import OutputClaimSpec, relying_party_claims

SIGNING_KEY_ID = "issuer_secret"
DEFAULT_SIGNING_CONTAINER = "B2C_1A_TokenSigningKeyContainer"


@dataclass(frozen=True)
class CustomPolicyRuntime:
    """One custom policy ready to serve: built per request from the cached compile."""

    policy_id: str
    merged: MergedPolicy
    journey: Journey
    props: dict[str, Any]
    #: seconds (JwtIssuer metadata)
    access_token_lifetime: int
    id_token_lifetime: int
    refresh_token_lifetime: int
    rolling_refresh_token_lifetime: int | None   # None: allow_infinite_rolling_refresh_token
    signing_container: str
    output_claims: tuple[OutputClaimSpec, ...]
    subject_claim: str
    config: dict[str, Any] = field(default_factory=dict)
    #: the account's identity in codes and refresh tokens (JwtIssuer metadata
    #: ``issuer_refresh_token_user_identity_claim_type``)
    identity_claim: str = "objectId"
    #: the relying party's ``Token`` endpoint journey (RedeemRefreshToken), run at refresh
    refresh_journey: Journey | None = None


def issuer_profile(merged: MergedPolicy) -> TechnicalProfileDef | None:
    """The token issuer the default journey's SendClaims step names (``JwtIssuer`` in the
    starter pack)."""
    rp = merged.relying_party
    journey = merged.user_journeys.get(rp.default_user_journey) if rp else None
    issuer_id = None
    if journey is not None:
        issuer_id = next((s.cpim_issuer_technical_profile_reference_id for s in journey.steps
                          if s.type == "SendClaims"
                          and s.cpim_issuer_technical_profile_reference_id), None)
        issuer_id = issuer_id or journey.default_cpim_issuer_technical_profile_reference_id
    return merged.technical_profiles.get(issuer_id or "JwtIssuer")


def _seconds(metadata: dict, key: str, default: int) -> int:
    """A lifetime in seconds; a value that is not a number falls back to B2C's default (the
    upload validator reports such values; a run must not fail on one)."""
    try:
        return int(str(metadata.get(key, default)).strip())
    except ValueError:
        return default


def build_runtime(merged: MergedPolicy, journey: Journey, config: dict | None = None,
                  refresh_journey: Journey | None = None) -> CustomPolicyRuntime:
    """The runtime settings of ``merged`` (see the module docstring)."""
    issuer = issuer_profile(merged)
    meta = dict(issuer.metadata) if issuer else {}
    rp = merged.relying_party
    behaviors = rp.user_journey_behaviors if rp else None
    access = _seconds(meta, "token_lifetime_secs", 3600)
    id_token = _seconds(meta, "id_token_lifetime_secs", 3600)
    refresh = _seconds(meta, "refresh_token_lifetime_secs", 1209600)
    infinite = str(meta.get("allow_infinite_rolling_refresh_token", "")).lower() == "true"
    rolling = None if infinite else _seconds(meta, "rolling_refresh_token_lifetime_secs",
                                              7776000)
    acr = str(meta.get("AuthenticationContextReferenceClaimPattern", "PolicyId"))
    session_secs = (behaviors.session_expiry_in_seconds if behaviors else None) or 86400
    keep_alive = behaviors.keep_alive_in_days if behaviors else None
    props = {
        **DEFAULT_PROPERTIES,
        "token_lifetime_minutes": access / 60,
        "refresh_token_lifetime_days": refresh / 86400,
        "refresh_token_sliding_window": "No expiry" if infinite else "Bounded",
        "refresh_token_sliding_window_days": (rolling or 0) / 86400,
        "issuer_style": ("tfp" if meta.get("IssuanceClaimPattern") == "AuthorityWithTfp"
                         else "tenantId"),
        "user_flow_claim": "none" if acr.lower() == "none" else "acr",
        "session_lifetime_minutes": session_secs / 60,
        "session_timeout": (behaviors.session_expiry_type if behaviors
                            and behaviors.session_expiry_type else "Rolling"),
        "sso_scope": (behaviors.single_sign_on_scope if behaviors
                      and behaviors.single_sign_on_scope else "Tenant"),
        "keep_me_signed_in": keep_alive is not None,
        "keep_me_signed_in_days": keep_alive or DEFAULT_PROPERTIES["keep_me_signed_in_days"],
        "require_id_token_in_logout": _enforce_id_token_hint(merged),
        "self_service_password_reset": False,
    }
    specs, subject = relying_party_claims(merged)
    container = (issuer.cryptographic_keys.get(SIGNING_KEY_ID) if issuer else None)
    return CustomPolicyRuntime(
        policy_id=merged.policy_id, merged=merged, journey=journey, props=props,
        access_token_lifetime=access, id_token_lifetime=id_token,
        refresh_token_lifetime=refresh, rolling_refresh_token_lifetime=rolling,
        signing_container=container or DEFAULT_SIGNING_CONTAINER, output_claims=specs,
        subject_claim=subject, config={**(config or {}), "custom_policy": merged.policy_id},
        refresh_journey=refresh_journey,
        identity_claim=meta.get("issuer_refresh_token_user_identity_claim_type") or "objectId")


def _enforce_id_token_hint(merged: MergedPolicy) -> bool:
    """``<SingleSignOn EnforceIdTokenHintOnLogout="true"/>`` in the relying party's
    UserJourneyBehaviors (read from the merged element: the model lifts the scope only)."""
    if merged.root is None:
        return False
    path = "/".join(f"{{{NAMESPACE}}}{tag}" for tag in
                    ("RelyingParty", "UserJourneyBehaviors", "SingleSignOn"))
    element = merged.root.find(path)
    return element is not None and element.get("EnforceIdTokenHintOnLogout", "").lower() == "true"
