"""Validation technical profiles: what runs when a self-asserted page is submitted (IEF's
ValidationTechnicalProfiles): credential check with smart lockout, account creation, account
discovery for password reset, password and profile writes.  Each takes the submitted claims and
returns claims for the bag, or raises :class:`FieldError` with the message the page shows.
"""
from __future__ import annotations

from typing import Any

from .journey import StepContext
from .lockout import after_failure, after_success
from .ports import AccountExists
from .strings import text


class FieldError(Exception):
    """A validation profile refused the submission; ``field`` None means a page-level error.

    ``string_id`` names the B2C string (ErrorMessage) so the page can say it in its language
    and apply the flow's overrides; ``message`` is the English text (ROPC answers with it).
    """

    def __init__(self, message: str, field: str | None = None, *,
                 string_id: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.string_id = string_id

    @classmethod
    def of(cls, string_id: str, field: str | None = None) -> "FieldError":
        """The refusal B2C words as ``string_id``."""
        return cls(text(string_id), field, string_id=string_id)


def authenticate_local(directory, policy, sign_in_type: str, name: str, password: str,
                       now: float, event) -> str:
    """Check a local account's credentials with smart lockout; return its object id.

    Shared by the sign-in page and the ROPC grant.  ``event(activity, **details)`` records
    audit events.  :raise FieldError: with B2C's message (unknown, disabled, locked, wrong).
    """
    account = directory.find_local_account(sign_in_type, name)
    activity = "Validate local account credentials"
    if account is None:
        directory.check_password(None, password)  # as slow as a wrong password: no timing oracle
        event(activity, result="failure", reason="not found")
        raise FieldError.of("UserMessageIfClaimsPrincipalDoesNotExist")
    user = account.object_id
    if not account.account_enabled:
        event(activity, result="failure", user=user, reason="AADB2C90111: account disabled")
        raise FieldError.of("UserMessageIfUserAccountDisabled")
    if account.lockout.is_locked(now):
        event(activity, result="failure", user=user, reason="AADB2C90114: account locked")
        raise FieldError.of("UserMessageIfUserAccountLocked")
    if not directory.check_password(user, password):
        state = after_failure(account.lockout, directory.password_fingerprint(user, password),
                              now, policy)
        directory.save_lockout(user, state)
        locked = state.is_locked(now)
        event(activity, result="failure", user=user,
              reason="AADB2C90114: account locked" if locked else "wrong password",
              failedAttempts=state.failures)
        raise FieldError.of("UserMessageIfUserAccountLocked" if locked
                            else "UserMessageIfInvalidPassword")
    if account.lockout.failures or account.lockout.periods:
        directory.save_lockout(user, after_success())
    event(activity, user=user)
    return user


def validate_local_credentials(ctx: StepContext, profile: Any, claims: dict) -> dict:
    """``login-NonInteractive``: the sign-in page's credential check."""
    user = authenticate_local(ctx.ports.directory, ctx.ports.lockout,
                              profile.metadata.get("sign_in_type", "emailAddress"),
                              claims.get("signInName", ""), claims.get("password", ""),
                              ctx.now, ctx.event)
    return {"objectId": user, "authenticationSource": "localAccountAuthentication"}


def discover_account(ctx: StepContext, profile: Any, claims: dict) -> dict:
    """``AAD-UserReadUsingEmailAddress``: the account whose verified e-mail was given."""
    account = ctx.ports.directory.find_by_email(claims.get("email", ""))
    if account is None:
        raise FieldError.of("UserMessageIfAccountNotFoundForReset")
    return {"objectId": account.object_id, "isForgotPassword": True}


def write_password(ctx: StepContext, profile: Any, claims: dict) -> dict:
    """``AAD-UserWritePasswordUsingObjectId``: set the new password; it also unlocks."""
    ctx.ports.directory.set_password(ctx.state.bag["objectId"], claims["newPassword"])
    ctx.event("Reset password (self-service)", user=ctx.state.bag["objectId"])
    return {}


def update_profile(ctx: StepContext, profile: Any, claims: dict) -> dict:
    """``AAD-UserWriteProfileUsingObjectId``: write the edited attributes."""
    persisted = profile.metadata.get("persisted_claims", ())
    ctx.ports.directory.update_attributes(
        ctx.state.bag["objectId"], {k: claims.get(k) for k in persisted})
    ctx.event("Update user profile", user=ctx.state.bag["objectId"])
    return {}


def write_local_account(ctx: StepContext, profile: Any, claims: dict) -> dict:
    """``AAD-UserWriteUsingLogonEmail``: create the account with the persisted claims."""
    persisted = profile.metadata.get("persisted_claims", ())
    email = claims.get("email")
    try:
        object_id = ctx.ports.directory.create_local_account(
            sign_in_type=profile.metadata.get("sign_in_type", "emailAddress"),
            sign_in_name=claims.get("signInName") or email, email=email,
            password=claims["newPassword"],
            attributes={k: claims[k] for k in persisted if claims.get(k) not in (None, "")})
    except AccountExists:
        raise FieldError.of("UserMessageIfClaimsPrincipalAlreadyExists") from None
    ctx.event("A self-service sign-up request was completed", user=object_id)
    return {"objectId": object_id, "newUser": True,
            "authenticationSource": "localAccountAuthentication"}


def _post_attribute_collection(ctx, profile, claims):
    from .rest_api import validate_post_attribute_collection  # rest_api imports this module

    return validate_post_attribute_collection(ctx, profile, claims)


def _write_federated_account(ctx, profile, claims):
    from .federation_accounts import write_federated_account  # it imports this module

    return write_federated_account(ctx, profile, claims)
def _custom_policy_page(ctx, profile, claims):
    from .ief.handlers import validate_page  # it imports this module

    return validate_page(ctx, profile, claims)


VALIDATORS = {
    "RestApi": _post_attribute_collection,
    "DirectoryWriteFederated": _write_federated_account,
    "LocalCredentialValidation": validate_local_credentials,
    "DirectoryWrite": write_local_account,
    "AccountDiscovery": discover_account,
    "DirectoryWritePassword": write_password,
    "DirectoryUpdate": update_profile,
    # a custom policy page's ValidationTechnicalProfiles, run as one chain
    "IefValidation": _custom_policy_page,
}
