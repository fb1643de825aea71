"""User flow runs: every run (transaction) newest first, and its trace: each step run or
skipped and why, the claims bag after each step, and why each claim is or is not in the token."""
from __future__ import annotations

import datetime as dt

from flask import render_template, request

from ...engine.explain import explain_claims
from ...extensions import db
from ...models import AppRegistration, FlowTransaction
from ...store.attributes import tenant_catalogue
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
    explained = explain_claims(run.flow_config, final_bag, tenant_catalogue())
    return render_template("portal/runs/detail.html", run=run, explained=explained,
                           apps=_app_names(),
                           when=lambda ts: dt.datetime.fromtimestamp(ts, dt.timezone.utc)
                           .strftime("%H:%M:%S.%f")[:-3])
