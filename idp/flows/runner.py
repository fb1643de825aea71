"""Running a transaction's journey one request at a time and answering with what it needs:
a page, the response to the app, or an error for the app."""
from __future__ import annotations

import time

from flask import redirect, request, url_for

from ..engine.authorize import AuthorizeRequest
from ..engine.handlers import HANDLERS
from ..engine.journey import (HIDDEN_IN_TRACE, Completed, Halted, RunState, ShowPage, advance,
                              current_profile, rewind_to_selection)
from ..engine.page_layouts import flavor_from_query, is_block_page
from ..extensions import db
from ..models import FlowTransaction
from ..protocol import issuance
from ..protocol.context import PolicyContext
from ..protocol.errors import error_page
from ..protocol.responses import error_to_app
from ..store import audit
from ..store.hashing import token_digest
from ..store.ports import make_ports
from .layouts import render_flow_page

TEMPLATES = {"unifiedssp": "flows/unified.html", "selfasserted": "flows/selfasserted.html",
             "multifactor": "flows/mfa.html"}
#: a random id per browser; its hash marks browsers that passed MFA (Conditional enforcement)
MFA_DEVICE_COOKIE = "x-ms-cpim-mfa"


def page_url(ctx: PolicyContext, tx: FlowTransaction) -> str:
    """The page's URL; a valid ``pageFlavor`` of this request is kept, so the choice lasts
    across the run's pages (forms post to this URL, redirects go to it)."""
    flavor = flavor_from_query(request.args.get("pageFlavor"))
    return url_for("flows.step", tenant=ctx.tenant.domain, policy=ctx.policy, tx=tx.id,
                   **({"pageFlavor": flavor} if flavor else {}))


def run(tx: FlowTransaction, ctx: PolicyContext, submission: dict | None = None, *,
        came_back: bool = False, page_step: str | None = None):
    """Advance ``tx`` (with the page's ``submission``, if any), persist it, and respond.

    ``came_back``: the browser asked for a page (GET, or a form of an earlier page) while the
    run waits for an identity provider's answer: it went Back from the provider, so the run
    returns to the page where the provider was chosen; a ``submission`` of that page applies.
    ``page_step``: the step a posted page was drawn for; another step's form is not applied.
    """
    journey = ctx.journey(tx.flow_config)
    state = RunState.from_json({**tx.state, "trace": list(tx.trace)})
    if came_back and state.step < len(journey.steps) and state.scratch.get("federation") \
            and current_profile(journey, state).handler == "Federation":
        rewind_to_selection(journey, state, time.time())
    if page_step is not None and page_step != str(state.step):
        submission = None  # a stale page (back button, double submit): show the current one
    step_before = state.step
    events: list[dict] = []
    ports = make_ports(ctx.tenant, ctx.catalogue, transaction_id=tx.id)
    device = request.cookies.get(MFA_DEVICE_COOKIE)
    context = {**tx.request, "browser_mfa_device": token_digest(device) if device else None}
    outcome = advance(journey, state, handlers=HANDLERS, request=context, ports=ports,
                      now=time.time(), submission=submission, events=events)
    for event in events:
        activity = event.pop("activity")
        audit.record(activity, result=event.pop("result"), user=event.pop("user", None),
                     app_id=tx.client_id, policy=ctx.policy, correlation_id=tx.id, **event)
    saved = state.to_json()
    tx.trace = saved.pop("trace")
    tx.state = saved
    if isinstance(outcome, Completed):
        response = issuance.complete(tx, ctx, journey, outcome.bag, sso=state.sso)
        # the provider's access token went into the code or token; the finished run keeps none
        tx.state = {**saved, "bag": {k: v for k, v in saved["bag"].items()
                                     if k not in HIDDEN_IN_TRACE}}
    elif isinstance(outcome, Halted) and getattr(outcome.error, "page", None):
        tx.status = "failed"  # a block or error page ends the run in the browser (B2C 1.7)
        response = halt_page(tx, ctx, outcome.error)
    elif isinstance(outcome, Halted):
        tx.status = "failed"
        req = AuthorizeRequest.from_json(tx.request)
        response = error_to_app(req.redirect_uri, req.response_mode, req.state, outcome.error)
    elif outcome.view.get("contract") == "redirect":  # to an identity provider
        response = redirect(outcome.view["redirect"], 303)
        response.headers["Cache-Control"] = "no-store"
    elif submission is not None and state.step != step_before:
        response = redirect(page_url(ctx, tx), 303)  # a new page: Post/Redirect/Get
    else:
        response = render_page(tx, ctx, outcome)
    db.session.commit()
    return response


def halt_page(tx: FlowTransaction, ctx: PolicyContext, error):
    """The block page (API connector ShowBlockPage) or B2C's error page (AADB2C90075)."""
    if error.page == "block":
        view = {"contract": "selfasserted", "content_definition": "api.selfasserted.blockpage",
                "heading": None, "message": error.message}
        return render_flow_page("flows/block.html", view, tenant=ctx.tenant, policy=ctx.policy,
                                config=tx.flow_config, tx=tx)
    return error_page(error)


def render_page(tx: FlowTransaction, ctx: PolicyContext, page: ShowPage):
    """The page in the layout its Page layouts row chooses (idp/flows/layouts.py); a view
    with a ``message`` and no fields is an API connector's block page."""
    template = ("flows/block.html" if is_block_page(page.view)
                else TEMPLATES.get(page.view["contract"], "flows/selfasserted.html"))
    return render_flow_page(template, page.view, tenant=ctx.tenant, policy=ctx.policy,
                            config=tx.flow_config, profile_id=page.profile.id, tx=tx,
                            step=tx.state["step"], action=page_url(ctx, tx))
