"""Invitations and Users, the delegated user management pages (b2c-reference §2.1 "Admin UI
flow").

Invitations: while Graph finds no user with the lab's attributes, the page is anonymous and
offers the Global Admin invitation (code ``00000000-0000-0000-0000-000000000000``); afterwards
admins create and delete invitations.  Users: global admins see and edit every user with the
lab's attributes, company admins only their company's (a Graph ``$filter``); company users see
that they have no permissions.  Company admins cannot invite or make global admins, and cannot
touch users or invitations of other companies.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, session, url_for

from .auth import current_claims, lab
from .forms import DeleteForm, InvitationForm, UserForm
from .graph import B2cGraphService, GraphProblem
from .invitations import (COMPANY_ADMIN, GLOBAL_ADMIN, global_admin_invitation,
                          new_invitation, utcnow, visible_company)

bp = Blueprint("admin", __name__)


def _graph() -> B2cGraphService:
    return B2cGraphService(lab().settings(), lab().idp_url, lab().tenant)


def _problem(title: str, problem: GraphProblem):
    return render_template("lab04/problem.html", title=title, problem=str(problem)), 502


def _admin_scope() -> str | None:
    """The company the signed-in admin manages (None: all).  :raise 403: for anyone else."""
    may_manage, company = visible_company(current_claims())
    if not may_manage:
        abort(403)
    return company


@bp.get("/invitations")
def invitations():
    try:
        bootstrap = not _graph().has_users()
    except GraphProblem as problem:
        return _problem("Invitations", problem)
    if bootstrap:
        lab().invitations.create(global_admin_invitation(utcnow()))
        return render_template("lab04/invitations.html", bootstrap=True)
    claims = current_claims()
    if not claims:
        return redirect(url_for("auth.signin"))
    may_manage, company = visible_company(claims)
    form = InvitationForm()
    if claims.get("extension_DelegatedUserManagementRole") == COMPANY_ADMIN:
        form.role.choices = [c for c in form.role.choices if c.value != GLOBAL_ADMIN]
    pending = lab().invitations.pending(company) if may_manage else []
    return render_template("lab04/invitations.html", bootstrap=False, may_manage=may_manage,
                           company=company, form=form, pending=pending, delete=DeleteForm(),
                           new_code=session.pop("new_invitation", None))


@bp.post("/invitations")
def create_invitation():
    _admin_scope()
    form = InvitationForm()
    if not form.validate_on_submit():
        flash("Nothing was created: " + "; ".join(e for errors in form.errors.values()
                                                  for e in errors), "error")
        return redirect(url_for(".invitations"), 303)
    invitation = new_invitation(current_claims(), form.role.data, form.company_id.data,
                                form.valid_hours.data, utcnow())
    lab().invitations.create(invitation)
    session["new_invitation"] = invitation.invitation_code
    return redirect(url_for(".invitations"), 303)


@bp.post("/invitations/<code>/delete")
def delete_invitation(code: str):
    company = _admin_scope()
    try:
        invitation = lab().invitations.get(code) if DeleteForm().validate_on_submit() else None
    except ValueError:  # a damaged file: not an invitation anyone can use
        invitation = None
    if invitation is None or (company is not None and invitation.company_id != company):
        flash("No such pending invitation for your company.", "error")
    else:
        lab().invitations.delete(code)
        flash(f"Invitation {code} deleted.", "ok")
    return redirect(url_for(".invitations"), 303)


@bp.get("/users")
def users():
    claims = current_claims()
    if not claims:
        return redirect(url_for("auth.signin"))
    may_manage, company = visible_company(claims)
    if not may_manage:
        return render_template("lab04/users.html", may_manage=False)
    try:
        found = _graph().users(company)
    except GraphProblem as problem:
        return _problem("Users", problem)
    forms = {u.id: UserForm(formdata=None, data={"id": u.id, "name": u.name, "role": u.role,
                                                 "company_id": u.company_id}) for u in found}
    for form in forms.values():
        if company is not None:
            form.role.choices = [c for c in form.role.choices if c != GLOBAL_ADMIN]
    return render_template("lab04/users.html", may_manage=True, company=company, users=found,
                           forms=forms, me=claims.get("oid"), delete=DeleteForm())


def _target(user_id: str, company: str | None, graph: B2cGraphService):
    """The user to change.  :raise GraphProblem: unknown, or of another company."""
    user = graph.user(user_id)
    if company is not None and user.company_id != company:
        raise GraphProblem("You can only manage users of your own company.")
    return user


@bp.post("/users/<user_id>/update")
def update_user(user_id: str):
    company = _admin_scope()
    form = UserForm()
    if not form.validate_on_submit() or form.id.data != user_id:
        flash("Nothing was changed: " + "; ".join(e for errors in form.errors.values()
                                                  for e in errors), "error")
        return redirect(url_for(".users"), 303)
    role = form.role.data
    if company is not None and role == GLOBAL_ADMIN:
        role = COMPANY_ADMIN  # as for invitations: a company admin cannot make global admins
    try:
        graph = _graph()
        _target(user_id, company, graph)
        chosen = (form.company_id.data or "").strip() or None
        graph.update_user(user_id, form.name.data.strip(),
                          company if company is not None else chosen, role)
        flash("User updated. The user sees the new values in the token after signing in "
              "again.", "ok")
    except GraphProblem as problem:
        flash(str(problem), "error")
    return redirect(url_for(".users"), 303)


@bp.post("/users/<user_id>/delete")
def delete_user(user_id: str):
    company = _admin_scope()
    if not DeleteForm().validate_on_submit():
        abort(400)
    if user_id == current_claims().get("oid"):
        flash("You cannot delete yourself.", "error")
        return redirect(url_for(".users"), 303)
    try:
        graph = _graph()
        _target(user_id, company, graph)
        graph.delete_user(user_id)
        flash("User deleted.", "ok")
    except GraphProblem as problem:
        flash(str(problem), "error")
    return redirect(url_for(".users"), 303)


@bp.app_errorhandler(403)
def forbidden(_error):
    return render_template("lab04/error.html", title="No permissions",
                           message="You don't have permissions to manage users or invitations. "
                                   "Sign in as a GlobalAdmin or CompanyAdmin."), 403


@bp.app_errorhandler(400)
def bad_request(_error):
    return render_template("lab04/error.html", title="Bad request",
                           message="The form was incomplete or expired: go back, reload the "
                                   "page and try again."), 400
