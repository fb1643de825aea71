"""User flows compile into journeys: the configuration a learner sets in the portal becomes the
same steps and technical profiles a custom policy would spell out (compare the starter pack's
``SignUpOrSignin``, ``ProfileEdit`` and ``PasswordReset`` journeys).

Technical profiles are built by :mod:`.flow_profiles`; this module orders them into steps for
each flow type of b2c-reference §5.1.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any, Mapping

from .attributes import AttributeDef
from .flow_profiles import (SIGN_IN_TYPES, common_profiles, mfa_profile, new_password_page,
                            password_discovery_page, profile_edit_page, sign_in_page,
                            sign_up_page)
from .connectors import STEPS_BY_FLOW_TYPE
from .journey import Journey, OrchestrationStep, Precondition, RelyingParty, TechnicalProfile
from .languages import LanguageSettings

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
    "password_complexity": "Strong",          # Simple | Strong | {custom settings}
    "self_service_password_reset": False,
    "keep_me_signed_in": False,               # Enable keep me signed in session
    "keep_me_signed_in_days": 7,              # 1-90 (B2C's default is not documented: ours)
    "mfa_method": "email",                    # email | phone | sms | call | totp
    "mfa_enforcement": "off",                 # off | always | conditional
}

FLOW_TYPES = {"signUpOrSignIn": "Sign up and sign in", "signUp": "Sign up",
              "signIn": "Sign in", "profileUpdate": "Profile editing",
              "passwordReset": "Password reset",
              "resourceOwner": "Sign in using resource owner password credentials (ROPC)"}
#: flow types whose journey runs in the browser (ROPC runs at the token endpoint only)
INTERACTIVE_TYPES = ("signUpOrSignIn", "signUp", "signIn", "profileUpdate", "passwordReset")

SKIP_IF_SIGNED_IN = Precondition("ClaimsExist", ("objectId",))
ONLY_WHEN_RESETTING = Precondition("ClaimsExist", ("isForgotPassword",),
                                   execute_action_if_true=False)


def properties(config: Mapping[str, Any]) -> dict[str, Any]:
    """The flow's properties with B2C's defaults filled in."""
    return {**DEFAULT_PROPERTIES, **config.get("properties", {})}


def _step(order: int, kind: str, *exchanges: tuple[str, str], pre=(), selections=()):
    return OrchestrationStep(order, kind, tuple(exchanges), tuple(pre), tuple(selections))


def _steps_for(flow_type: str, sspr: bool) -> list[tuple]:
    """(type, exchanges, preconditions, selections) for each step, before numbering."""
    sign_in = ("LocalAccountSigninEmailExchange", "SelfAsserted-LocalAccountSignin-Email")
    sign_up = ("SignUpWithLogonEmailExchange", "LocalAccountSignUpWithLogonEmail")
    forgot = ("ForgotPasswordExchange", "LocalAccountDiscoveryUsingEmailAddress")
    new_password = ("NewCredentials", "LocalAccountWritePasswordUsingObjectId")
    read = ("AADUserReadWithObjectId", "AAD-UserReadUsingObjectId")
    if flow_type == "signUpOrSignIn":
        steps = [("CombinedSignInAndSignUp", [sign_in], [],
                  [sign_up[0]] + ([forgot[0]] if sspr else [])),
                 ("ClaimsExchange", [sign_up] + ([forgot] if sspr else []),
                  [SKIP_IF_SIGNED_IN], [])]
        if sspr:
            steps.append(("ClaimsExchange", [new_password], [ONLY_WHEN_RESETTING], []))
        return steps + [("ClaimsExchange", [read], [], [])]
    if flow_type == "signUp":
        return [("ClaimsExchange", [sign_up], [], []), ("ClaimsExchange", [read], [], [])]
    if flow_type == "signIn":
        return [("CombinedSignInAndSignUp", [sign_in], [], []),
                ("ClaimsExchange", [read], [], [])]
    if flow_type == "profileUpdate":
        return [("CombinedSignInAndSignUp", [sign_in], [], []),
                ("ClaimsExchange", [read], [], []),
                ("ClaimsExchange", [("ProfileEditExchange", "SelfAsserted-ProfileUpdate")],
                 [], [])]
    if flow_type == "passwordReset":
        return [("ClaimsExchange", [forgot], [], []),
                ("ClaimsExchange", [new_password], [], []),
                ("ClaimsExchange", [read], [], [])]
    raise ValueError(f"user flow type {flow_type!r} has no pages: it runs at the token endpoint")


def _connector_profiles(config: Mapping[str, Any], flow_type: str) -> dict[str, TechnicalProfile]:
    """The REST profiles of the API connectors attached to the steps this flow type has."""
    allowed = STEPS_BY_FLOW_TYPE.get(flow_type, ())
    handlers = {"PostAttributeCollection": "RestApi",
                "PreTokenIssuance": "RestApiPreTokenIssuance"}
    return {step: TechnicalProfile(f"REST-{step}", handlers[step], f"API connector: {step}",
                                   metadata={"connector_id": connector_id, "step": step})
            for step, connector_id in (config.get("api_connectors") or {}).items()
            if connector_id and step in allowed and step in handlers}


def returned_claims(config: Mapping[str, Any],
                    attributes: Mapping[str, AttributeDef]) -> tuple[tuple[str, str], ...]:
    """The flow's Application claims as (bag claim, token claim) pairs."""
    return tuple((claim, attributes[claim].token_claim)
                 for claim in config.get("application_claims", ())
                 if claim in attributes and attributes[claim].token_claim)


