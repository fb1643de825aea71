"""Identity providers (Azure AD B2C > Identity providers): the list (Local account, then each
configured provider with its type), the local account types and which user flows use them,
the tenant's default for new user flows, and smart lockout.  The providers' own pages are in
:mod:`.providers`."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for

from ...extensions import db
from ...models import IDP_KINDS, UserFlow
from ...store import identity_providers as idp_store
from ...store.tenant import current_tenant, tenant_settings
from ..common import audit_change
from . import bp
from .forms import LocalAccountForm, SmartLockoutForm
from .local_accounts import (LOCAL_ACCOUNT_TYPES, SETTING, default_local_account_type,
                             flows_by_local_account_type)

#: the other providers B2C's blade lists, which B2C Lab does not offer (no practice copy).
NOT_OFFERED = ("Microsoft Account", "Apple", "Amazon", "GitHub", "LinkedIn", "Twitter")


@bp.get("/")
def index():
    form = LocalAccountForm(default_local_account_type=default_local_account_type(
        current_tenant().settings))
    return _page(form)


@bp.post("/local-account")
def update():
    form = LocalAccountForm()
    if not form.validate_on_submit():
        return _page(form), 400
    tenant = current_tenant()
    old, new = default_local_account_type(tenant.settings), form.default_local_account_type.data
    if old == new:
        flash("Nothing to save: the default local account type is unchanged.", "success")
        return redirect(url_for(".index"), 303)
    tenant.settings = {**(tenant.settings or {}), SETTING: new}
    # B2C's audit category for B2C resources (identity providers, user flows): "Resource".
    audit_change("Update identity provider", category="Resource", IdentityProvider="Local account",
                 OldValue=LOCAL_ACCOUNT_TYPES[old][0], NewValue=LOCAL_ACCOUNT_TYPES[new][0])
    db.session.commit()
    flash(f"New user flows now start with {LOCAL_ACCOUNT_TYPES[new][0]}.", "success")
    return redirect(url_for(".index"), 303)


@bp.post("/smart-lockout")
def smart_lockout():
    """Threshold and duration apply to the next sign-in, in every worker."""
    lockout = SmartLockoutForm()
    if not lockout.validate_on_submit():
        return _page(LocalAccountForm(formdata=None, default_local_account_type=
                                      default_local_account_type(current_tenant().settings)),
                     lockout), 400
    tenant = current_tenant()
    values = {"lockout_threshold": lockout.lockout_threshold.data,
              "lockout_duration_seconds": lockout.lockout_duration_seconds.data}
    tenant.settings = {**(tenant.settings or {}), **values}
    audit_change("Update password protection settings", category="Resource", **values)
    db.session.commit()
    flash(f"Smart lockout: {values['lockout_threshold']} failed sign-ins lock an account for "
          f"{values['lockout_duration_seconds']} seconds.", "success")
    return redirect(url_for(".index"), 303)


def _page(form: LocalAccountForm, lockout: SmartLockoutForm | None = None):
    flows = db.session.execute(db.select(UserFlow).order_by(UserFlow.name_key)).scalars()
    tenant = current_tenant()
    lockout = lockout or SmartLockoutForm(formdata=None, data=tenant_settings(tenant))
    providers = idp_store.list_providers()
    return render_template("portal/identity_providers/index.html", form=form, lockout=lockout,
                           types=LOCAL_ACCOUNT_TYPES, used=flows_by_local_account_type(flows),
                           default=default_local_account_type(tenant.settings),
                           providers=[(p, idp_store.flows_using(p.id)) for p in providers],
                           kinds=IDP_KINDS, configured={p.kind for p in providers},
                           reply_url=idp_store.reply_url(), not_offered=NOT_OFFERED)
