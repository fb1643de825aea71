"""The technical profiles user flows are built from, named as in the starter pack
(``SelfAsserted-LocalAccountSignin-Email``, ``LocalAccountSignUpWithLogonEmail``,
``LocalAccountDiscoveryUsingEmailAddress``...), so a learner meets the same names in the trace
and, later, in custom policies."""
from __future__ import annotations

from typing import Any, Mapping

from .attributes import AttributeDef
from .journey import ClaimRef, TechnicalProfile

#: local account type -> (identity signInType, sign-in label StringId, intro StringId)
SIGN_IN_TYPES = {"email": ("emailAddress", "logonIdentifier_email", "local_intro_email"),
                 "username": ("userName", "logonIdentifier_username", "local_intro_username")}
PASSWORD_FIELDS = ("newPassword", "reenterPassword")
#: input types that show the stored value and take no input (b2c-reference §5.5)
DISPLAY_ONLY = ("Readonly", "Paragraph")


def collected_claims(config: Mapping[str, Any], attributes: Mapping[str, AttributeDef],
                     *, all_optional: bool = False) -> list[ClaimRef]:
    """The flow's User attributes as page fields, in their page-layout order.  A built-in
    attribute without a Page layouts label gets its name in the page's language at render
    time; a custom attribute is labelled with its name (B2C never translates those)."""
    refs = []
    for item in sorted(config.get("user_attributes", ()), key=lambda a: a.get("order", 0)):
        attribute = attributes.get(item["claim"])
        if attribute is None or not attribute.collectable or attribute.claim == "email":
            continue
        fixed = item.get("label") or (attribute.label if attribute.custom else "")
        input_type = item.get("input_type") or attribute.input_type
        refs.append(ClaimRef(attribute.claim, fixed, input_type,
                             required=not (all_optional or item.get("optional", False))
                             and input_type not in DISPLAY_ONLY,
                             data_type=attribute.data_type,
                             readonly=input_type in DISPLAY_ONLY,
                             choices=tuple(item.get("choices") or ())))
    return refs


def _max_lengths(refs, attributes) -> dict[str, int]:
    return {r.claim: attributes[r.claim].max_length for r in refs
            if r.claim in attributes and attributes[r.claim].max_length}


def sign_in_page(config, props, *, sign_up_link: bool, sspr: bool,
                 social: tuple[dict, ...] = ()) -> TechnicalProfile:
    """The unified sign-in page (``unifiedssp``).  Without self-service password reset, "Forgot
    your password?" ends the run with AADB2C90118 for the app to handle.  ``social``: the
    buttons of the flow's identity providers (``{"exchange", "label"}``), shown above the
    local account form as B2C does."""
    sign_in_type, label, intro = SIGN_IN_TYPES[config.get("local_account_type", "email")]
    forgot = {"id": "forgotPassword", "label": "forgotpassword_link",
              "exchange": "ForgotPasswordExchange"}
    if not sspr:
        forgot["error"] = "AADB2C90118"
    links = [forgot]
    if sign_up_link:
        links.append({"id": "createAccount", "label": "createaccount_one_link",
                      "intro": "createaccount_intro",
                      "exchange": "SignUpWithLogonEmailExchange"})
    return TechnicalProfile(
        "SelfAsserted-LocalAccountSignin-Email", "SelfAsserted", "Local Account Signin",
        metadata={"contract": "unifiedssp", "content_definition": "api.signuporsignin",
                  "heading": "heading", "intro": intro, "primary_id": "next",
                  "primary_label": "button_signin", "links": links,
                  "kmsi": bool(props.get("keep_me_signed_in")), "social": tuple(social),
                  # B2C's unified page words a missing value per field ("requiredField_...")
                  "required_messages": {"signInName": "requiredField_" + label.split("_")[1],
                                        "password": "requiredField_password"}},
        output_claims=(ClaimRef("signInName", input_type="EmailBox"
                                if sign_in_type == "emailAddress" else "TextBox", label_id=label),
                       ClaimRef("password", input_type="Password", label_id="password")),
        validation_profiles=("login-NonInteractive",), sso_skippable=True)


def selection_page(*, social: tuple[dict, ...], sign_up: bool,
                   content_definition: str = "api.signuporsignin") -> TechnicalProfile:
    """A page of buttons only (ClaimsProviderSelection): the unified page of a flow whose
    local accounts are None, or the sign-up flow's identity provider selection page, where
    "Email signup" is one more button (``SignUpWithLogonEmailExchange``)."""
    buttons = tuple(social)
    if sign_up:
        buttons = ({"exchange": "SignUpWithLogonEmailExchange", "label_id": "email_signup"},
                   *buttons)
    return TechnicalProfile(
        "ClaimsProviderSelection", "SelfAsserted", "Identity provider selection",
        metadata={"contract": "unifiedssp", "content_definition": content_definition,
                  "heading": "heading" if content_definition == "api.signuporsignin"
                  else "heading_signup", "social": buttons, "selection_only": True},
        sso_skippable=True)


def social_sign_up_page(config, attributes, *, validation_profiles) -> TechnicalProfile:
    """``SelfAsserted-Social``: the social account sign-up page, prefilled from the bag (the
    provider's mapped claims, then a PostFederationSignup connector's).  It collects the flow's
    user attributes; the e-mail is shown (from the provider, editable) when the flow collects
    it, without a verification code (B2C's behaviour for a provider's e-mail is not
    documented for user flows: our choice)."""
    collected = collected_claims(config, attributes)
    if any(item.get("claim") == "email" for item in config.get("user_attributes", ())):
        collected.insert(0, ClaimRef("email", input_type="EmailBox"))
    return TechnicalProfile(
        "SelfAsserted-Social", "SelfAssertedSocial", "User ID signup",
        metadata={"contract": "selfasserted", "content_definition": "api.selfasserted",
                  "intro": "initial_intro", "primary_id": "continue",
                  "primary_label": "button_continue", "cancel": True,
                  "max_lengths": _max_lengths(collected, attributes)},
        output_claims=tuple(collected), validation_profiles=tuple(validation_profiles))


