"""API connectors: the list, New API connector, the connector's page (edit) and Delete (refused
while a user flow uses the connector, naming the flows, unless confirmed: then it is detached
from them).

Audit category: B2C files its own objects (identity providers, API connectors) under
"Resource", and user flows under "Policy" (b2c-reference §7.2), so connectors use "Resource".
The audit records name the connector, never its credentials.
"""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from ...extensions import db
from ...models import AUTH_TYPES, ApiConnector
from ..common import audit_change, get_or_404
from . import bp
from .attachments import all_connectors, detach, flows_using
from .credentials import credential_values
from .forms import ApiConnectorForm

CATEGORY = "Resource"


@bp.get("/")
def index():
    return render_template("portal/api_connectors/index.html", connectors=all_connectors(),
                           auth_types=AUTH_TYPES)


@bp.route("/new", methods=["GET", "POST"])
def create():
    form = ApiConnectorForm()
    if form.validate_on_submit():
        connector = ApiConnector()
        _apply(connector, form)
        db.session.add(connector)
        db.session.flush()  # assigns the id
        _audit("Create Api connector", connector)
        db.session.commit()
        flash(f"API connector '{connector.display_name}' created. Attach it to a step on a "
              "user flow's API connectors page.", "success")
        return redirect(url_for(".update", connector_id=connector.id), 303)
    return _form_page(form, None, 200 if request.method == "GET" else 400)


@bp.route("/<connector_id>/", methods=["GET", "POST"])
def update(connector_id: str):
    connector = get_or_404(ApiConnector, connector_id)
    form = ApiConnectorForm(connector, obj=connector)
    if form.validate_on_submit():
        _apply(connector, form)
        _audit("Update Api connector", connector)
        db.session.commit()
        flash(f"API connector '{connector.display_name}' saved.", "success")
        return redirect(url_for(".update", connector_id=connector.id), 303)
    return _form_page(form, connector, 200 if request.method == "GET" else 400)


def _apply(connector: ApiConnector, form: ApiConnectorForm) -> None:
    values = credential_values(form, form.connector, form.opened_certificate)
    values.update(display_name=form.display_name.data, endpoint_url=form.endpoint_url.data,
                  auth_type=form.auth_type.data, timeout_seconds=form.timeout_seconds.data,
                  retries=form.retries.data)
    for column, value in values.items():
        setattr(connector, column, value)


def _audit(activity: str, connector: ApiConnector) -> None:
    audit_change(activity, category=CATEGORY, ApiConnectorId=connector.id,
                 displayName=connector.display_name, targetUrl=connector.endpoint_url,
                 authenticationType=AUTH_TYPES[connector.auth_type].split(" (")[0],
                 timeoutSeconds=connector.timeout_seconds, retries=connector.retries)


def _form_page(form: ApiConnectorForm, connector: ApiConnector | None, status: int):
    return render_template("portal/api_connectors/form.html", form=form, connector=connector,
                           flows=flows_using(connector.id) if connector else []), status


@bp.post("/<connector_id>/delete")
def delete(connector_id: str):
    connector = get_or_404(ApiConnector, connector_id)
    flows = flows_using(connector.id)
    if flows and request.form.get("confirm") != "yes":
        return render_template("portal/api_connectors/delete.html", connector=connector,
                               flows=flows), 409
    detach(connector.id, flows)
    audit_change("Delete Api connector", category=CATEGORY, ApiConnectorId=connector.id,
                 displayName=connector.display_name,
                 detachedFrom=", ".join(f.name for f in flows) or None)
    db.session.delete(connector)
    db.session.commit()
    flash(f"API connector '{connector.display_name}' deleted"
          + (f" and detached from {', '.join(f.name for f in flows)}." if flows else "."),
          "success")
    return redirect(url_for(".index"), 303)
