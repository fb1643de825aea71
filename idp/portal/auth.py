"""Admin sign-in and sign-out for the portal: a fresh session at sign-in (ASVS V3.2.1), a
lockout after repeated failures (V2.2.1) and sessions that end on the server at sign-out
(V3.3.1), both read from the audit log (``store.admin_sign_ins``)."""
from __future__ import annotations

import math
import time
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from ..extensions import db
from ..models import AdminAccount
from ..store import admin_sign_ins, audit
from ..store.hashing import check_password
from .forms import AdminSignInForm

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only a path inside the portal: never an absolute URL (no open redirect), nor a
    backslash or control character, which browsers read as ``/`` or drop."""
    if target and target.startswith("/portal") and not urlsplit(target).netloc \
            and not target.startswith("//") \
            and not any(c == "\\" or ord(c) < 0x20 or ord(c) == 0x7f for c in target):
        return target
    return url_for("portal.overview.index")


@bp.route("/sign-in", methods=["GET", "POST"])
def login():
    form = AdminSignInForm()
    if not form.validate_on_submit():
        return render_template("portal/auth/login.html", form=form)
    username = form.username.data.strip()[:64]
    lock = admin_sign_ins.lockout_state(username)
    if lock.is_locked(time.time()):
        return _refuse_locked(form, username, lock.locked_until)
    account = db.session.execute(db.select(AdminAccount).filter_by(
        username=username)).scalar_one_or_none()
    if account is not None and check_password(form.password.data, account.password_hash):
        session.clear()  # a fresh session at sign-in (ASVS V3.2.1)
        login_user(account)
        session[admin_sign_ins.SESSION_KEY] = time.time()
        audit.record(admin_sign_ins.SIGN_IN, category="Directory",
                     initiated_by_admin=account.username)
        db.session.commit()
        return redirect(_safe_next(request.args.get("next")), 303)
    audit.record(admin_sign_ins.SIGN_IN, category="Directory", result="failure",
                 reason="wrong user name or password", initiated_by_admin=username)
    db.session.commit()
    flash("The user name or password is incorrect.", "error")
    return render_template("portal/auth/login.html", form=form)


def _refuse_locked(form: AdminSignInForm, username: str, until: float):
    """The password is not even checked while the account is locked."""
    audit.record(admin_sign_ins.SIGN_IN, category="Directory", result="failure",
                 reason=admin_sign_ins.LOCKED, initiated_by_admin=username)
    db.session.commit()
    flash("Too many failed sign-ins: this account is locked to protect it. Try again in "
          f"{math.ceil(until - time.time())} seconds.", "error")
    return render_template("portal/auth/login.html", form=form), 429


@bp.post("/sign-out")
def logout():
    name = current_user.username
    logout_user()
    session.clear()
    audit.record(admin_sign_ins.SIGN_OUT, category="Directory", initiated_by_admin=name)
    db.session.commit()
    return redirect(url_for("portal.auth.login"), 303)
