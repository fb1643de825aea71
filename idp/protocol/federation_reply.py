"""The federation reply URL, ``{base}/{tenant}.onmicrosoft.com/oauth2/authresp``: where every
identity provider sends the browser back (GET for ``response_mode=query``, POST for
``form_post``), as B2C's ``https://{tenant}.b2clogin.com/{tenant}.onmicrosoft.com/oauth2/authresp``.

The ``state`` names the run (``StateProperties=`` base64 JSON, see
:func:`idp.engine.federation.encode_state`); the run continues only in the browser that began it
(its ``x-ms-cpim-trans`` cookie) and only at a federation step, whose handler then checks the
state's random value, redeems the code and validates the ID token.
"""
from __future__ import annotations

from flask import render_template, request

from ..engine.errors import B2CError
from ..engine.federation import decode_state
from ..engine.journey import RunState, current_profile
from ..store import transactions
from .context import resolve_policy
from .errors import error_page, protocol_error_page

#: set on the copy of a form_post reply re-sent from our own page (see :func:`authresp`)
RESENT = "x-b2clab-resent"
LOST_HINT = ("The identity provider sent the browser back, but this browser has no sign-in in "
             "progress that matches (it expired, finished, or began in another browser). "
             "Start again from the application.")


@protocol_error_page
def authresp(tenant: str):
    params = request.form if request.method == "POST" else request.args
    decoded = decode_state(params.get("state"))
    if decoded is None:
        return error_page(B2CError(None, message=(
            "The identity provider's response carries no state B2C Lab issued, so it cannot "
            "be matched to a sign-in."), hint=LOST_HINT), 400)
    cookie = request.cookies.get(transactions.COOKIE)
    if request.method == "POST" and cookie is None and RESENT not in params:
        # A cross-site form_post does not carry our SameSite=Lax cookie: post the same fields
        # again from this origin, where it does.
        return render_template("protocol/form_post.html", redirect_uri=request.url,
                               params={**params.to_dict(), RESENT: "1"})
    tx = transactions.load_transaction(decoded[0], cookie)
    if tx is None:
        return error_page(B2CError("AADB2C90046", hint=LOST_HINT), 400)
    ctx = resolve_policy(tenant, tx.policy)
    # Imported here: the flow runner sits above this package and imports from it.
    from ..flows.runner import run

    journey = ctx.journey(tx.flow_config)
    state = RunState.from_json({**tx.state, "trace": []})
    if state.step >= len(journey.steps) or \
            current_profile(journey, state).handler != "Federation":
        return run(tx, ctx)  # a reply replayed after the step: show where the run is
    reply = {key: value for key, value in params.items() if key != RESENT}
    return run(tx, ctx, {"federation_reply": reply})
