"""The technical-profile handlers, by the name a TechnicalProfile's ``handler`` gives.

Interactive handlers (pages) have ``render``/``submit``; the others have ``run``.  Validation
profiles (run inside a page's submit) are in :data:`.self_asserted.VALIDATORS`.
"""
from __future__ import annotations

from .federation import Federation
from .federation_accounts import (PostFederationSignup, ReadUsingAlternativeSecurityId,
                                  WriteUsingAlternativeSecurityId)
from .ief.handlers import HANDLERS as CUSTOM_POLICY_HANDLERS
from .journey import Continue, StepContext
from .mfa import Mfa
from .rest_api import PreTokenIssuance
from .self_asserted import SelfAsserted, SelfAssertedSocial


class DirectoryRead:
    """``AAD-UserReadUsingObjectId``: load the account's claims into the bag."""

    interactive = False

    def run(self, ctx: StepContext) -> Continue:
        claims = ctx.ports.directory.read_claims(ctx.state.bag["objectId"])
        # A value already in the bag (just collected or set by a connector) wins over the
        # stored one only for claims the bag has; reading never erases a claim.
        return Continue({k: v for k, v in claims.items() if k not in ctx.state.bag},
                        note="read the account from the directory")


HANDLERS = {
    "SelfAsserted": SelfAsserted(),
    "DirectoryRead": DirectoryRead(),
    "Mfa": Mfa(),
    "RestApiPreTokenIssuance": PreTokenIssuance(),
    "Federation": Federation(),
    "DirectoryReadAlternativeSecurityId": ReadUsingAlternativeSecurityId(),
    "RestApiPostFederationSignup": PostFederationSignup(),
    "SelfAssertedSocial": SelfAssertedSocial(),
    "DirectoryWriteFederated": WriteUsingAlternativeSecurityId(),
    **CUSTOM_POLICY_HANDLERS,  # custom policies' technical profiles (idp.engine.ief)
}
