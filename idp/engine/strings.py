"""The page strings, by B2C's StringId (b2c-reference §6.5), in English, and the look-up of
every built-in language (one module each: ``strings_fr``, ``strings_de``, ``strings_es``,
``strings_ja``).

The StringIds are B2C's so that a learner's LocalizedStrings JSON means the same thing here.
A few are B2C Lab's own, for messages B2C phrases through predicates we do not model
(``error_notInteger``, ``error_maxLength``, the ``error_password*`` complexity messages).
Built-in attributes' display names (ElementType ClaimType, StringId DisplayName) are in
:data:`EN_CLAIMS`, localized as B2C does; custom attributes are never translated.
"""
from __future__ import annotations

from types import MappingProxyType
from typing import Mapping

from . import strings_de, strings_es, strings_fr, strings_ja
from .attributes import BUILT_IN

EN: dict[str, str] = {
    # unified sign-up or sign-in page (unifiedssp)
    "heading": "Sign in",
    "local_intro_email": "Sign in with your email address",
    "local_intro_username": "Sign in with your user name",
    "logonIdentifier_email": "Email Address",
    "logonIdentifier_username": "Username",
    "password": "Password",
    "button_signin": "Sign in",
    "remember_me": "Keep me signed in",
    "forgotpassword_link": "Forgot your password?",
    "createaccount_intro": "Don't have an account?",
    "createaccount_one_link": "Sign up now",
    "divider_title": "OR",
    "social_intro": "Sign in with your social account",
    "email_signup": "Email signup",
    "heading_signup": "Sign up",
    "requiredField_email": "Please enter your Email Address",
    "requiredField_username": "Please enter your user name",
    "requiredField_password": "Please enter your password",
    "invalid_email": "Please enter a valid email address.",
    # self-asserted pages
    "initial_intro": "Please provide the following details.",
    "button_continue": "Create",
    "button_cancel": "Cancel",
    "required_field": "This information is required.",
    "error_requiredFieldMissing": "A required field is missing. Please fill out all required "
                                  "fields and try again.",
    "error_fieldIncorrect": "One or more fields are filled out incorrectly. Please check your "
                            "entries and try again.",
    "error_passwordEntryMismatch": "The password entry fields do not match. Please enter the "
                                   "same password in both fields and try again.",
    "error_notInteger": "Please enter a whole number, such as 42.",
    "error_notAChoice": "Please choose one of the options.",
    "error_notADate": "Please enter a valid date.",
    "select_placeholder": "Select",
    "error_notBoolean": "Please enter true or false.",
    "error_maxLength": "Please enter at most {0} characters.",
    "error_passwordTooLong": "The password is too long: it must be at most 72 bytes (fewer "
                             "characters if you use accents or emoji).",
    "error_passwordDigits": "The password must be a number of {0} to {1} digits.",
    "error_passwordLength": "The password must be between {0} and {1} characters.",
    "error_passwordClasses": "The password must have at least {0} of the following: a "
                             "lowercase letter, an uppercase letter, a digit, a symbol.",
    "username": "Username",
    # e-mail verification control
    "ver_intro_msg": "Verification is necessary. Please click Send button.",
    "ver_but_send": "Send verification code",
    "ver_but_verify": "Verify code",
    "ver_but_resend": "Send new code",
    "ver_but_edit": "Change e-mail",
    "ver_input": "Verification code",
    "ver_info_msg": "Verification code has been sent to your inbox. Please copy it to the input "
                    "box below.",
    "ver_success_msg": "E-mail address verified. You can now continue.",
    "ver_fail_code": "That code is incorrect. Please try again.",
    "ver_fail_code_expired": "That code is expired. Please request a new code.",
    "ver_fail_throttled": "There have been too many requests to verify this email address. "
                          "Please wait a while, then try again.",
    "ver_fail_retry": "You've made too many incorrect attempts. Please try again later.",
    "ver_required": "You must verify your email address before you can continue.",
    # error messages (ElementType ErrorMessage)
    "UserMessageIfClaimsPrincipalDoesNotExist": "We can't seem to find your account.",
    "UserMessageIfInvalidPassword": "Your password is incorrect.",
    "UserMessageIfClaimsPrincipalAlreadyExists": "A user with the specified ID already exists. "
                                                 "Please choose a different one.",
    "UserMessageIfUserAccountDisabled": "Your account has been locked. Contact your support "
                                        "person to unlock it, then try again.",
    "DefaultMessage": "Invalid username or password.",
    "UserMessageIfUserAccountLocked": "Your account is temporarily locked to prevent "
                                      "unauthorized use. Try again later.",
    "UserMessageIfAccountNotFoundForReset": "An account could not be found for the provided "
                                            "user ID.",
    # password reset and profile editing pages
    "button_continue_generic": "Continue",
    "heading_reset": "Forgot your password?",
    "intro_reset": "Verify your email address, then choose a new password.",
    "intro_new_password": "Choose a new password.",
    "heading_profile": "Edit profile",
    "intro_profile": "Update your details.",
    # multifactor authentication page (api.phonefactor).  B2C's StringIds where B2C has one
    # (button_send_code, text_button_send_second_code, button_verify_code, number_label,
    # local_number_input_placeholder_text, verification_code_input_placeholder_text,
    # invalid_number, error_incorrect_code: each checked against the api.phonefactor table of
    # B2C's "Localization string IDs" reference), with B2C Lab's own wording kept (B2C's
    # defaults: "Send Code", "Send a new code", "Verify Code", "Phone Number", "Phone number",
    # "Verification code", "Please enter a valid phone number", "The verification code you
    # have entered does not match our records. Please try again, or request a new code.").
    # The ids that start with mfa_ are B2C Lab's own, for texts of our single-page MFA that B2C
    # words differently (its intro_sms / intro_entry_* texts assume a phone on file).
    "mfa_title": "Multifactor authentication",
    "mfa_heading": "Verify it's you",
    "mfa_method_intro": "Multifactor authentication: {0}",
    "mfa_method_email": "Email",
    "mfa_method_phone": "SMS or phone call",
    "mfa_method_sms": "SMS only",
    "mfa_method_call": "Phone call only",
    "mfa_method_totp": "Authenticator app - TOTP",
    "mfa_intro_destination": "We will send a code to {0}.",
    "number_label": "Phone number",
    "local_number_input_placeholder_text": "+14255550100",
    "mfa_phone_help": "Include the country code. B2C Lab sends the text message or call to the "
                      "mailbox.",
    "button_send_code": "Send code",
    "text_button_send_second_code": "Send new code",
    "verification_code_input_placeholder_text": "Verification code",
    "button_verify_code": "Verify code",
    "mfa_totp_scan": "Scan this QR code with your authenticator app (Microsoft Authenticator, "
                     "Google Authenticator...), then enter the 6-digit code it shows.",
    "mfa_totp_qr_alt": "QR code to add this account to an authenticator app",
    "mfa_totp_manual": "Can't scan it? Enter this secret key in the app:",
    "mfa_totp_enter": "Enter the 6-digit code from your authenticator app.",
    "mfa_code_sent": "We sent a code to {0}. Enter it below.",
    "mfa_send_code_first": "Select Send code first.",
    "invalid_number": "Enter the phone number with its country code, such as +14255550100.",
    "error_incorrect_code": "That code is incorrect. Please try again.",
    # verification messages (e-mail, text message, call): B2C Lab's own ids; they follow the
    # page's language as B2C's do, but B2C offers no page-level override for them in user flows
    # (a custom e-mail needs a custom policy), so they are not listed in PAGES.  {0} tenant,
    # {1} code, {2} e-mail address.
    "email_verification_subject": "{0} account email verification code",
    "email_verification_body": "Verify your email address\n\nThanks for verifying your {2} "
                               "account!\nYour code is: {1}\n\nSincerely,\n{0}",
    "mfa_email_subject": "{0} account verification code",
    "mfa_sms_subject": "Text message from {0}",
    "mfa_call_subject": "Phone call from {0}",
    "mfa_code_body": "Your {0} verification code is: {1}",
}

