"""Page-level resources files (b2c-reference §6.5): the strings each page of a user flow
shows, B2C's LocalizedStrings JSON that overrides them per language, and the documents the
portal offers as *Download defaults* and *Download overrides*.

An upload is checked strictly (:func:`parse_localized_strings`): a mistake is named with the
entry it is in, and nothing is kept from a file that has one.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Collection, Iterable

from .journey import ClaimRef, Journey
from .languages import CLAIM_STRING_IDS, PageTexts

MAX_ENTRIES = 1000
MAX_VALUE_LENGTH = 2048
ELEMENT_TYPES = ("UxElement", "ClaimType", "ErrorMessage")
#: fields of the pages that are not user attributes, but may be relabelled (ClaimType)
PAGE_CLAIMS = ("signInName", "password", "newPassword", "reenterPassword", "email")


@dataclass(frozen=True)
class PageStrings:
    """One content definition: its Page layouts row name and the StringIds it shows."""

    name: str
    ux: tuple[str, ...]
    errors: tuple[str, ...] = ()


_FIELDS = ("required_field", "error_requiredFieldMissing", "error_fieldIncorrect",
           "invalid_email", "error_notInteger", "error_notBoolean", "error_maxLength")
_SELF_ASSERTED = ("button_cancel", *_FIELDS)
_VERIFICATION = ("ver_intro_msg", "ver_but_send", "ver_but_verify", "ver_but_resend",
                 "ver_but_edit", "ver_input", "ver_info_msg", "ver_success_msg", "ver_fail_code",
                 "ver_fail_code_expired", "ver_fail_throttled", "ver_fail_retry", "ver_required")
_PASSWORD = ("error_passwordEntryMismatch", "error_passwordTooLong", "error_passwordDigits",
             "error_passwordLength", "error_passwordClasses")

PAGES: dict[str, PageStrings] = {
    "api.signuporsignin": PageStrings(
        "Unified sign up or sign in page",
        ("heading", "social_intro", "local_intro_email", "local_intro_username",
         "logonIdentifier_email",
         "logonIdentifier_username", "password", "button_signin", "forgotpassword_link",
         "createaccount_intro", "createaccount_one_link", "divider_title", "remember_me",
         "requiredField_email",
         "requiredField_username", "requiredField_password", *_FIELDS),
        ("UserMessageIfClaimsPrincipalDoesNotExist", "UserMessageIfInvalidPassword",
         "UserMessageIfUserAccountDisabled", "UserMessageIfUserAccountLocked")),
    "api.localaccountsignup": PageStrings(
        "Local account sign up page",
        ("initial_intro", "button_continue", "username", *_SELF_ASSERTED, *_VERIFICATION,
         *_PASSWORD),
        ("UserMessageIfClaimsPrincipalAlreadyExists",)),
    "api.localaccountpasswordreset": PageStrings(
        "Forgot password page",
        ("heading_reset", "intro_reset", "intro_new_password", "button_continue_generic",
         *_SELF_ASSERTED, *_VERIFICATION, *_PASSWORD),
        ("UserMessageIfAccountNotFoundForReset",)),
    "api.selfasserted": PageStrings(
        "Social account sign up page",
        ("initial_intro", "button_continue", *_SELF_ASSERTED),
        ("UserMessageIfClaimsPrincipalAlreadyExists",)),
    "api.selfasserted.profileupdate": PageStrings(
        "Profile edit page",
        ("heading_profile", "intro_profile", "button_continue_generic", *_SELF_ASSERTED)),
    # B2C's StringIds where it has them, B2C Lab's own (mfa_...) otherwise (see .strings)
    "api.phonefactor": PageStrings(
        "Multifactor authentication page",
        ("mfa_title", "mfa_heading", "mfa_method_intro", "mfa_method_email", "mfa_method_phone",
         "mfa_method_sms", "mfa_method_call", "mfa_method_totp", "mfa_intro_destination",
         "number_label", "local_number_input_placeholder_text", "mfa_phone_help",
         "button_send_code", "text_button_send_second_code",
         "verification_code_input_placeholder_text", "button_verify_code", "mfa_totp_scan",
         "mfa_totp_qr_alt", "mfa_totp_manual", "mfa_totp_enter", "mfa_code_sent",
         "mfa_send_code_first", "invalid_number", "error_incorrect_code")),
}


class LocalizedStringsError(ValueError):
    """An uploaded file was refused; the message says where and why."""


def flow_pages(journey: Journey) -> list[str]:
    """The content definitions of the pages ``journey`` can show, in step order."""
    pages: list[str] = []
    for step in journey.steps:
        for _exchange, profile_id in step.exchanges:
            page = journey.profiles[profile_id].metadata.get("content_definition")
            if page in PAGES and page not in pages:
                pages.append(page)
    return pages


def page_claims(journey: Journey, page: str) -> list[ClaimRef]:
    """The fields the page ``page`` shows in ``journey`` (each claim once)."""
    claims: dict[str, ClaimRef] = {}
    for step in journey.steps:
        for _exchange, profile_id in step.exchanges:
            profile = journey.profiles[profile_id]
            if profile.metadata.get("content_definition") == page:
                for ref in profile.output_claims:
                    claims.setdefault(ref.claim, ref)
    return list(claims.values())


def defaults_document(page: str, language: str, claims: Iterable[ClaimRef]) -> dict[str, Any]:
    """*Download defaults*: every string of ``page`` in ``language``, ``"Override": false``."""
    texts = PageTexts(language)
    spec = PAGES[page]
    entries = [{"ElementType": "UxElement", "StringId": sid, "Override": False,
                "Value": texts.text(sid)} for sid in spec.ux]
    entries += [{"ElementType": "ClaimType", "ElementId": ref.claim, "StringId": "DisplayName",
                 "Override": False, "Value": texts.label(ref.claim, ref.label, ref.label_id)}
                for ref in claims]
    entries += [{"ElementType": "ErrorMessage", "StringId": sid, "Override": False,
                 "Value": texts.text(sid)} for sid in spec.errors]
    return {"LocalizedStrings": entries, "LocalizedCollections": []}


def overrides_document(entries: list[dict] | None) -> dict[str, Any]:
    """*Download overrides*: the entries last uploaded for the page and language."""
    return {"LocalizedStrings": list(entries or []), "LocalizedCollections": []}


def _load(raw: bytes) -> dict:
    try:
        document = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise LocalizedStringsError("The file is not UTF-8 text.") from None
    except json.JSONDecodeError as error:
        raise LocalizedStringsError(f"The file is not valid JSON: {error.msg} (line "
                                    f"{error.lineno}, column {error.colno}).") from None
    if not isinstance(document, dict) or not isinstance(document.get("LocalizedStrings"), list):
        raise LocalizedStringsError('The file must be a JSON object with a "LocalizedStrings" '
                                    "list, as Download defaults gives.")
    unknown = sorted(set(document) - {"LocalizedStrings", "LocalizedCollections"})
    if unknown:
        raise LocalizedStringsError(f"Unknown key '{unknown[0]}': a page-level resources file "
                                    "has LocalizedStrings and LocalizedCollections only.")
    if document.get("LocalizedCollections"):
        raise LocalizedStringsError("LocalizedCollections (drop-down items) are not supported "
                                    "in B2C Lab: leave the list empty.")
    if len(document["LocalizedStrings"]) > MAX_ENTRIES:
        raise LocalizedStringsError(f"Too many entries: at most {MAX_ENTRIES}.")
    return document


def _check_string_id(where: str, element_type: str, string_id: str, page: str) -> None:
    spec = PAGES[page]
    known = spec.ux if element_type == "UxElement" else spec.errors
    if string_id in known:
        return
    other = next((p for p, s in PAGES.items()
                  if string_id in (s.ux if element_type == "UxElement" else s.errors)), None)
    hint = f" (it is a string of {other})" if other else ""
    raise LocalizedStringsError(f"{where}: unknown StringId '{string_id}': it is not an "
                                f"{element_type} of {page}{hint}.")


def _check_entry(where: str, entry: Any, page: str, known_claims: Collection[str]) -> dict:
    if not isinstance(entry, dict):
        raise LocalizedStringsError(f"{where} must be a JSON object.")
    element_type, string_id = entry.get("ElementType"), entry.get("StringId")
    if element_type not in ELEMENT_TYPES:
        raise LocalizedStringsError(f"{where}: unknown ElementType {json.dumps(element_type)} "
                                    "(use UxElement, ClaimType or ErrorMessage).")
    if not isinstance(string_id, str) or not string_id:
        raise LocalizedStringsError(f"{where}: StringId is missing.")
    if not isinstance(entry.get("Override"), bool):
        raise LocalizedStringsError(f'{where} ({string_id}): "Override" must be true (apply '
                                    "the value) or false (keep the default).")
    value = entry.get("Value")
    if not isinstance(value, str) or len(value) > MAX_VALUE_LENGTH:
        raise LocalizedStringsError(f'{where} ({string_id}): "Value" must be text of at most '
                                    f"{MAX_VALUE_LENGTH} characters.")
    checked = {"ElementType": element_type, "StringId": string_id,
               "Override": entry["Override"], "Value": value}
    if element_type == "ClaimType":
        claim = entry.get("ElementId")
        if claim not in known_claims:
            raise LocalizedStringsError(f"{where}: unknown ElementId {json.dumps(claim)}: name "
                                        "a user attribute (displayName, extension_...) or a "
                                        "field of the page.")
        if string_id not in CLAIM_STRING_IDS:
            raise LocalizedStringsError(f"{where}: unknown StringId '{string_id}' for a "
                                        "ClaimType (use DisplayName, UserHelpText or "
                                        "PatternHelpText).")
        return {"ElementType": element_type, "ElementId": claim, **checked}
    _check_string_id(where, element_type, string_id, page)
    return checked


def parse_localized_strings(raw: bytes, page: str,
                            known_claims: Collection[str]) -> list[dict[str, Any]]:
    """The entries of an uploaded LocalizedStrings file for ``page``, checked and normalized.

    ``known_claims`` are the tenant's user attributes; the page's own fields are added.
    :raise LocalizedStringsError: for the first problem found (nothing is kept).
    """
    document = _load(raw)
    claims = {*known_claims, *PAGE_CLAIMS}
    return [_check_entry(f"LocalizedStrings[{index}]", entry, page, claims)
            for index, entry in enumerate(document["LocalizedStrings"])]
