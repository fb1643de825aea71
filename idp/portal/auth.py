"""Admin sign-in and sign-out for the portal."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from ..extensions import db
from ..models import AdminAccount
from ..store import audit
from ..store.hashing import check_password
from .forms import AdminSignInForm

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only a path inside the portal: never an absolute URL (no open redirect)."""
    if target and target.startswith("/portal") and not urlsplit(target).netloc \
            and not target.startswith("//"):
        return target
    return url_for("portal.overview.index")


@bp.route("/sign-in", methods=["GET", "POST"])
def login():
    form = AdminSignInForm()
    if form.validate_on_submit():
        account = db.session.execute(db.select(AdminAccount).filter_by(
            username=form.username.data.strip())).scalar_one_or_none()
        if account is not None and check_password(form.password.data, account.password_hash):
            session.clear()  # a fresh session at sign-in (ASVS V3.2.1)
            login_user(account)
            audit.record("Admin signed in to the portal", category="Directory",
                         initiated_by_admin=account.username)
            db.session.commit()
            return redirect(_safe_next(request.args.get("next")), 303)
        audit.record("Admin signed in to the portal", category="Directory", result="failure",
                     reason="wrong user name or password",
                     initiated_by_admin=form.username.data.strip()[:64])
        db.session.commit()
        flash("The user name or password is incorrect.", "error")
    return render_template("portal/auth/login.html", form=form)


@bp.post("/sign-out")
def logout():
    name = current_user.username
    logout_user()
    session.clear()
    audit.record("Admin signed out of the portal", category="Directory", initiated_by_admin=name)
    db.session.commit()
    return redirect(url_for("portal.auth.login"), 303)
