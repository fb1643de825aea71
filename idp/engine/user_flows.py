"""User flows compile into journeys: the configuration a learner sets in the portal becomes the
same steps and technical profiles a custom policy would spell out (compare the starter pack's
``SignUpOrSignin``, ``ProfileEdit`` and ``PasswordReset`` journeys).

Technical profiles are built by :mod:`.flow_profiles`; this module orders them into steps for
each flow type of b2c-reference §5.1.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any, Mapping, Sequence

from .attributes import AttributeDef
from .flow_profiles import (SIGN_IN_TYPES, common_profiles, mfa_profile, new_password_page,
                            password_discovery_page, profile_edit_page, selection_page,
                            sign_in_page, sign_up_page, social_sign_up_page)
from .connectors import EXCHANGES, STEPS_BY_FLOW_TYPE
from .federation import LOCAL_SOURCE, SocialProvider, exchange_id, profile_id
from .journey import (ClaimRef, Journey, OrchestrationStep, Precondition, RelyingParty,
                      TechnicalProfile)
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
#: flow types that offer the identity providers the flow ticked
SOCIAL_TYPES = ("signUpOrSignIn", "signUp", "signIn", "profileUpdate")

SKIP_IF_SIGNED_IN = Precondition("ClaimsExist", ("objectId",))
ONLY_WHEN_RESETTING = Precondition("ClaimsExist", ("isForgotPassword",),
                                   execute_action_if_true=False)
LOCAL_SIGN_IN = Precondition("ClaimEquals", ("authenticationSource", LOCAL_SOURCE))
#: the first step of a flow whose first page is buttons only (ClaimsProviderSelection)
SELECTION = ("ClaimsProviderSelection", "ClaimsProviderSelection")


def properties(config: Mapping[str, Any]) -> dict[str, Any]:
    """The flow's properties with B2C's defaults filled in."""
    return {**DEFAULT_PROPERTIES, **config.get("properties", {})}


def _step(order: int, kind: str, *exchanges: tuple[str, str], pre=(), selections=()):
    return OrchestrationStep(order, kind, tuple(exchanges), tuple(pre), tuple(selections))


def _steps_for(flow_type: str, sspr: bool, social: list[tuple[str, str]] = (),
               local: bool = True) -> list[tuple]:
    """(type, exchanges, preconditions, selections) for each step, before numbering.

    ``social`` are the (ClaimsExchange id, technical profile id) pairs of the flow's identity
    providers; with them the journey takes the starter pack's SocialAndLocalAccounts shape
    (buttons on the first page, the provider's exchange in step 2, then
    :func:`_social_steps`).  ``local`` False: local accounts are None (buttons only)."""
    sign_in = ("LocalAccountSigninEmailExchange", "SelfAsserted-LocalAccountSignin-Email")
    sign_up = ("SignUpWithLogonEmailExchange", "LocalAccountSignUpWithLogonEmail")
    forgot = ("ForgotPasswordExchange", "LocalAccountDiscoveryUsingEmailAddress")
    new_password = ("NewCredentials", "LocalAccountWritePasswordUsingObjectId")
    read = ("AADUserReadWithObjectId", "AAD-UserReadUsingObjectId")
    social = list(social)
    buttons = [exchange for exchange, _profile in social]
    first = sign_in if local else SELECTION
    first_type = "CombinedSignInAndSignUp" if local else "ClaimsProviderSelection"
    if flow_type == "signUpOrSignIn":
        sspr = sspr and local
        steps = [(first_type, [first], [],
                  ([sign_up[0]] if local else []) + ([forgot[0]] if sspr else []) + buttons),
                 ("ClaimsExchange", ([sign_up] if local else []) + ([forgot] if sspr else [])
                  + social, [SKIP_IF_SIGNED_IN], [])]
        if sspr:
            steps.append(("ClaimsExchange", [new_password], [ONLY_WHEN_RESETTING], []))
        return steps + _social_steps(social, sign_up=True) + [("ClaimsExchange", [read], [], [])]
    if flow_type == "signUp":
        if not social:
            return [("ClaimsExchange", [sign_up], [], []), ("ClaimsExchange", [read], [], [])]
        return [("ClaimsProviderSelection", [SELECTION], [],
                 ([sign_up[0]] if local else []) + buttons),
                ("ClaimsExchange", ([sign_up] if local else []) + social, [], []),
                *_social_steps(social, sign_up=True), ("ClaimsExchange", [read], [], [])]
    if flow_type in ("signIn", "profileUpdate"):
        steps = [(first_type, [first], [], buttons)]
        if social:
            steps.append(("ClaimsExchange", social, [SKIP_IF_SIGNED_IN], []))
        steps += _social_steps(social, sign_up=False) + [("ClaimsExchange", [read], [], [])]
        if flow_type == "profileUpdate":
            steps.append(("ClaimsExchange",
                          [("ProfileEditExchange", "SelfAsserted-ProfileUpdate")], [], []))
        return steps
    if flow_type == "passwordReset":
        return [("ClaimsExchange", [forgot], [], []),
                ("ClaimsExchange", [new_password], [], []),
                ("ClaimsExchange", [read], [], [])]
    raise ValueError(f"user flow type {flow_type!r} has no pages: it runs at the token endpoint")


def _social_steps(social: list, *, sign_up: bool) -> list[tuple]:
    """After the provider: find the account by its federated identity; on sign-up, the
    PostFederationSignup connector, the social account sign-up page and the write (each
    skipped once ``objectId`` exists), as the starter pack's SignUpOrSignIn steps 3-6."""
    if not social:
        return []
    if not sign_up:
        return [("ClaimsExchange", [("AADUserReadUsingAlternativeSecurityId",
                                     "AAD-UserReadUsingAlternativeSecurityId")],
                 [LOCAL_SIGN_IN, SKIP_IF_SIGNED_IN], [])]
    return [("ClaimsExchange", [("AADUserReadUsingAlternativeSecurityId",
                                 "AAD-UserReadUsingAlternativeSecurityId-NoError")],
             [LOCAL_SIGN_IN, SKIP_IF_SIGNED_IN], []),
            ("ClaimsExchange", [(EXCHANGES["PostFederationSignup"], "REST-PostFederationSignup")],
             [SKIP_IF_SIGNED_IN], []),
            ("ClaimsExchange", [("SelfAsserted-Social", "SelfAsserted-Social")],
             [SKIP_IF_SIGNED_IN], []),
            ("ClaimsExchange", [("AADUserWrite", "AAD-UserWriteUsingAlternativeSecurityId")],
             [SKIP_IF_SIGNED_IN], [])]


