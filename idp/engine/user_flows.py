"""User flows compile into journeys: the configuration a learner sets in the portal becomes the
same steps and technical profiles a custom policy would spell out (compare the starter pack's
``SignUpOrSignIn`` journey: CombinedSignInAndSignUp, sign-up ClaimsExchange, AAD read,
SendClaims).
"""
from __future__ import annotations

from typing import Any, Mapping

from .attributes import AttributeDef
from .journey import (ClaimRef, Journey, OrchestrationStep, Precondition, RelyingParty,
                      TechnicalProfile)
from .strings import text

#: Properties of a new user flow, with B2C's defaults (b2c-reference §4.2, §4.3, §5.2).
DEFAULT_PROPERTIES: dict[str, Any] = {
    "token_lifetime_minutes": 60,             # Access & ID token lifetimes, 5-1440
    "refresh_token_lifetime_days": 14,        # 1-90
    "refresh_token_sliding_window": "Bounded",
    "refresh_token_sliding_window_days": 90,  # 1-365
    "issuer_style": "tenantId",               # tenantId (default) | tfp
    "subject": "objectId",
    "user_flow_claim": "tfp",                 # tfp | acr
    "session_lifetime_minutes": 1440,         # 15-1440
    "session_timeout": "Rolling",             # Rolling | Absolute
    "sso_scope": "Tenant",                    # Tenant | Application | Policy | Suppressed
    "require_id_token_in_logout": False,
    "password_complexity": "Strong",
    "self_service_password_reset": False,
}

FLOW_TYPES = {"signUpOrSignIn": "Sign up and sign in"}

_SIGN_IN_TYPES = {"email": ("emailAddress", "logonIdentifier_email", "local_intro_email"),
                  "username": ("userName", "logonIdentifier_username", "local_intro_username")}


def properties(config: Mapping[str, Any]) -> dict[str, Any]:
    """The flow's properties with B2C's defaults filled in."""
    return {**DEFAULT_PROPERTIES, **config.get("properties", {})}


def _collected(config: Mapping[str, Any], attributes: Mapping[str, AttributeDef]) -> list:
    refs = []
    for item in sorted(config.get("user_attributes", ()), key=lambda a: a.get("order", 0)):
        attribute = attributes.get(item["claim"])
        if attribute is None or not attribute.collectable or attribute.claim == "email":
            continue
        refs.append(ClaimRef(attribute.claim, item.get("label") or attribute.label,
                             item.get("input_type") or attribute.input_type,
                             required=not item.get("optional", False),
                             data_type=attribute.data_type))
    return refs


def _sign_in_page(config: Mapping[str, Any], props: Mapping[str, Any]) -> TechnicalProfile:
    sign_in_type, label, intro = _SIGN_IN_TYPES[config.get("local_account_type", "email")]
    forgot = ({"id": "forgotPassword", "label": "forgotpassword_link",
               "exchange": "ForgotPasswordExchange"}
              if props["self_service_password_reset"] else
              {"id": "forgotPassword", "label": "forgotpassword_link",
               "exchange": "ForgotPasswordExchange", "error": "AADB2C90118"})
    return TechnicalProfile(
        "SelfAsserted-LocalAccountSignin-Email", "SelfAsserted", "Local Account Signin",
        metadata={"contract": "unifiedssp", "content_definition": "api.signuporsignin",
                  "heading": "heading", "intro": intro, "primary_id": "next",
                  "primary_label": "button_signin", "links": [
                      forgot,
                      {"id": "createAccount", "label": "createaccount_one_link",
                       "intro": "createaccount_intro", "exchange": "SignUpWithLogonEmailExchange"},
                  ]},
        output_claims=(ClaimRef("signInName", text(label), "EmailBox"
                                if sign_in_type == "emailAddress" else "TextBox"),
                       ClaimRef("password", text("password"), "Password")),
        validation_profiles=("login-NonInteractive",), sso_skippable=True)


def _sign_up_page(config: Mapping[str, Any], props: Mapping[str, Any],
                  attributes: Mapping[str, AttributeDef]) -> TechnicalProfile:
    collected = _collected(config, attributes)
    fields = (ClaimRef("email", attributes["email"].label, "EmailBox",
                       requires_verification=True),
              ClaimRef("newPassword", text("newPassword"), "Password"),
              ClaimRef("reenterPassword", text("reenterPassword"), "Password"), *collected)
    return TechnicalProfile(
        "LocalAccountSignUpWithLogonEmail", "SelfAsserted", "Email signup",
        metadata={"contract": "selfasserted", "content_definition": "api.localaccountsignup",
                  "intro": "initial_intro", "primary_id": "continue",
                  "primary_label": "button_continue", "cancel": True,
                  "password_complexity": props["password_complexity"],
                  "max_lengths": {a.claim: attributes[a.claim].max_length for a in collected
                                  if attributes[a.claim].max_length}},
        output_claims=fields, validation_profiles=("AAD-UserWriteUsingLogonEmail",))


def compile_user_flow(name: str, config: Mapping[str, Any],
                      attributes: Mapping[str, AttributeDef]) -> Journey:
    """Compile a user flow's configuration into its journey.

    :raise ValueError: for a flow type this emulator does not run yet.
    """
    flow_type = config.get("type", "signUpOrSignIn")
    if flow_type not in FLOW_TYPES:
        raise ValueError(f"user flow type {flow_type!r} is not supported by this emulator yet")
    props = properties(config)
    sign_in_type = _SIGN_IN_TYPES[config.get("local_account_type", "email")][0]
    sign_up = _sign_up_page(config, props, attributes)
    persisted = tuple(ref.claim for ref in sign_up.output_claims
                      if ref.claim not in ("email", "newPassword", "reenterPassword"))
    profiles = {p.id: p for p in (
        _sign_in_page(config, props),
        sign_up,
        TechnicalProfile("login-NonInteractive", "LocalCredentialValidation",
                         metadata={"sign_in_type": sign_in_type}),
        TechnicalProfile("AAD-UserWriteUsingLogonEmail", "DirectoryWrite",
                         metadata={"sign_in_type": sign_in_type,
                                   "persisted_claims": persisted}),
        TechnicalProfile("AAD-UserReadUsingObjectId", "DirectoryRead"),
        TechnicalProfile("JwtIssuer", "JwtIssuer"),
    )}
    steps = (
        OrchestrationStep(1, "CombinedSignInAndSignUp",
                          (("LocalAccountSigninEmailExchange",
                            "SelfAsserted-LocalAccountSignin-Email"),),
                          selections=("SignUpWithLogonEmailExchange",)),
        OrchestrationStep(2, "ClaimsExchange",
                          (("SignUpWithLogonEmailExchange", "LocalAccountSignUpWithLogonEmail"),),
                          (Precondition("ClaimsExist", ("objectId",)),)),
        OrchestrationStep(3, "ClaimsExchange",
                          (("AADUserReadWithObjectId", "AAD-UserReadUsingObjectId"),)),
        OrchestrationStep(4, "SendClaims", (("JwtIssuer", "JwtIssuer"),)),
    )
    returned = tuple((claim, attributes[claim].token_claim)
                     for claim in config.get("application_claims", ())
                     if claim in attributes and attributes[claim].token_claim)
    return Journey(name, steps, profiles, RelyingParty(returned))
