"""Export and import: the tenant's configuration as one JSON file (an instructor prepares a
tenant and hands it to a room), and the import that loads such a file into this tenant."""
from __future__ import annotations

import json
import re

from flask import current_app, flash, redirect, render_template, request, url_for
from sqlalchemy.exc import IntegrityError

from ...extensions import db
from ...models import AppRegistration, DirectoryUser, UserAttribute, UserFlow
from ...models._base import utcnow
from ...store.tenant import current_tenant
from ...store.transfer import TransferError, export_tenant, import_tenant, parse_document
from ..common import audit_change
from . import bp
from .forms import MAX_IMPORT_BYTES, MODES, TOO_BIG, ExportForm, ImportForm

#: room for the rest of the multipart request around a file of MAX_IMPORT_BYTES.
FORM_OVERHEAD = 64 * 1024


@bp.get("/")
def index():
    return _page(ExportForm(), ImportForm())


@bp.post("/export", endpoint="export")
def export():
    form = ExportForm()
    if not form.validate_on_submit():
        return _page(form, ImportForm(formdata=None)), 400
    doc = export_tenant(include_users=form.include_users.data,
                        include_secrets=form.include_secrets.data)
    audit_change("Export tenant configuration", category="Directory",
                 IncludeUsers=form.include_users.data,
                 IncludeHashes=form.include_secrets.data)
    db.session.commit()
    name = re.sub(r"[^A-Za-z0-9_-]", "", doc["tenant"]["name"]) or "tenant"
    response = current_app.response_class(json.dumps(doc, indent=2, ensure_ascii=False),
                                          mimetype="application/json")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{name}-tenant-{utcnow():%Y%m%d}.json"')
    response.headers["Cache-Control"] = "no-store"  # it may hold password hashes
    return response


@bp.post("/import", endpoint="import")
def import_configuration():
    form = ImportForm()
    # Checked before the file is read: the app has no MAX_CONTENT_LENGTH of its own.
    if (request.content_length or 0) > MAX_IMPORT_BYTES + FORM_OVERHEAD:
        return _page(ExportForm(formdata=None), form, problems=[TOO_BIG]), 400
    if not form.validate_on_submit():
        return _page(ExportForm(formdata=None), form), 400
    try:
        summary = _import(form)
    except TransferError as exc:
        db.session.rollback()
        return _page(ExportForm(formdata=None), form, problems=exc.problems), 400
    flash(_summary_text(summary), "success")
    for note in summary["notes"]:
        flash(note, "warning")
    return redirect(url_for(".index"), 303)


def _import(form: ImportForm) -> dict:
    """Read, check and write the file, with its audit record, in one transaction.

    :raise TransferError: for any problem; nothing is written then.
    """
    doc = parse_document(form.file.data.read(MAX_IMPORT_BYTES + 1))
    summary = import_tenant(doc, merge=form.mode.data == "merge",
                            use_exported_tenant_id=form.use_exported_tenant_id.data)
    audit_change("Import tenant configuration", category="Directory",
                 FileName=(form.file.data.filename or "")[:255],
                 **{k: v for k, v in summary.items() if k != "notes"})
    try:
        db.session.commit()
    except IntegrityError as exc:  # a race with another change, or a rule the checks missed
        raise TransferError([f"The file conflicts with this tenant's data "
                             f"({exc.orig}). Nothing was imported."]) from None
    return summary


def _summary_text(summary: dict) -> str:
    parts = [f"{summary['userAttributes']} custom attribute(s)",
             f"{summary['userFlows']} user flow(s)",
             f"{summary['apiConnectors']} API connector(s)",
             f"{summary['identityProviders']} identity provider(s)",
             f"{summary['appRegistrations']} app registration(s)",
             f"{summary['appRoleAssignments']} app role assignment(s)"]
    if summary["users"] is not None:
        parts.append(f"{summary['users']} user(s)")
    mode = MODES[summary["mode"]]
    return f"Tenant configuration imported ({mode}): {', '.join(parts)}."


def _page(export_form: ExportForm, import_form: ImportForm, problems: list[str] | None = None):
    return render_template("portal/tenant/index.html", export_form=export_form,
                           import_form=import_form, problems=problems or [],
                           tenant=current_tenant(), counts=_counts())


def _counts() -> dict[str, int]:
    """What the tenant holds now (to compare before and after an import)."""
    columns = {"User flows": UserFlow.id, "Custom user attributes": UserAttribute.id,
               "App registrations": AppRegistration.id, "Users": DirectoryUser.object_id}
    return {label: db.session.scalar(db.select(db.func.count(column)))
            for label, column in columns.items()}
