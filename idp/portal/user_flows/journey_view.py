"""What a user flow's Journey tab shows: the journey ``compile_user_flow`` makes of the flow,
described for a learner who will meet the same parts in a custom policy (orchestration steps,
preconditions, claims exchanges, technical profiles and their protocol, claims, validation
technical profiles, the relying party).

Plain data in, plain data out (no Flask, no database): the view passes the compiled journey
and the API connectors it names.  The IEF markup of each part is in :mod:`.journey_xml`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from ...engine.journey import ClaimRef, Journey, Precondition, TechnicalProfile
from . import journey_xml

_TPENGINE = "Web.TPEngine.Providers.{}, Web.TPEngine, Version=1.0.0.0, Culture=neutral, " \
            "PublicKeyToken=null"
_AAD = ("Proprietary", _TPENGINE.format("AzureActiveDirectoryProvider"))
_SELF_ASSERTED = ("Proprietary", _TPENGINE.format("SelfAssertedAttributeProvider"))
_RESTFUL = ("Proprietary", _TPENGINE.format("RestfulProvider"))

#: our handler -> (what it does, IEF Protocol Name, IEF Handler) as the starter pack and
#: Microsoft's samples write them
HANDLERS: dict[str, tuple[str, str, str | None]] = {
    "SelfAsserted": ("A page: shows the fields, collects what the user enters, then runs its "
                     "validation technical profiles.", *_SELF_ASSERTED),
    "DirectoryRead": ("Reads the account's attributes from the directory.", *_AAD),
    "DirectoryWrite": ("Creates the local account in the directory with the persisted "
                       "claims.", *_AAD),
    "DirectoryUpdate": ("Writes the edited attributes to the account.", *_AAD),
    "DirectoryWritePassword": ("Writes the new password to the account.", *_AAD),
    "AccountDiscovery": ("Finds the account that has this e-mail address.", *_AAD),
    "LocalCredentialValidation": ("Checks the sign-in name and password (in B2C: a resource "
                                  "owner password request to the directory, as "
                                  "ProxyIdentityExperienceFramework).", "OpenIdConnect", None),
    "JwtIssuer": ("Issues the tokens to the application (ID token, access token, refresh "
                  "token).", "OpenIdConnect", None),
    "RestApi": ("Calls your REST API (an API connector) with the collected claims; a "
                "ValidationError answer shows its message on the page.", *_RESTFUL),
    "RestApiPreTokenIssuance": ("Calls your REST API (an API connector) before the token is "
                                "issued; the claims it returns go into the token.", *_RESTFUL),
    "Mfa": ("The second factor (Multifactor authentication in the flow's Properties).",
            "Proprietary", None),  # the handler depends on the method: see _mfa_protocol
    # identity providers ticked on the flow (the starter pack's SocialAndLocalAccounts)
    "Federation": ("Sends the user to the identity provider and checks what comes back; "
                   "its claims mapping fills the claims bag.", "OAuth2", None),  # see below
    "DirectoryReadAlternativeSecurityId": ("Finds the account by its federated identity "
                                           "(issuer and issuer-assigned id).", *_AAD),
    "SelfAssertedSocial": ("The social account sign-up page, prefilled from the provider's "
                           "claims, then its validation technical profiles.", *_SELF_ASSERTED),
    "DirectoryWriteFederated": ("Creates the account with its federated identity.", *_AAD),
    "RestApiPostFederationSignup": ("Calls your REST API (an API connector) after the user "
                                    "federates at sign-up; Continue prefills the sign-up page.",
                                    *_RESTFUL),
}
STEP_TYPES = {
    "CombinedSignInAndSignUp": "Shows the sign-in page. Its links (sign up, forgot password) "
                               "choose which claims exchange the next step runs.",
    "ClaimsProviderSelection": "Shows a choice of identity providers; the choice picks the "
                               "claims exchange of the next step.",
    "ClaimsExchange": "Runs one technical profile: a page the user fills in, or a call with no "
                      "page (the directory, a REST API).",
    "SendClaims": "Issues the token: the issuer technical profile sends the relying party's "
                  "output claims to the application.",
}
#: the flow's Properties labels (forms.MFA_METHODS, MFA_ENFORCEMENT)
MFA_METHODS = {"email": "Email", "phone": "SMS or phone call", "sms": "SMS only",
               "call": "Phone call only", "totp": "Authenticator app - TOTP"}
MFA_ENFORCEMENT = {"always": "Always on", "conditional": "Conditional"}
#: why a claim that preconditions test is (or is not) in the claims bag
CLAIM_HINTS = {
    "objectId": "an earlier step signed the user in to an existing account",
    "isForgotPassword": "the user chose Forgot your password?",
    "mfaCompleted": "the second factor was already done in this session",
}


@dataclass(frozen=True)
class PreconditionView:
    words: str
    xml: str


@dataclass(frozen=True)
class StepView:
    order: int
    type: str
    help: str
    content_definition: str | None
    preconditions: tuple[PreconditionView, ...]
    #: (ClaimsExchange Id, technical profile id)
    exchanges: tuple[tuple[str, str], ...]
    selections: tuple[str, ...]
    issuer: str | None
    note: str = ""


@dataclass(frozen=True)
class ClaimView:
    claim: str
    partner_claim: str | None
    required: bool
    notes: str


@dataclass
class ProfileView:
    id: str
    display_name: str
    handler: str
    does: str
    protocol: str
    protocol_handler: str | None
    used_by: list[str]
    output_claims: list[ClaimView]
    input_claims: list[ClaimView]
    persisted_claims: list[str]
    validation_profiles: list[str]
    session: str | None
    metadata: list[tuple[str, str]]
    xml: str = ""


@dataclass
class JourneyView:
    id: str
    steps: list[StepView]
    profiles: list[ProfileView]
    relying_party: list[tuple[str, str]]
    subject: str
    journey_xml: str
    relying_party_xml: str


def precondition_words(p: Precondition) -> str:
    """"Skipped when objectId exists (...)" / "Skipped unless ..." for one precondition."""
    claim = p.values[0]
    if p.kind == "ClaimEquals":
        test = f"{claim} equals '{p.values[1]}'"
    else:
        test = f"{claim} exists"
    hint = CLAIM_HINTS.get(claim)
    lead = "Skipped when" if p.execute_action_if_true else "Skipped unless"
    return f"{lead} {test}" + (f" ({hint})" if hint else "") + "."


def describe(journey: Journey, connectors: Mapping[str, Mapping[str, Any]]) -> JourneyView:
    """The Journey tab's content.  ``connectors``: API connector id -> display_name,
    endpoint_url, auth_type (those the journey's REST profiles name)."""
    steps = [_step(journey, s) for s in journey.steps]
    profiles = {}
    for step in journey.steps:
        for exchange_id, profile_id in step.exchanges:
            label = step.type if step.type == "SendClaims" else exchange_id
            _collect(journey, profile_id, f"step {step.order} ({label})", profiles,
                     connectors)
    rp = list(journey.relying_party.output_claims)
    return JourneyView(
        id=journey.id, steps=steps, profiles=list(profiles.values()), relying_party=rp,
        subject=journey.relying_party.subject_claim,
        journey_xml=journey_xml.user_journey(journey, _content_definition),
        relying_party_xml=journey_xml.relying_party(journey))


def _content_definition(journey: Journey, step) -> str | None:
    if step.type in ("CombinedSignInAndSignUp", "ClaimsProviderSelection") and step.exchanges:
        return journey.profiles[step.exchanges[0][1]].metadata.get("content_definition")
    return None


def _step(journey: Journey, step) -> StepView:
    note = ""
    if step.type == "ClaimsExchange" and len(step.exchanges) > 1:
        note = ("The exchange a link on the previous page chose runs; without a choice, the "
                "first one.")
    return StepView(
        order=step.order, type=step.type, help=STEP_TYPES.get(step.type, ""),
        content_definition=_content_definition(journey, step),
        preconditions=tuple(PreconditionView(precondition_words(p), journey_xml.precondition(p))
                            for p in step.preconditions),
        exchanges=step.exchanges if step.type != "SendClaims" else (),
        selections=step.selections,
        issuer=step.exchanges[0][1] if step.type == "SendClaims" and step.exchanges else None,
        note=note)


def _collect(journey: Journey, profile_id: str, used_by: str, into: dict,
             connectors: Mapping[str, Mapping[str, Any]]) -> None:
    """Add ``profile_id`` and, after it, its validation technical profiles."""
    if profile_id in into:
        into[profile_id].used_by.append(used_by)
        return
    profile = journey.profiles.get(profile_id)
    if profile is None:
        return
    into[profile_id] = _profile(profile, used_by, connectors)
    for validation in profile.validation_profiles:
        _collect(journey, validation, f"validation of {profile_id}", into, connectors)


def _claim(ref: ClaimRef) -> ClaimView:
    notes = [] if ref.input_type == "TextBox" else [ref.input_type]
    if ref.readonly:
        notes.append("read-only")
    if ref.requires_verification:
        notes.append("verified by a code sent by e-mail")
    if ref.choices:
        notes.append("choices: " + ", ".join(ref.choices))
    return ClaimView(ref.claim, journey_xml.partner_claim(ref), ref.required, "; ".join(notes))


def _profile(profile: TechnicalProfile, used_by: str,
             connectors: Mapping[str, Mapping[str, Any]]) -> ProfileView:
    does, protocol, handler = HANDLERS.get(profile.handler, ("", "", None))
    if profile.handler == "Mfa":
        method = profile.metadata.get("method", "email")
        protocol, handler = _mfa_protocol(method)
        enforcement = profile.metadata.get("enforcement", "always")
        does += (f" Type of method: {MFA_METHODS.get(method, method)}; MFA enforcement: "
                 f"{MFA_ENFORCEMENT.get(enforcement, enforcement)}.")
    if profile.handler == "Federation" and profile.metadata.get("kind") == "oidc":
        protocol = "OpenIdConnect"  # Facebook and Google are OAuth2 in the starter pack
    if profile.handler.startswith("RestApi"):
        connector = connectors.get(profile.metadata.get("connector_id")) or {}
        does += f" API connector: {connector.get('display_name', '(deleted)')}."
    complexity = profile.metadata.get("password_complexity")
    if complexity:
        level = complexity if isinstance(complexity, str) else "Custom"
        does += (f" Password complexity: {level} (in a custom policy: the Predicates and "
                 "PredicateValidations of the password claims).")
    metadata = journey_xml.metadata_items(profile, connectors)
    view = ProfileView(
        id=profile.id, display_name=profile.display_name, handler=profile.handler, does=does,
        protocol=protocol, protocol_handler=handler, used_by=[used_by],
        output_claims=[_claim(r) for r in profile.output_claims],
        input_claims=[_claim(r) for r in profile.input_claims],
        persisted_claims=list(profile.metadata.get("persisted_claims") or ()),
        validation_profiles=list(profile.validation_profiles),
        session="SM-AAD" if profile.sso_skippable else None, metadata=metadata)
    view.xml = journey_xml.technical_profile(profile, protocol, handler, metadata)
    return view


def _mfa_protocol(method: str) -> tuple[str, str | None]:
    """The handler Microsoft's MFA samples use for each method."""
    if method in ("phone", "sms", "call"):
        return "Proprietary", _TPENGINE.format("PhoneFactorProtocolProvider")
    if method == "totp":
        return "Proprietary", _TPENGINE.format("AzureMfaProtocolProvider")
    return _SELF_ASSERTED  # e-mail: a self-asserted page with a verification display control
