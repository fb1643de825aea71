"""The admin portal: the Azure AD B2C blade at ``/portal``.

One parent blueprint whose ``before_request`` guard requires a signed-in AdminAccount on every
page, including every child blade registered below (nested blueprints inherit it), in a session
that has not ended on the server (signed out anywhere, password reset, or older than 12 hours).
Directory users can never reach it: they have no portal session at all.
"""
from __future__ import annotations

from flask import Blueprint, abort, redirect, request, session, url_for
from flask_login import current_user, logout_user

from ..extensions import db, login_manager
from ..models import AdminAccount
from ..store import admin_sign_ins

bp = Blueprint("portal", __name__, url_prefix="/portal")
#: endpoints reachable without an admin session
PUBLIC_ENDPOINTS = {"portal.auth.login"}


@login_manager.user_loader
def load_admin(admin_id: str) -> AdminAccount | None:
    return db.session.get(AdminAccount, int(admin_id)) if admin_id.isdigit() else None


@bp.before_request
def require_admin():
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if current_user.is_authenticated and isinstance(current_user._get_current_object(),
                                                    AdminAccount):
        signed_in_at = session.get(admin_sign_ins.SESSION_KEY)
        if admin_sign_ins.session_is_current(current_user.username, signed_in_at):
            return None
        logout_user()  # signed out elsewhere, password reset, or older than 12 hours
        session.clear()
    if request.method == "GET":
        return redirect(url_for("portal.auth.login", next=request.full_path.rstrip("?")))
    abort(401)


#: the blade's left-hand menu: (endpoint, label as in the Azure portal).
NAV: list[tuple[str, str]] = [
    ("portal.app_registrations.index", "App registrations"),
    ("portal.identity_providers.index", "Identity providers"),
    ("portal.company_branding.index", "Company branding"),
    ("portal.user_attributes.index", "User attributes"),
    ("portal.user_flows.index", "User flows"),
    ("portal.ief.index", "Identity Experience Framework"),
    ("portal.api_connectors.index", "API connectors"),
    ("portal.users.index", "Users"),
    ("portal.audit_logs.index", "Audit logs"),
    ("portal.runs.index", "User flow runs"),
    ("portal.tenant.index", "Export and import"),
    ("portal.labs.index", "Labs (instructors)"),
]


@bp.app_context_processor
def _nav():
    return {"portal_nav": NAV}


def _register_children() -> None:
    """Each blade is a subpackage with its own ``bp``, ``forms.py`` and templates under
    ``templates/portal/<blade>/``; the URL prefix is chosen here, at registration."""
    from . import (api_connectors, app_registrations, audit_logs, auth, company_branding, ief,
                   identity_providers, labs, overview, runs, tenant, user_attributes, user_flows,
                   users)

    bp.register_blueprint(auth.bp)
    bp.register_blueprint(overview.bp)
    for module, prefix in ((app_registrations, "/app-registrations"),
                           (identity_providers, "/identity-providers"),
                           (company_branding, "/company-branding"),
                           (user_attributes, "/user-attributes"), (user_flows, "/user-flows"),
                           (ief, "/ief"),
                           (api_connectors, "/api-connectors"),
                           (users, "/users"), (audit_logs, "/audit-logs"), (runs, "/runs"),
                           (tenant, "/tenant"), (labs, "/labs")):
        bp.register_blueprint(module.bp, url_prefix=prefix)


_register_children()