def compile_user_flow(name: str, config: Mapping[str, Any],
                      attributes: Mapping[str, AttributeDef]) -> Journey:
    """Compile a user flow's configuration into its journey.

    :raise ValueError: for a flow this emulator cannot run (named in the message).
    """
    flow_type = config.get("type", "signUpOrSignIn")
    if flow_type not in FLOW_TYPES:
        raise ValueError(f"user flow type {flow_type!r} is not supported by this emulator yet")
    local = config.get("local_account_type", "email")
    if local not in SIGN_IN_TYPES:
        raise ValueError("this user flow has no identity provider: its local accounts are set "
                         "to None and no social provider is configured")
    props = properties(config)
    sspr = bool(props["self_service_password_reset"]) and flow_type == "signUpOrSignIn"
    links_sign_up = flow_type == "signUpOrSignIn"
    profiles = {p.id: p for p in (
        sign_in_page(config, props, sign_up_link=links_sign_up, sspr=sspr),
        sign_up_page(config, props, attributes), password_discovery_page(),
        new_password_page(props), profile_edit_page(config, attributes),
        *common_profiles(config))}
    steps = _steps_for(flow_type, sspr)
    connectors = _connector_profiles(config, flow_type)
    if "PostAttributeCollection" in connectors:  # runs before the account is written
        page = profiles["LocalAccountSignUpWithLogonEmail"]
        profiles[page.id] = replace(page, validation_profiles=(
            "REST-PostAttributeCollection", *page.validation_profiles))
    profiles.update({p.id: p for p in connectors.values()})
    mfa = mfa_profile(props)
    if mfa is not None and flow_type in ("signUpOrSignIn", "signUp", "signIn"):
        profiles[mfa.id] = mfa
        steps.append(("ClaimsExchange", [(f"{mfa.id}Exchange", mfa.id)],
                      [Precondition("ClaimsExist", ("mfaCompleted",))], []))
    if "PreTokenIssuance" in connectors:
        steps.append(("ClaimsExchange", [("PreTokenIssuanceRestful", "REST-PreTokenIssuance")],
                      [], []))
    numbered = [_step(order, kind, *exchanges, pre=pre, selections=selections)
                for order, (kind, exchanges, pre, selections) in enumerate(steps, start=1)]
    numbered.append(_step(len(numbered) + 1, "SendClaims", ("JwtIssuer", "JwtIssuer")))
    returned = list(returned_claims(config, attributes))
    if sspr:
        # Emitted only on runs that went through "Forgot your password?" (an empty claim is
        # left out); b2c-reference marks its emission semantics unverified: this is our choice.
        returned.append(("isForgotPassword", "isForgotPassword"))
    return Journey(name, tuple(numbered), profiles, RelyingParty(tuple(returned)),
                   LanguageSettings.from_config(config))