def _connector_profiles(config: Mapping[str, Any], flow_type: str) -> dict[str, TechnicalProfile]:
    """The REST profiles of the API connectors attached to the steps this flow type has."""
    allowed = STEPS_BY_FLOW_TYPE.get(flow_type, ())
    handlers = {"PostAttributeCollection": "RestApi",
                "PreTokenIssuance": "RestApiPreTokenIssuance",
                "PostFederationSignup": "RestApiPostFederationSignup"}
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


def _federation_profiles(providers, config) -> dict[str, TechnicalProfile]:
    """One technical profile per ticked provider, by the exchange id its button carries."""
    returns_token = "identityProviderAccessToken" in config.get("application_claims", ())
    profiles: dict[str, TechnicalProfile] = {}
    for provider in providers:
        exchange, tp_id = exchange_id(provider), profile_id(provider)
        while exchange in profiles:  # two OpenID Connect providers with look-alike names
            exchange, tp_id = exchange.replace("Exchange", "2Exchange"), tp_id + "2"
        profiles[exchange] = TechnicalProfile(
            tp_id, "Federation", provider.display_name,
            metadata={"provider_id": provider.id, "kind": provider.kind,
                      "domain": provider.domain, "return_access_token": returns_token},
            output_claims=tuple(ClaimRef(c) for c in (
                "issuerUserId", "displayName", "givenName", "surname", "email",
                "identityProvider", "authenticationSource")))
    return profiles


