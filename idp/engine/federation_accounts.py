"""The directory steps around a federated sign-in (the starter pack's names):
``AAD-UserReadUsingAlternativeSecurityId(-NoError)`` finds the account by its federated identity,
the PostFederationSignup connector step sees that identity, and
``AAD-UserWriteUsingAlternativeSecurityId`` creates the account with it.
"""
from __future__ import annotations

from typing import Any, Mapping

from .errors import B2CError
from .journey import Continue, StepContext
from .ports import AccountExists
from .validation_profiles import FieldError


def federated_identity(bag: Mapping[str, Any]) -> dict[str, str]:
    """The Graph ``objectIdentity`` of the bag's federated sign-in."""
    return {"signInType": "federated", "issuer": str(bag.get("identityProvider", "")),
            "issuerAssignedId": str(bag.get("issuerUserId", ""))}


class ReadUsingAlternativeSecurityId:
    """``AAD-UserReadUsingAlternativeSecurityId(-NoError)``: the account holding the federated
    identity (issuer + issuerUserId).  Its stored claims win over the provider's, as the
    directory read's output claims overwrite the bag in IEF.  Not found: with ``-NoError``
    the journey goes on to sign-up; without (Sign in, Profile editing) the run ends with
    AADB2C99002, as the starter pack's profile raises it.  A disabled account ends with
    AADB2C90111.  (What a Sign in *user flow* does for an unknown social account is not
    documented: this is our choice.)"""

    interactive = False

    def run(self, ctx: StepContext) -> Continue:
        bag = ctx.state.bag
        account = ctx.ports.directory.find_federated_account(
            str(bag.get("identityProvider", "")), str(bag.get("issuerUserId", "")))
        if account is None:
            if ctx.profile.metadata.get("raise_if_missing"):
                raise B2CError("AADB2C99002", error="access_denied", hint=(
                    "This user flow only signs in: sign up first with a flow that offers "
                    "sign-up."))
            return Continue({}, note="no account holds this federated identity: sign-up "
                                     "follows")
        if not account.account_enabled:
            raise B2CError("AADB2C90111", error="access_denied")
        claims = ctx.ports.directory.read_claims(account.object_id)
        return Continue({**claims, "objectId": account.object_id},
                        note="found the account by its federated identity")


class PostFederationSignup:
    """``After federating with an identity provider during sign-up``: the connector sees the
    provider's claims and the federated identity; a Continue prefills the sign-up page."""

    interactive = False

    def run(self, ctx: StepContext) -> Continue:
        from .rest_api import call_connector  # rest_api imports validation_profiles

        bag = {**ctx.state.bag, "identities": [federated_identity(ctx.state.bag)]}
        claims = call_connector(ctx, "PostFederationSignup", bag)
        return Continue(claims, note="API connector answered Continue")


def write_federated_account(ctx: StepContext, profile: Any, claims: dict) -> dict:
    """``AAD-UserWriteUsingAlternativeSecurityId``: create the account with its federated
    identity (``signInType: federated``), the persisted claims and the e-mail as otherMails."""
    bag = {**ctx.state.bag, **claims}
    persisted = profile.metadata.get("persisted_claims", ())
    identity = federated_identity(bag)
    try:
        object_id = ctx.ports.directory.create_federated_account(
            issuer=identity["issuer"], issuer_user_id=identity["issuerAssignedId"],
            email=bag.get("email") or None,
            attributes={k: bag[k] for k in persisted if bag.get(k) not in (None, "")})
    except AccountExists:
        raise FieldError.of("UserMessageIfClaimsPrincipalAlreadyExists") from None
    ctx.event("A self-service sign-up request was completed", user=object_id,
              IdentityProviderName=identity["issuer"])
    return {"objectId": object_id, "newUser": True}


class WriteUsingAlternativeSecurityId:
    """The write as a step of its own, when no social sign-up page was shown (the flow collects
    no attribute): Before creating the user runs first, as it would on the page."""

    interactive = False

    def run(self, ctx: StepContext) -> Continue:
        from .validation_profiles import VALIDATORS

        claims: dict[str, Any] = {}
        try:
            for profile_id in ctx.profile.validation_profiles:
                validator_profile = ctx.profile_by_id(profile_id)
                claims.update(VALIDATORS[validator_profile.handler](ctx, validator_profile,
                                                                   claims))
            claims.update(write_federated_account(ctx, ctx.profile, claims))
        except FieldError as refusal:  # no page to show it on
            raise B2CError(None, error="access_denied", message=refusal.message) from None
        return Continue(claims, note="created the account with its federated identity")
