"""Company branding (Azure AD B2C > Company branding): the banner logo, background image and
background colour the Ocean Blue and Slate Gray templates show (b2c-reference §6.4), stored in
the tenant's settings so that every worker serves them."""
from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, url_for

from ...extensions import db
from ...store.branding import IMAGES, SETTING, branding, branding_urls, stored_image
from ...store.tenant import current_tenant
from ..common import audit_change
from . import bp
from .forms import CompanyBrandingForm


@bp.get("/")
def index():
    tenant = current_tenant()
    return _page(CompanyBrandingForm(background_color=branding(tenant).get("background_color")))


@bp.post("/")
def update():
    form = CompanyBrandingForm()
    if not form.validate_on_submit():
        return _page(form), 400
    tenant = current_tenant()
    old = branding(tenant)
    new, changed = _updated(old, form)
    if not changed:
        flash("Nothing to save: the company branding is unchanged.", "success")
        return redirect(url_for(".index"), 303)
    tenant.settings = {**(tenant.settings or {}), SETTING: new}
    audit_change("Update company branding", category="Resource", changed=", ".join(changed))
    db.session.commit()
    flash(f"Company branding saved ({', '.join(changed)}). Sign-in pages show it now.",
          "success")
    return redirect(url_for(".index"), 303)


def _updated(old: dict[str, Any], form: CompanyBrandingForm) -> tuple[dict, list[str]]:
    """The new branding settings and the labels of what changed."""
    new, changed = dict(old), []
    for key, label, _limit in IMAGES.values():
        field = getattr(form, key)
        if field.upload:
            new[key] = stored_image(*field.upload)
            changed.append(label)
        elif getattr(form, f"remove_{key}").data and key in new:
            del new[key]
            changed.append(label)
    color = (form.background_color.data or "").strip().lower() or None
    if color != old.get("background_color"):
        if color:
            new["background_color"] = color
        else:
            new.pop("background_color", None)
        changed.append("Background color")
    return new, changed


def _page(form: CompanyBrandingForm):
    tenant = current_tenant()
    return render_template("portal/company_branding/index.html", form=form,
                           stored=branding(tenant), urls=branding_urls(tenant), images=IMAGES)
