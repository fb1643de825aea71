"""The refresh grant of a custom policy: the relying party's ``Token`` endpoint journey.

The starter pack's relying parties name ``<Endpoint Id="Token"
UserJourneyReferenceId="RedeemRefreshToken"/>``: at each refresh B2C runs that journey without
pages.  ``RefreshTokenReadAndSetup`` (protocol None) puts the refresh token's ``objectId`` and
``refreshTokenIssuedOnDateTime`` in the bag, ``AAD-UserReadUsingObjectId-CheckRefreshTokenDate``
reads the account again and asserts the token was issued after ``refreshTokensValidFromDateTime``
(revocation), and ``SendClaims`` issues the relying party's claims as the directory has them now.
"""
from __future__ import annotations

import datetime as dt
import time

from ..engine.errors import B2CError
from ..engine.handlers import HANDLERS
from ..engine.journey import Completed, Halted, RunState, advance
from ..store import audit
from ..store.ports import make_ports


def redeem_refresh_journey(ctx, app, old) -> dict:
    """The claims of the new tokens, from the policy's Token journey run for ``old`` (the
    refresh token being spent).

    :raise B2CError: invalid_grant when the journey stops (the account was revoked, deleted...)
        or would need a page.
    """
    journey = ctx.custom.refresh_journey
    issued = old.created_at.replace(tzinfo=dt.timezone.utc)
    state = RunState(bag={"objectId": old.user_object_id,
                          "refreshTokenIssuedOnDateTime": issued.strftime("%Y-%m-%dT%H:%M:%SZ")})
    events: list[dict] = []
    outcome = advance(journey, state, handlers=HANDLERS,
                      request={"client_id": app.client_id, "scope": old.scope},
                      ports=make_ports(ctx.tenant, ctx.catalogue), now=time.time(),
                      events=events)
    for event in events:
        audit.record(event.pop("activity"), result=event.pop("result"),
                     user=event.pop("user", None), app_id=app.client_id, policy=ctx.policy,
                     **event)
    if isinstance(outcome, Completed):
        return ctx.token_claims(journey, outcome.bag, client_id=app.client_id)[1]
    reason = (outcome.error.description if isinstance(outcome, Halted)
              else "its journey needs a page, and a refresh has none")
    raise B2CError(None, error="invalid_grant", message=(
        f"The refresh token cannot be redeemed: the policy's '{journey.id}' journey stopped "
        f"({reason})."))
