"""What the App registrations views share: the labels the Azure portal shows, finding rows, and
building the rows the tabs list (secrets, permissions, role assignments)."""
from __future__ import annotations

import datetime as dt
import secrets

from flask import flash, redirect, url_for

from ...extensions import db
from ...models import AppRegistration, AppRoleAssignment, ClientSecret, DirectoryUser, UserIdentity
from ...models._base import utcnow
from ...store.hashing import token_digest
from ...store.tenant import current_tenant
from ..common import audit_change, get_or_404

ACCOUNT_TYPES = {
    "b2c": "Accounts in any identity provider or organizational directory "
           "(for authenticating users with user flows)",
    "single": "Accounts in this organizational directory only",
}
#: the "Select a platform" choices of Register an application.
PLATFORM_LABELS = {"web": "Web", "spa": "Single-page application (SPA)",
                   "public": "Public client/native (mobile & desktop)"}
#: the seeded app that holds custom attributes; the User attributes blade finds it by this
#: prefix (``idp.store.attributes``), so its name must stay.
EXTENSIONS_APP_PREFIX = "b2c-extensions-app"
EXTENSIONS_APP_NOTE = "Do not modify. Used by AADB2C for storing user data."
#: Microsoft Graph's well-known appId: "Grant admin consent to openid and offline_access
#: permissions" adds these two delegated Graph permissions, consented, as Azure does.
MICROSOFT_GRAPH = "00000003-0000-0000-c000-000000000000"
OIDC_PERMISSIONS = ("openid", "offline_access")
MEMBER_TYPES = {"User": ("User",), "Application": ("Application",),
                "Both": ("User", "Application")}
MEMBER_TYPE_LABELS = {"User": "Users/Groups", "Application": "Applications",
                      "Both": "Both (Users/Groups + Applications)"}
SECRET_EXPIRY_DAYS = {"180": 180, "90": 90, "365": 365, "545": 545, "730": 730}
MAX_SECRET_DAYS = 730


def is_extensions_app(registration: AppRegistration) -> bool:
    return registration.name.startswith(EXTENSIONS_APP_PREFIX)


def get_registration(registration_id: int) -> AppRegistration:
    """:raise NotFound: (404) when no app registration has this id."""
    return get_or_404(AppRegistration, registration_id)


def all_registrations() -> list[AppRegistration]:
    return list(db.session.execute(
        db.select(AppRegistration).order_by(AppRegistration.name)).scalars())


def tenant_name() -> str:
    return current_tenant().name


def default_app_id_uri(registration: AppRegistration) -> str:
    return f"https://{current_tenant().domain}/{registration.client_id}"


def account_type_label(key: str) -> str:
    label = ACCOUNT_TYPES.get(key, key)
    if key == "single":
        label += f" ({tenant_name()} only - Single tenant)"
    return label


def role_member_choice(role: dict) -> str:
    """The "Allowed member types" choice of a stored role (``User``, ``Application``, ``Both``)."""
    types = tuple(role.get("allowed_member_types") or ())
    return next((k for k, v in MEMBER_TYPES.items() if set(v) == set(types)), "User")


def apis_with_scopes() -> list[AppRegistration]:
    """"My APIs": the app registrations that expose at least one enabled scope."""
    return [r for r in all_registrations() if r.app_id_uri
            and any(s.get("enabled") for s in r.exposed_scopes or ())]


def find_app_by_client_id(client_id: str) -> AppRegistration | None:
    return db.session.execute(db.select(AppRegistration).filter_by(
        client_id=client_id)).scalar_one_or_none()


def permission_rows(registration: AppRegistration) -> list[dict]:
    """The API permissions table: each permission with its API's display name."""
    names = {r.client_id: r.name for r in all_registrations()}
    names[MICROSOFT_GRAPH] = "Microsoft Graph"
    return [{**p, "api_name": names.get(p["resource_client_id"], "(deleted application)"),
             "index": i} for i, p in enumerate(registration.api_permissions or ())]


def new_client_secret(description: str, expires_at: dt.datetime | None
                      ) -> tuple[str, ClientSecret]:
    """A new secret's value (shown once, never stored) and its row (SHA-256 and hint)."""
    value = secrets.token_urlsafe(30)  # 40 characters, as B2C's generated secrets
    return value, ClientSecret(description=description, secret_hash=token_digest(value),
                               hint=value[:3], expires_at=expires_at)


def secret_expiry(choice: str, custom_end: dt.date | None) -> dt.datetime:
    if choice == "custom":
        return dt.datetime.combine(custom_end, dt.time(23, 59, 59))
    return utcnow() + dt.timedelta(days=SECRET_EXPIRY_DAYS[choice])


def find_directory_user(text: str) -> DirectoryUser | None:
    """A directory user by object ID or by a sign-in e-mail address / user name."""
    text = text.strip()
    user = db.session.get(DirectoryUser, text)
    if user is not None:
        return user
    identity = db.session.execute(db.select(UserIdentity).filter_by(
        issuer_assigned_id_key=text.lower())).scalars().first()
    return identity.user if identity is not None else None


def assignments_of(registration: AppRegistration) -> list[AppRoleAssignment]:
    return list(db.session.execute(db.select(AppRoleAssignment).filter_by(
        resource_id=registration.id).order_by(AppRoleAssignment.created_at)).scalars())


def assignment_rows(registration: AppRegistration) -> list[dict]:
    """The "Users and groups" table: user display name and sign-in name, role display name."""
    roles = {r["id"]: r for r in registration.app_roles or ()}
    rows = []
    for assignment in assignments_of(registration):
        user = db.session.get(DirectoryUser, assignment.principal_id)
        role = roles.get(assignment.app_role_id, {})
        rows.append({"assignment": assignment,
                     "user_name": (user.display_name if user else None) or "(deleted user)",
                     "sign_in": user.identities[0].issuer_assigned_id
                     if user and user.identities else "",
                     "role": role.get("display_name") or "(deleted role)"})
    return rows


def saved(registration: AppRegistration, message: str, **details):
    """Audit an update of ``registration``, commit it, and go back to the tab's page."""
    audit_change("Update application", category="ApplicationManagement",
                 app_id=registration.client_id, displayName=registration.name, **details)
    db.session.commit()
    flash(message, "success")
    return redirect(url_for(".index", id=registration.id), 303)