def _social_profiles(config, attributes, connectors) -> list[TechnicalProfile]:
    """The profiles the steps after a provider run (see :func:`_social_steps`)."""
    before_write = ("REST-PostAttributeCollection",) if "PostAttributeCollection" in connectors \
        else ()
    persisted = tuple(dict.fromkeys(("displayName", "givenName", "surname", *(
        a["claim"] for a in config.get("user_attributes", ()) if a["claim"] != "email"))))
    return [
        TechnicalProfile("AAD-UserReadUsingAlternativeSecurityId-NoError",
                         "DirectoryReadAlternativeSecurityId"),
        TechnicalProfile("AAD-UserReadUsingAlternativeSecurityId",
                         "DirectoryReadAlternativeSecurityId",
                         metadata={"raise_if_missing": True}),
        social_sign_up_page(config, attributes, validation_profiles=(
            *before_write, "AAD-UserWriteUsingAlternativeSecurityId")),
        TechnicalProfile("AAD-UserWriteUsingAlternativeSecurityId", "DirectoryWriteFederated",
                         metadata={"persisted_claims": persisted},
                         validation_profiles=before_write),
    ]


def compile_user_flow(name: str, config: Mapping[str, Any],
                      attributes: Mapping[str, AttributeDef],
                      providers: Sequence[SocialProvider] = ()) -> Journey:
    """Compile a user flow's configuration into its journey.

    ``providers`` are the identity providers the flow ticked (``config["identity_providers"]``,
    resolved by the caller); profile editing, sign-in and the sign-up flows offer them.

    :raise ValueError: for a flow this emulator cannot run (named in the message).
    """
    flow_type = config.get("type", "signUpOrSignIn")
    if flow_type not in FLOW_TYPES:
        raise ValueError(f"user flow type {flow_type!r} is not supported by this emulator yet")
    providers = tuple(providers) if flow_type in SOCIAL_TYPES else ()
    local = config.get("local_account_type", "email")
    if local not in SIGN_IN_TYPES and (not providers or flow_type == "passwordReset"):
        raise ValueError("this user flow has no identity provider: its local accounts are set "
                         "to None and no social provider is configured")
    has_local = local in SIGN_IN_TYPES
    props = properties(config)
    sspr = bool(props["self_service_password_reset"]) and flow_type == "signUpOrSignIn"
    links_sign_up = flow_type == "signUpOrSignIn"
    federation = _federation_profiles(providers, config)
    buttons = tuple({"exchange": exchange, "label": profile.display_name,
                     "kind": profile.metadata["kind"], "domain": profile.metadata["domain"]}
                    for exchange, profile in federation.items())
    profiles = {p.id: p for p in (
        sign_up_page(config, props, attributes), password_discovery_page(),
        new_password_page(props), profile_edit_page(config, attributes),
        *common_profiles(config))}
    if has_local:
        page = sign_in_page(config, props, sign_up_link=links_sign_up, sspr=sspr,
                            social=buttons)
        profiles[page.id] = page
    if buttons and (flow_type == "signUp" or not has_local):
        page = selection_page(social=buttons, sign_up=flow_type == "signUp" and has_local,
                              content_definition="api.signuporsignin" if flow_type != "signUp"
                              else "api.idpselections.signup")
        profiles[page.id] = page
    steps = _steps_for(flow_type, sspr, [(e, p.id) for e, p in federation.items()], has_local)
    connectors = _connector_profiles(config, flow_type)
    if not federation:
        connectors.pop("PostFederationSignup", None)
    else:
        profiles.update({p.id: p for p in federation.values()})
        profiles.update({p.id: p for p in _social_profiles(config, attributes, connectors)})
    if "PostFederationSignup" not in connectors:
        steps = [s for s in steps if s[1] != [(EXCHANGES["PostFederationSignup"],
                                                "REST-PostFederationSignup")]]
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
