"""GET shows the current step's page; POST submits it (CSRF-protected by Flask-WTF).

A link such as "Sign up now" is a GET with ``claimsexchange=...``, as in B2C's own URLs.
"""
from __future__ import annotations

from flask import request

from ..engine.errors import B2CError
from ..protocol.context import resolve_policy
from ..protocol.errors import error_page, protocol_error_page
from ..store import transactions
from . import bp
from .runner import run

LOST_STATE_HINT = ("The sign-in page was opened in another browser, has expired, or was already "
                   "completed. Start again from the application.")


@bp.route("/<tenant>/<policy>/api/step", methods=["GET", "POST"])
@protocol_error_page
def step(tenant: str, policy: str):
    ctx = resolve_policy(tenant, policy)
    tx = transactions.load_transaction(request.values.get("tx"),
                                       request.cookies.get(transactions.COOKIE))
    if tx is None or tx.policy.lower() != ctx.policy.lower():
        return error_page(B2CError("AADB2C90046", hint=LOST_STATE_HINT), 400)
    if request.method == "GET":
        exchange = request.args.get("claimsexchange")
        return run(tx, ctx, {"action": "select", "exchange": exchange} if exchange else None,
                   came_back=not exchange)
    # Several checked boxes of one CheckboxMultiSelect arrive as a list; other fields as text.
    form = {key: values if len(values) > 1 else values[0]
            for key, values in request.form.to_dict(flat=False).items()}
    # A form of another step than the current one is stale (back button, double submit): the
    # runner shows the current page, or applies it once Back from a provider rewound the run.
    page_step = request.form.get("step", "")
    return run(tx, ctx, form, came_back=page_step != str(tx.state["step"]), page_step=page_step)
