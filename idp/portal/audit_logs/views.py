"""Audit logs (Azure AD B2C > Activities > Audit logs): the filtered list, one record in Graph's
``directoryAudit`` shape, the CSV Download of the current filter, and the retention setting."""
from __future__ import annotations

import csv
import io
import json
from urllib.parse import urlencode

from flask import (Response, flash, redirect, render_template, request, stream_with_context,
                   url_for)

from ...extensions import db
from ...models import AppRegistration, AuditRecord, UserFlow
from ...models._base import utcnow
from ...store.tenant import current_tenant
from ..common import audit_change, choices, get_or_404
from . import bp
from .forms import AuditFilterForm, AuditRetentionForm
from .queries import activities, conditions, page_of, stream_rows
from .retention import (purge_expired_audit_records, retention_days, set_retention_days)
from .shape import CSV_COLUMNS, csv_row, directory_audit


def _app_names() -> dict[str, str]:
    return dict(db.session.execute(db.select(AppRegistration.client_id, AppRegistration.name)
                                   .order_by(AppRegistration.name)).all())


def _filter_form(app_names: dict[str, str]) -> AuditFilterForm:
    """The filter bar from the query string, its selects filled with what exists."""
    form = AuditFilterForm(request.args)
    form.activity.choices = choices([("", "All")] + [(a, a) for a in activities()])
    form.application.choices = choices([("", "All")] + list(app_names.items()))
    flows = db.session.execute(db.select(UserFlow.name).order_by(UserFlow.name)).scalars()
    form.user_flow.choices = choices([("", "All")] + [(f, f) for f in flows])
    form.validate()
    return form


def _query_string(filters: dict, **extra) -> str:
    return urlencode({**{k: str(v) for k, v in filters.items()}, **extra})


def _render_index(retention: AuditRetentionForm, status: int = 200):
    app_names = _app_names()
    form = _filter_form(app_names)
    filters = form.filters()
    page = page_of(conditions(filters, current_tenant().domain),
                   1 if form.page.errors else form.page.data or 1)
    return render_template("portal/audit_logs/index.html", form=form, page=page,
                           filters=filters, query_string=_query_string,
                           retention=retention, app_names=app_names), status


@bp.get("/")
def index():
    if purge_expired_audit_records():
        db.session.commit()
    return _render_index(AuditRetentionForm(data={"retention_days": retention_days()}))


@bp.get("/<int:record_id>")
def show(record_id: int):
    record = get_or_404(AuditRecord, record_id)
    shape = directory_audit(record, current_tenant().domain, _app_names().get(record.app_id))
    return render_template("portal/audit_logs/show.html", record=record, shape=shape,
                           pretty=json.dumps(shape, indent=2, ensure_ascii=False),
                           back=request.args.get("back", ""))


def _csv_lines(where: list):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for row in stream_rows(where):
        writer.writerow(csv_row(row))
        if buffer.tell() > 64_000:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


@bp.get("/download")
def download():
    """The current filter as CSV, streamed (Excel-friendly: UTF-8 with a BOM)."""
    where = conditions(_filter_form(_app_names()).filters(), current_tenant().domain)
    name = f"AuditLogs_{utcnow():%Y-%m-%d}.csv"
    body = stream_with_context(_prefixed("\ufeff", _csv_lines(where)))
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


def _prefixed(first: str, chunks):
    yield first
    yield from chunks


@bp.post("/retention")
def update():
    form = AuditRetentionForm()
    if not form.validate_on_submit():
        return _render_index(form, 400)
    tenant = current_tenant()
    old = retention_days(tenant)
    set_retention_days(tenant, form.retention_days.data)
    purged = purge_expired_audit_records(tenant=tenant)
    audit_change("Update audit log retention", category="Directory",
                 oldRetentionDays=old, newRetentionDays=form.retention_days.data,
                 recordsPurged=purged)
    db.session.commit()
    flash(f"Audit log retention is {form.retention_days.data} days"
          + (f"; {purged} older record(s) deleted." if purged else "."), "success")
    return redirect(url_for(".index"), 303)