#: display names of the built-in attributes and of the password fields (ClaimType DisplayName)
EN_CLAIMS: dict[str, str] = {**{a.claim: a.label for a in BUILT_IN},
                             "newPassword": "New Password",
                             "reenterPassword": "Confirm New Password"}

#: language code -> (StringId -> text, claim -> display name)
TABLES: Mapping[str, tuple[Mapping[str, str], Mapping[str, str]]] = MappingProxyType({
    "en": (EN, EN_CLAIMS),
    "fr": (strings_fr.STRINGS, strings_fr.CLAIMS),
    "de": (strings_de.STRINGS, strings_de.CLAIMS),
    "es": (strings_es.STRINGS, strings_es.CLAIMS),
    "ja": (strings_ja.STRINGS, strings_ja.CLAIMS),
})


def text(string_id: str, language: str = "en") -> str:
    """The built-in string ``string_id`` in ``language`` (English when the language or the
    string is missing).  :raise KeyError: for a StringId B2C Lab does not know."""
    table = TABLES.get(language, TABLES["en"])[0]
    return table.get(string_id) or EN[string_id]


def claim_label(claim: str, language: str = "en") -> str | None:
    """A built-in attribute's display name in ``language``; None for other claims."""
    table = TABLES.get(language, TABLES["en"])[1]
    return table.get(claim) or EN_CLAIMS.get(claim)


def fill(template: str, *args: object) -> str:
    """``{0}``, ``{1}``... replaced by ``args`` (B2C's placeholders); other braces are kept, so
    a learner's override with a stray ``{`` never breaks the page."""
    for index, value in enumerate(args):
        template = template.replace("{%d}" % index, str(value))
    return template
