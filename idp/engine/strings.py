"""The page strings, by B2C's StringId (b2c-reference §6.5), in English.

Languages and per-page overrides (issue: languages) will add tables beside this one; the
StringIds are B2C's so that a learner's LocalizedStrings JSON means the same thing here.
"""
from __future__ import annotations

EN: dict[str, str] = {
    # unified sign-up or sign-in page (unifiedssp)
    "heading": "Sign in",
    "local_intro_email": "Sign in with your email address",
    "local_intro_username": "Sign in with your user name",
    "logonIdentifier_email": "Email Address",
    "logonIdentifier_username": "Username",
    "password": "Password",
    "button_signin": "Sign in",
    "forgotpassword_link": "Forgot your password?",
    "createaccount_intro": "Don't have an account?",
    "createaccount_one_link": "Sign up now",
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
    "newPassword": "New Password",
    "reenterPassword": "Confirm New Password",
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
    "username": "Username",
}


def text(string_id: str, language: str = "en") -> str:
    """The string ``string_id`` (English until languages land)."""
    return EN[string_id]
