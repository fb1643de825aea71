"""Running a transaction's journey one request at a time and answering with what it needs:
a page, the response to the app, or an error for the app."""
from __future__ import annotations

import time

from flask import make_response, redirect, render_template, request, url_for

from ..engine.authorize import AuthorizeRequest
from ..engine.handlers import HANDLERS
from ..engine.journey import Completed, Halted, RunState, ShowPage, advance
from ..extensions import db
from ..models import FlowTransaction
from ..protocol import issuance
from ..protocol.context import PolicyContext
from ..protocol.responses import error_to_app
from ..store import audit
from ..store.hashing import token_digest
from ..store.ports import make_ports

TEMPLATES = {"unifiedssp": "flows/unified.html", "selfasserted": "flows/selfasserted.html",
             "multifactor": "flows/mfa.html"}
#: a random id per browser; its hash marks browsers that passed MFA (Conditional enforcement)
MFA_DEVICE_COOKIE = "x-ms-cpim-mfa"


def page_url(ctx: PolicyContext, tx: FlowTransaction) -> str:
    return url_for("flows.step", tenant=ctx.tenant.domain, policy=ctx.policy, tx=tx.id)


def run(tx: FlowTransaction, ctx: PolicyContext, submission: dict | None = None):
    """Advance ``tx`` (with the page's ``submission``, if any), persist it, and respond."""
    journey = ctx.journey(tx.flow_config)
    state = RunState.from_json({**tx.state, "trace": list(tx.trace)})
    step_before = state.step
    events: list[dict] = []
    ports = make_ports(ctx.tenant)
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
    elif isinstance(outcome, Halted):
        tx.status = "failed"
        req = AuthorizeRequest.from_json(tx.request)
        response = error_to_app(req.redirect_uri, req.response_mode, req.state, outcome.error)
    elif submission is not None and state.step != step_before:
        response = redirect(page_url(ctx, tx), 303)  # a new page: Post/Redirect/Get
    else:
        response = render_page(tx, ctx, outcome)
    db.session.commit()
    return response


def render_page(tx: FlowTransaction, ctx: PolicyContext, page: ShowPage):
    template = TEMPLATES.get(page.view["contract"], "flows/selfasserted.html")
    return make_response(render_template(
        template, view=page.view, tx=tx, step=tx.state["step"], action=page_url(ctx, tx),
        policy=ctx.policy, tenant=ctx.tenant))
