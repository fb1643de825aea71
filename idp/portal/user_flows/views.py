"""User flows: the list, New user flow, Delete, and Run user flow."""
from __future__ import annotations

import base64
import hashlib
import secrets
from urllib.parse import urlencode

from flask import flash, redirect, render_template, request, url_for

from ...extensions import db
from ...models import IDP_KINDS, AppRegistration, UserFlow
from ...store.attributes import tenant_catalogue
from ...store.identity_providers import list_providers
from ...store.tenant import current_tenant, public_url
from ..common import audit_change, choices, get_or_404
from . import bp
from .config import FLOW_TYPE_LABELS, RUNNABLE_TYPES, attribute_selection, full_name
from .forms import FEDERATING_TYPES, NewUserFlowForm, RunUserFlowForm


@bp.get("/")
def index():
    flows = db.session.execute(db.select(UserFlow).order_by(UserFlow.name)).scalars().all()
    return render_template("portal/user_flows/index.html", flows=flows, labels=FLOW_TYPE_LABELS)


@bp.route("/new", methods=["GET", "POST"])
def create():
    form = NewUserFlowForm()
    providers = list_providers()
    form.identity_providers.choices = [(p.id, p.display_name) for p in providers]
    catalogue = tenant_catalogue()
    default_type = current_tenant().settings.get("default_local_account_type", "email")
    if request.method == "GET":
        form.local_account_type.data = default_type
    if form.validate_on_submit():
        name = full_name(form.name.data)
        if db.session.execute(db.select(UserFlow).filter_by(name_key=name.lower())).first():
            form.name.errors.append(f"A user flow named '{name}' already exists.")
        else:
            collected, returned = attribute_selection(request.form, catalogue, [])
            ticked = form.identity_providers.data or []
            config = {"type": form.flow_type.data,
                      "local_account_type": form.local_account_type.data,
                      "identity_providers": [p.id for p in providers if p.id in ticked]
                      if form.flow_type.data in FEDERATING_TYPES else [],
                      "user_attributes": collected, "application_claims": returned,
                      "properties": {"mfa_method": form.mfa_method.data,
                                     "mfa_enforcement": form.mfa_enforcement.data}}
            flow = UserFlow(name=name, name_key=name.lower(), flow_type=form.flow_type.data,
                            config=config)
            db.session.add(flow)
            audit_change("Create user flow", category="Policy", policy=name)
            db.session.commit()
            flash(f"User flow '{name}' created.", "success")
            return redirect(url_for(".properties", flow_id=flow.id), 303)
    return render_template("portal/user_flows/create.html", form=form, catalogue=catalogue,
                           runnable=RUNNABLE_TYPES, providers=providers, kinds=IDP_KINDS,
                           federating=FEDERATING_TYPES)


@bp.post("/<int:flow_id>/delete")
def delete(flow_id: int):
    flow = get_or_404(UserFlow, flow_id)
    if request.form.get("confirm") != "yes":
        return render_template("portal/user_flows/delete.html", flow=flow)
    db.session.delete(flow)
    audit_change("Delete user flow", category="Policy", policy=flow.name)
    db.session.commit()
    flash(f"User flow '{flow.name}' deleted.", "success")
    return redirect(url_for(".index"), 303)


def _pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).decode().rstrip("=")


def run_url(policy: str, form: RunUserFlowForm, client_id: str) -> tuple[str, str | None]:
    """B2C's "Run user flow endpoint" (b2c-reference §3.7) and the PKCE verifier, if any."""
    params = {"p": policy, "client_id": client_id, "nonce": "defaultNonce",
              "redirect_uri": form.reply_url.data, "scope": "openid",
              "response_type": form.response_type.data}
    verifier = None
    if form.response_type.data == "code":
        verifier, challenge = _pkce()
        params.update(code_challenge=challenge, code_challenge_method="S256")
    if form.prompt_login.data:
        params["prompt"] = "login"
    for name in ("login_hint", "ui_locales"):
        if getattr(form, name).data:
            params[name] = getattr(form, name).data.strip()
    tenant = current_tenant()
    return f"{public_url()}/{tenant.domain}/oauth2/v2.0/authorize?{urlencode(params)}", verifier


def run_page_context(policy: str) -> dict:
    """The Run form (application, reply URL, response type...) and the endpoint it builds for
    ``policy``; Custom policies' Run now uses it too, as the two blades match in B2C."""
    apps = [a for a in db.session.execute(db.select(AppRegistration).order_by(AppRegistration.name))
            .scalars() if a.redirect_uris]
    form = RunUserFlowForm(request.args or None)  # no query yet: the defaults
    form.application.choices = choices((a.client_id, a.name) for a in apps)
    chosen = next((a for a in apps if a.client_id == form.application.data),
                  next((a for a in apps if f"{public_url()}/jwt" in a.redirect_uris),
                       apps[0] if apps else None))
    url = verifier = None
    if chosen is not None:
        form.application.data = chosen.client_id
        form.reply_url.choices = choices((u, u) for u in chosen.redirect_uris)
        if form.reply_url.data not in chosen.redirect_uris:
            form.reply_url.data = chosen.redirect_uris[0]
        url, verifier = run_url(policy, form, chosen.client_id)
    return dict(form=form, url=url, verifier=verifier, app=chosen,
                implicit_missing=chosen is not None and not chosen.implicit_id_tokens
                and form.response_type.data == "id_token")


@bp.get("/<int:flow_id>/run")
def run(flow_id: int):
    flow = get_or_404(UserFlow, flow_id)
    return render_template("portal/user_flows/run.html", flow=flow, **run_page_context(flow.name))