def sign_up_page(config, props, attributes) -> TechnicalProfile:
    """The local-account sign-up page: (user name), verified e-mail, password, attributes."""
    collected = collected_claims(config, attributes)
    username = config.get("local_account_type") == "username"
    fields = ((ClaimRef("signInName", label_id="username"),) if username else ()) + (
        ClaimRef("email", input_type="EmailBox", requires_verification=True),
        ClaimRef("newPassword", input_type="Password"),
        ClaimRef("reenterPassword", input_type="Password"), *collected)
    return TechnicalProfile(
        "LocalAccountSignUpWithLogonEmail", "SelfAsserted", "Email signup",
        metadata={"contract": "selfasserted", "content_definition": "api.localaccountsignup",
                  "intro": "initial_intro", "primary_id": "continue",
                  "primary_label": "button_continue", "cancel": True,
                  "password_complexity": props["password_complexity"],
                  "max_lengths": _max_lengths(collected, attributes)},
        output_claims=fields, validation_profiles=("AAD-UserWriteUsingLogonEmail",))


def password_discovery_page() -> TechnicalProfile:
    """Forgot your password?, step one: prove the e-mail address by a code."""
    return TechnicalProfile(
        "LocalAccountDiscoveryUsingEmailAddress", "SelfAsserted", "Reset password using email",
        metadata={"contract": "selfasserted",
                  "content_definition": "api.localaccountpasswordreset",
                  "heading": "heading_reset", "intro": "intro_reset", "primary_id": "continue",
                  "primary_label": "button_continue_generic", "cancel": True},
        output_claims=(ClaimRef("email", input_type="EmailBox", requires_verification=True),),
        validation_profiles=("AAD-UserReadUsingEmailAddress",))


def new_password_page(props) -> TechnicalProfile:
    """Forgot your password?, step two: the new password (complexity enforced)."""
    return TechnicalProfile(
        "LocalAccountWritePasswordUsingObjectId", "SelfAsserted", "Change password",
        metadata={"contract": "selfasserted",
                  "content_definition": "api.localaccountpasswordreset",
                  "intro": "intro_new_password", "primary_id": "continue",
                  "primary_label": "button_continue_generic", "cancel": True,
                  "password_complexity": props["password_complexity"]},
        output_claims=(ClaimRef("newPassword", input_type="Password"),
                       ClaimRef("reenterPassword", input_type="Password")),
        validation_profiles=("AAD-UserWritePasswordUsingObjectId",))


def profile_edit_page(config, attributes) -> TechnicalProfile:
    """The profile edit page, prefilled from the directory."""
    collected = collected_claims(config, attributes)
    return TechnicalProfile(
        "SelfAsserted-ProfileUpdate", "SelfAsserted", "Profile edit",
        metadata={"contract": "selfasserted",
                  "content_definition": "api.selfasserted.profileupdate",
                  "heading": "heading_profile", "intro": "intro_profile",
                  "primary_id": "continue", "primary_label": "button_continue_generic",
                  "cancel": True, "persisted_claims": tuple(r.claim for r in collected),
                  "max_lengths": _max_lengths(collected, attributes)},
        output_claims=tuple(collected),
        validation_profiles=("AAD-UserWriteProfileUsingObjectId",))


def common_profiles(config) -> tuple[TechnicalProfile, ...]:
    """The non-page profiles: credential check, directory read/writes, token issuer."""
    sign_in_type = SIGN_IN_TYPES.get(config.get("local_account_type", "email"),
                                     SIGN_IN_TYPES["email"])[0]
    sign_up_claims = tuple(a["claim"] for a in config.get("user_attributes", ()))
    return (
        TechnicalProfile("login-NonInteractive", "LocalCredentialValidation",
                         metadata={"sign_in_type": sign_in_type}),
        TechnicalProfile("AAD-UserWriteUsingLogonEmail", "DirectoryWrite",
                         metadata={"sign_in_type": sign_in_type,
                                   "persisted_claims": sign_up_claims}),
        TechnicalProfile("AAD-UserReadUsingEmailAddress", "AccountDiscovery"),
        TechnicalProfile("AAD-UserWritePasswordUsingObjectId", "DirectoryWritePassword"),
        TechnicalProfile("AAD-UserWriteProfileUsingObjectId", "DirectoryUpdate",
                         metadata={"persisted_claims": sign_up_claims}),
        TechnicalProfile("AAD-UserReadUsingObjectId", "DirectoryRead"),
        TechnicalProfile("JwtIssuer", "JwtIssuer"),
    )


def mfa_profile(props) -> TechnicalProfile | None:
    """The MFA step's profile, or None when enforcement is Off."""
    enforcement = props.get("mfa_enforcement", "off")
    if enforcement == "off":
        return None
    method = props.get("mfa_method", "email")
    return TechnicalProfile(f"MFA-{method}", "Mfa", "Multifactor authentication",
                            metadata={"method": method, "enforcement": enforcement,
                                      "contract": "multifactor",
                                      "content_definition": "api.phonefactor"})
