"""Users (Azure AD B2C > Users): all users, New user, and a user's page with Properties, Reset
password, Block sign in, Revoke sessions and Delete.  Every change is audited in the category
``UserManagement`` in the same transaction."""
from __future__ import annotations

import uuid

from flask import flash, make_response, redirect, render_template, request, url_for

from ...engine.ports import AccountExists
from ...extensions import db
from ...models import DirectoryUser
from ...store.tenant import current_tenant
from ..common import audit_change, get_or_404
from . import bp
from .actions import (create_user, delete_user, generate_password, revoke_sessions,
                      set_password)
from .forms import DirectoryUserForm, PasswordResetForm, UserSearchForm
from .properties import LABELS, apply_properties, custom_claims, edit_form, modified
from .queries import (find_by_sign_in_name, has_local_identity, identity_rows, list_users,
                      sign_in_name)


def _audit(activity: str, user: DirectoryUser, **details) -> None:
    audit_change(activity, category="UserManagement", user=user.object_id,
                 correlation_id=str(uuid.uuid4()), targetDisplayName=user.display_name,
                 targetUserPrincipalName=sign_in_name(user), **details)


def _shown_once(user: DirectoryUser, password: str, action: str):
    """The page that shows a generated password; never cached, never flashed (a flash would
    keep it in the signed session cookie)."""
    response = make_response(render_template("portal/users/password.html", user=user,
                                             password=password, action=action))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/")
def index():
    form = UserSearchForm(request.args)
    form.validate()
    term = None if form.q.errors else form.q.data
    page = 1 if form.page.errors else form.page.data or 1
    result = list_users(term, page, current_tenant().domain)
    return render_template("portal/users/index.html", form=form, result=result, term=term,
                           sign_in_name=sign_in_name)


@bp.route("/new", methods=["GET", "POST"])
def create():
    form = DirectoryUserForm()
    if form.validate_on_submit():
        issuer, name = current_tenant().domain, form.sign_in_name()
        field = form.email if form.sign_in_method.data == "emailAddress" else form.username
        if find_by_sign_in_name(issuer, name):
            field.errors.append(f"Another user already signs in with '{name}'. Choose a "
                                "different one.")
        else:
            return _create(form, issuer, name, field)
    return render_template("portal/users/create.html", form=form)


def _create(form: DirectoryUserForm, issuer: str, name: str, field):
    generated = form.password_mode.data != "custom"
    password = generate_password() if generated else form.password.data
    try:
        user = create_user(issuer, sign_in_type=form.sign_in_method.data, sign_in_name=name,
                           password=password, display_name=form.display_name.data.strip(),
                           given_name=(form.given_name.data or "").strip(),
                           surname=(form.surname.data or "").strip(),
                           account_enabled=form.block_sign_in.data != "yes")
    except AccountExists:  # created by someone else since the check above
        field.errors.append(f"Another user already signs in with '{name}'.")
        return render_template("portal/users/create.html", form=form)
    _audit("Add user", user, modifiedProperties=modified(
        {}, {"DisplayName": user.display_name, "AccountEnabled": user.account_enabled}))
    db.session.commit()
    if generated:
        return _shown_once(user, password, "created")
    flash(f"Created user '{user.display_name}'.", "success")
    return redirect(url_for(".show", object_id=user.object_id), 303)


@bp.get("/<object_id>")
def show(object_id: str):
    user = get_or_404(DirectoryUser, object_id)
    return render_template("portal/users/show.html", user=user, custom=custom_claims(user),
                           sign_in_name=sign_in_name(user), labels=LABELS,
                           identities=identity_rows(user))


@bp.route("/<object_id>/edit", methods=["GET", "POST"])
def update(object_id: str):
    user = get_or_404(DirectoryUser, object_id)
    form = edit_form(user)
    if form.validate_on_submit():
        changes = apply_properties(user, form)
        if changes:
            _audit("Update user", user, modifiedProperties=changes)
            db.session.commit()
        flash("Saved the user's properties." if changes else "Nothing changed.", "success")
        return redirect(url_for(".show", object_id=object_id), 303)
    return render_template("portal/users/update.html", user=user, form=form)


@bp.route("/<object_id>/reset-password", methods=["GET", "POST"])
def reset_password(object_id: str):
    user = get_or_404(DirectoryUser, object_id)
    if not has_local_identity(user):
        # A password belongs to a local account identity; a user who signs in only with
        # Facebook, Google or an OpenID Connect provider has none to reset.
        flash(f"{user.display_name or 'This user'} signs in only with "
              f"{', '.join(sorted({i.issuer for i in user.identities})) or 'no identity'}: "
              "there is no local account password to reset.", "error")
        return redirect(url_for(".show", object_id=object_id), 303)
    form = PasswordResetForm()
    if form.validate_on_submit():
        generated = form.password_mode.data != "custom"
        password = generate_password() if generated else form.password.data
        set_password(current_tenant().domain, user, password)
        _audit("Reset user password", user)
        db.session.commit()
        if generated:
            return _shown_once(user, password, "reset")
        flash("The password was reset. Give the user the new password.", "success")
        return redirect(url_for(".show", object_id=object_id), 303)
    return render_template("portal/users/reset_password.html", user=user, form=form)


def _set_enabled(object_id: str, enabled: bool):
    """Blocking also revokes the user's sessions and refresh tokens: Azure AD refuses tokens
    to a disabled account, and the lab's SSO and refresh paths do not check the flag."""
    user = get_or_404(DirectoryUser, object_id)
    if user.account_enabled != enabled:
        revoked = (0, 0) if enabled else revoke_sessions(object_id)
        _audit("Enable account" if enabled else "Disable account", user,
               modifiedProperties=modified({"AccountEnabled": user.account_enabled},
                                           {"AccountEnabled": enabled}),
               sessionsRevoked=revoked[0] or None, refreshTokensRevoked=revoked[1] or None)
        user.account_enabled = enabled
        db.session.commit()
    flash("Sign in is allowed again." if enabled else
          "Sign in is blocked and the user's sessions are revoked: the user sees 'Your "
          "account has been locked'.", "success")
    return redirect(url_for(".show", object_id=object_id), 303)


@bp.post("/<object_id>/block")
def block(object_id: str):
    return _set_enabled(object_id, False)


@bp.post("/<object_id>/unblock")
def unblock(object_id: str):
    return _set_enabled(object_id, True)


@bp.post("/<object_id>/revoke-sessions")
def revoke(object_id: str):
    user = get_or_404(DirectoryUser, object_id)
    sessions, tokens = revoke_sessions(object_id)
    _audit("Revoke user sessions", user, sessionsRevoked=sessions,
           refreshTokensRevoked=tokens)
    db.session.commit()
    flash(f"Revoked {sessions} session(s) and {tokens} refresh token(s): the user must sign "
          "in again.", "success")
    return redirect(url_for(".show", object_id=object_id), 303)


@bp.get("/<object_id>/delete")
def confirm_delete(object_id: str):
    return render_template("portal/users/delete.html",
                           user=get_or_404(DirectoryUser, object_id))


@bp.post("/<object_id>/delete")
def delete(object_id: str):
    user = get_or_404(DirectoryUser, object_id)
    if request.form.get("confirm") != "yes":
        return render_template("portal/users/delete.html", user=user), 400
    _audit("Delete user", user)
    roles = delete_user(user)
    db.session.commit()
    flash(f"Deleted user '{user.display_name}'"
          + (f" and {roles} app role assignment(s)." if roles else "."), "success")
    return redirect(url_for(".index"), 303)
