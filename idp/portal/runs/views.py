"""User flow runs: every run (transaction) newest first, and its trace: each step run or
skipped and why, the claims bag after each step, and why each claim is or is not in the token."""
from __future__ import annotations

import datetime as dt

from flask import render_template, request

from ...engine.explain import IN_TOKEN, RETURNED_BUT_EMPTY, explain_claims
from ...engine.ief.model import PolicyError
from ...engine.journey import Precondition
from ...engine.user_flows import compile_user_flow
from ...extensions import db
from ...models import AppRegistration, FlowTransaction
from ...protocol.policy_claims import relying_party_claims
from ...store import custom_policies
from ...store.attributes import tenant_catalogue
from ...store.federation import social_providers
from ..common import get_or_404
from . import bp

PAGE_SIZE = 50


@bp.get("/")
def index():
    page = max(request.args.get("page", 1, type=int), 1)
    rows = db.session.execute(
        db.select(FlowTransaction).order_by(FlowTransaction.created_at.desc(),
                                            FlowTransaction.id)
        .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)).scalars().all()
    return render_template("portal/runs/index.html", runs=rows[:PAGE_SIZE], page=page,
                           has_next=len(rows) > PAGE_SIZE, apps=_app_names())


def _app_names() -> dict[str, str]:
    return dict(db.session.execute(db.select(AppRegistration.client_id, AppRegistration.name))
                .all())


@bp.get("/<run_id>")
def detail(run_id: str):
    run = get_or_404(FlowTransaction, run_id)
    final_bag = run.trace[-1]["bag"] if run.trace else {}
    if run.policy.upper().startswith("B2C_1A_"):
        explained = explain_custom_policy_claims(run.policy, final_bag)
    else:
        explained = explain_claims(run.flow_config, final_bag, tenant_catalogue())
    return render_template("portal/runs/detail.html", run=run, explained=explained,
                           apps=_app_names(), steps=journey_steps(run),
                           when=lambda ts: dt.datetime.fromtimestamp(ts, dt.timezone.utc)
                           .strftime("%H:%M:%S.%f")[:-3])


def journey_steps(run: FlowTransaction) -> list[dict]:
    """The orchestration steps of the journey the run follows (custom policy or user flow),
    each with its claims exchanges and its preconditions in words; [] when the policy is gone
    or can no longer compile."""
    try:
        if run.policy.upper().startswith("B2C_1A_"):
            loaded = custom_policies.load_compiled(run.policy)
            journey = loaded.compiled.journey if loaded and loaded.compiled else None
        else:
            journey = compile_user_flow(run.policy, run.flow_config, tenant_catalogue(),
                                        social_providers(run.flow_config))
    except (PolicyError, ValueError, KeyError):
        journey = None
    if journey is None:
        return []
    return [{"order": step.order, "type": step.type, "exchanges": list(step.exchanges),
             "preconditions": [describe_precondition(p) for p in step.preconditions]}
            for step in journey.steps]


def describe_precondition(pre: Precondition) -> str:
    """``ClaimsExist: skip this step if objectId exists`` (ExecuteActionsIf false inverts)."""
    claim = pre.values[0] if pre.values else "?"
    if pre.kind == "ClaimEquals":
        value = pre.values[1] if len(pre.values) > 1 else ""
        holds = f"equals '{value}'" if pre.execute_action_if_true else f"does not equal '{value}'"
    else:
        holds = "exists" if pre.execute_action_if_true else "does not exist"
    return f"{pre.kind}: skip this step if {claim} {holds}"


def explain_custom_policy_claims(policy: str, bag: dict) -> list[dict]:
    """Why each relying-party OutputClaim of a custom policy is, or is not, in the token."""
    try:
        loaded = custom_policies.load_compiled(policy)
    except (PolicyError, ValueError, KeyError):
        loaded = None
    if loaded is None or loaded.merged.relying_party is None:
        return []
    specs, subject = relying_party_claims(loaded.merged)
    rows = []
    for spec in specs:
        value = bag.get(spec.claim)
        token_claim = "sub" if spec.token_claim == subject else spec.token_claim
        if spec.default is not None and (spec.always_use_default or value in (None, "", [])):
            value, status = spec.default, IN_TOKEN
            why = (f"An OutputClaim of the relying party with DefaultValue '{spec.default}'"
                   + (" and AlwaysUseDefaultValue: the default always wins"
                      if spec.always_use_default else ": the run had no value of its own")
                   + " (claim resolvers such as {Policy:TenantObjectId} are filled in).")
        elif value in (None, "", []):
            status = RETURNED_BUT_EMPTY
            why = ("An OutputClaim of the relying party, but no step of this run produced it, "
                   "so the token leaves it out.")
        else:
            status = IN_TOKEN
            why = "An OutputClaim of the relying party, and a step of the run produced it."
        if token_claim == "sub":
            why += " SubjectNamingInfo names it: it is the token's subject."
        rows.append({"claim": spec.claim, "label": spec.claim, "token_claim": token_claim,
                     "value": value, "status": status, "why": why})
    return rows
