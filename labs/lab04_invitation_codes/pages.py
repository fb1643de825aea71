"""Home, Identity (every claim of the ID token), Settings, and the custom sign-up page."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for

from . import lab_settings
from .auth import current_claims, lab
from .forms import SettingsForm, clean_guid

bp = Blueprint("pages", __name__)


@bp.get("/")
def home():
    return render_template("lab04/home.html", claims=current_claims(),
                           settings=lab().settings())


@bp.get("/identity")
def identity():
    claims = current_claims()
    return render_template("lab04/identity.html", claims=claims,
                           rows=sorted(claims.items()))


@bp.route("/settings", methods=["GET", "POST"])
def settings():
    stored = lab().settings()
    form = SettingsForm(stored=stored, data=None if request.method == "POST" else {
        "user_flow": stored.user_flow, "client_id": stored.client_id,
        "extensions_app_client_id": stored.extensions_app_client_id,
        "connector_username": stored.connector_username})
    if form.validate_on_submit():
        lab_settings.save(lab().data_dir, lab_settings.LabSettings(
            user_flow=form.user_flow.data.strip(), client_id=clean_guid(form.client_id.data),
            client_secret=form.client_secret.data.strip() or stored.client_secret,
            extensions_app_client_id=clean_guid(form.extensions_app_client_id.data),
            connector_username=form.connector_username.data.strip(),
            connector_password=form.connector_password.data or stored.connector_password))
        flash("Settings saved.", "ok")
        return redirect(url_for(".settings"), 303)
    return render_template("lab04/settings.html", form=form, stored=stored,
                           public_url=lab().public_url), 400 if form.errors else 200


@bp.get("/page-layouts/selfasserted.html")
def sign_up_page():
    """The custom page for the Local account sign up page (hides CompanyId and the role)."""
    page = Path(__file__).resolve().parent / "page_layouts" / "selfasserted.html"
    return Response(page.read_bytes(), mimetype="text/html",
                    headers={"Cache-Control": "no-cache"})
