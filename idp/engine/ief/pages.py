"""A self-asserted technical profile as the page the user-flow templates already draw.

The page's fields are the profile's DisplayClaims, else its output claims, whose ClaimType has
a ``UserInputType`` (the others are set by default values, validation profiles or
transformations, never typed);
``Verified.Email`` as PartnerClaimType adds B2C's e-mail verification control.  The content
definition (the step's, else the profile's ``ContentDefinitionReferenceId``, else
``api.selfasserted``) chooses the template: ``unifiedssp`` (the unified sign-in page, with
"Forgot your password?" and the SignUpTarget link) or ``selfasserted``.  Texts are B2C's
StringIds (``button_continue``, ``initial_intro``...), overridden by the policy's
localization for that content definition.
"""
from __future__ import annotations

from ..journey import ClaimRef, TechnicalProfile
from .model import PolicyError, TechnicalProfileDef
from .runtime import CONTRACTS, PolicyRuntime

VERIFIED_EMAIL = "Verified.Email"
#: UserInputType -> the page's input type (B2C's names, as user flows use them)
INPUT_TYPES = ("TextBox", "EmailBox", "Password", "DateTimeDropdown", "RadioSingleSelect",
               "DropdownSingleSelect", "CheckboxMultiSelect", "Readonly", "Paragraph")
DATA_TYPES = {"boolean": "Boolean", "int": "Int", "long": "Int"}
#: with no page complexity setting, the ClaimType's own Restriction Pattern is the rule
NO_COMPLEXITY = {"character_set": "All", "min_length": 1, "max_length": 256,
                 "classes_required": 0}
FORGOT_PASSWORD_EXCHANGE = "ForgotPasswordExchange"


def _setting(tp: TechnicalProfileDef, key: str, default: str = "") -> str:
    return next((v for k, v in tp.metadata.items() if k.lower() == key.lower()),
                default).strip()


def _fields(tp: TechnicalProfileDef, runtime: PolicyRuntime, email_sign_in: bool,
            where: str) -> tuple[ClaimRef, ...]:
    fields = []
    # DisplayClaims, when the profile has them, choose and order the fields (B2C: "the
    # DisplayClaims element ... instead of OutputClaims"); Verified.Email stays an output claim
    verified = {runtime.claim(c.claim_type_reference_id) for c in tp.output_claims
                if c.partner_claim_type == VERIFIED_EMAIL}
    for claim in tp.display_claims or tp.output_claims:
        if claim.display_control_reference_id:
            raise PolicyError(f"The display control '{claim.display_control_reference_id}' is "
                              "not supported by this emulator yet: collect the claim as an "
                              "output claim (Verified.Email verifies an e-mail).", where)
        name = runtime.claim(claim.claim_type_reference_id)
        claim_type = runtime.claim_types.get(name)
        if claim_type is None or not claim_type.user_input_type:
            continue
        input_type = claim_type.user_input_type
        if input_type not in INPUT_TYPES:
            raise PolicyError(f"The UserInputType '{input_type}' of ClaimType '{name}' is not "
                              "supported by this emulator yet.", where)
        label_id = ""
        if name == "signInName" and email_sign_in:
            input_type, label_id = "EmailBox", "logonIdentifier_email"
        restriction = claim_type.restriction
        fields.append(ClaimRef(
            name, "" if label_id else (claim_type.display_name or name), input_type,
            required=claim.required,
            requires_verification=(claim.partner_claim_type == VERIFIED_EMAIL
                                   or name in verified),
            readonly=input_type in ("Readonly", "Paragraph"),
            data_type=DATA_TYPES.get(claim_type.data_type.lower(), "String"),
            choices=tuple(value for _text, value, _selected in restriction.enumeration)
            if restriction else (),
            label_id=label_id,
            pattern=restriction.pattern or "" if restriction else ""))
    return tuple(fields)


def _links(tp: TechnicalProfileDef, targets: tuple[str, ...]) -> list[dict]:
    """"Forgot your password?" (AADB2C90118 to the app, unless the step offers the
    ForgotPasswordExchange) and the sign-up link (SignUpTarget)."""
    links = []
    if _setting(tp, "setting.forgotPasswordLinkLocation", "AfterLabel").lower() != "none":
        forgot = {"id": "forgotPassword", "label": "forgotpassword_link",
                  "exchange": FORGOT_PASSWORD_EXCHANGE}
        if FORGOT_PASSWORD_EXCHANGE not in targets:
            forgot["error"] = "AADB2C90118"
        links.append(forgot)
    sign_up = _setting(tp, "SignUpTarget")
    if sign_up and _setting(tp, "setting.showSignupLink", "true").lower() != "false":
        links.append({"id": "createAccount", "label": "createaccount_one_link",
                      "intro": "createaccount_intro", "exchange": sign_up})
    return links


def page_profile(tp: TechnicalProfileDef, runtime: PolicyRuntime, step_content: str | None,
                 targets: tuple[str, ...], where: str, *,
                 sso_skippable: bool) -> TechnicalProfile:
    """The :class:`TechnicalProfile` the ``IefSelfAsserted`` handler runs for ``tp``
    (``where`` names the step and profile in messages)."""
    content = (step_content or _setting(tp, "ContentDefinitionReferenceId")
               or "api.selfasserted")
    if content not in runtime.content_definitions:
        raise PolicyError(f"The content definition '{content}' is not defined in the policy "
                          "or its base policies.", where)
    contract = runtime.contract(content)
    if contract not in CONTRACTS:
        raise PolicyError(f"The page contract '{contract}' of content definition '{content}' "
                          "is not supported by this emulator yet for a self-asserted profile "
                          "(it draws unifiedssp and selfasserted).", where)
    email = _setting(tp, "setting.operatingMode", "Email").lower() == "email"
    fields = _fields(tp, runtime, email and contract == "unifiedssp", where)
    metadata = {"ief": tp, "runtime": runtime, "contract": contract,
                "content_definition": content, "primary_id": "continue",
                "primary_label": "button_continue", "password_complexity": NO_COMPLEXITY}
    if contract == "unifiedssp":
        metadata.update(
            heading="heading", intro="local_intro_email" if email else "local_intro_username",
            primary_id="next", primary_label="button_signin", links=_links(tp, targets),
            kmsi=_setting(tp, "setting.enableRememberMe").lower() == "true",
            required_messages={"signInName": "requiredField_email" if email
                               else "requiredField_username",
                               "password": "requiredField_password"})
    else:
        metadata.update(
            intro="initial_intro",
            cancel=_setting(tp, "setting.showCancelButton", "true").lower() != "false")
    return TechnicalProfile(tp.id, "IefSelfAsserted", tp.display_name or tp.id,
                            metadata=metadata, output_claims=fields,
                            validation_profiles=(f"{tp.id}#validation",),
                            sso_skippable=sso_skippable)
