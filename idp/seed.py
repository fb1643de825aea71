"""First-run set-up, idempotent: apply migrations, then make sure the seeded tenant exists.

Seeds tenant ``contoso``, user flow ``B2C_1_susi``, app registrations ``rp-demo`` and
``webapp1``, the ``b2c-extensions-app``, the two Identity Experience Framework apps (as the
"Get started with custom policies" tutorial registers them), the signing key and an admin
account whose random password is printed once.  The sample app's client secret is written to
``instance/rp_demo_client.json`` (as a developer would copy it from the portal into the app's
configuration).
"""
from __future__ import annotations

import json
import secrets
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from flask_migrate import upgrade
from sqlalchemy.exc import IntegrityError

from .extensions import db
from .models import AdminAccount, AppRegistration, ClientSecret, Tenant, UserFlow
from .models._base import new_guid
from .store.hashing import hash_password, token_digest
from .store.keys import ensure_signing_key

RP_DEMO = "rp-demo"
SUSI_CONFIG = {
    "type": "signUpOrSignIn",
    "local_account_type": "email",
    "user_attributes": [{"claim": "displayName", "order": 1}, {"claim": "givenName", "order": 2},
                        {"claim": "surname", "order": 3}],
    "application_claims": ["displayName", "emails", "givenName", "surname", "identityProvider",
                           "newUser", "objectId"],
    "properties": {},
}


PROFILE_EDIT_CONFIG = {**SUSI_CONFIG, "type": "profileUpdate"}
PASSWORD_RESET_CONFIG = {"type": "passwordReset", "local_account_type": "email",
                         "user_attributes": [],
                         "application_claims": ["emails", "objectId"], "properties": {}}
SEEDED_FLOWS = (("B2C_1_susi", SUSI_CONFIG), ("B2C_1_profile_edit", PROFILE_EDIT_CONFIG),
                ("B2C_1_password_reset", PASSWORD_RESET_CONFIG))
#: the sample app's own API (Expose an API), which its Call API page uses
RP_DEMO_API_SCOPE = "demo.read"
IEF_APP = "IdentityExperienceFramework"
PROXY_IEF_APP = "ProxyIdentityExperienceFramework"
IEF_SCOPE = "user_impersonation"


@dataclass
class SeedResult:
    admin_password: str | None = None
    notes: list[str] = field(default_factory=list)


def prepare_database() -> SeedResult:
    """Apply migrations and seed; safe to call on every start and from several processes."""
    with _one_process_at_a_time():
        upgrade(directory=current_app.extensions["migrate"].directory)
        result = SeedResult()
        for step in (_tenant, _user_flow, _apps, _admin):
            try:
                step(result)
                db.session.commit()
            except IntegrityError:  # another process seeded the same row first
                db.session.rollback()
        ensure_signing_key()
        _rp_demo_credentials(result)
        db.session.commit()
    return result


#: any constant: the PostgreSQL advisory lock that start-ups take turns on
_PREPARE_LOCK = 0x62326361  # "b2ca"


@contextmanager
def _one_process_at_a_time():
    """On PostgreSQL, hold an advisory lock while preparing: processes starting together on
    an empty database would otherwise both create the tables (the second fails with
    "duplicate key ... pg_type_typname_nsp_index") and both create a signing key (two keys
    in the JWKS).  The others wait, then find everything in place.  SQLite has no such lock:
    there, let one process prepare a new file first (gunicorn --preload does)."""
    if db.engine.dialect.name != "postgresql":
        yield
        return
    with db.engine.connect() as connection:
        connection.exec_driver_sql(f"SELECT pg_advisory_lock({_PREPARE_LOCK})")
        try:
            yield
        finally:
            connection.exec_driver_sql(f"SELECT pg_advisory_unlock({_PREPARE_LOCK})")


def _tenant(result: SeedResult) -> None:
    name = current_app.config["IDP_TENANT_NAME"]
    tenant = db.session.execute(db.select(Tenant).filter_by(name=name)).scalar_one_or_none()
    if tenant is None:
        db.session.add(Tenant(name=name, domain=f"{name}.onmicrosoft.com",
                              seeded_public_url=current_app.config["IDP_PUBLIC_URL"]))


def _user_flow(result: SeedResult) -> None:
    for name, config in SEEDED_FLOWS:
        if db.session.execute(db.select(UserFlow).filter_by(name_key=name.lower())).first() is None:
            db.session.add(UserFlow(name=name, name_key=name.lower(), flow_type=config["type"],
                                    config=config))


def _seeded_apps(base: str, ief_client_id: str) -> list[dict]:
    tenant = current_app.config["IDP_TENANT_NAME"]
    return [
        {"name": RP_DEMO, "platform": "web",
         "redirect_uris": [f"{base}/rp/signin-oidc", f"{base}/rp/signout-callback-oidc"],
         "front_channel_logout_url": f"{base}/rp/signout-oidc",
         "app_id_uri": f"https://{tenant}.onmicrosoft.com/rp-demo-api",
         "exposed_scopes": [{"id": "6d2c6f0e-5a51-4a43-9d1e-0e6f2d0c7a01",
                             "value": RP_DEMO_API_SCOPE,
                             "admin_consent_display_name": "Read the demo API",
                             "admin_consent_description": "Lets the sample app call its API "
                                                          "as the signed-in user.",
                             "enabled": True}]},
        {"name": "webapp1", "platform": "web", "redirect_uris": [f"{base}/jwt"],
         "implicit_id_tokens": True},
        {"name": "b2c-extensions-app. Do not modify. Used by AADB2C for storing user data.",
         "platform": "web", "redirect_uris": []},
        *_ief_apps(base, tenant, ief_client_id),
    ]


def _apps(result: SeedResult) -> None:
    base = current_app.config["IDP_PUBLIC_URL"]
    existing = {a.name: a for a in db.session.execute(db.select(AppRegistration)).scalars()}
    ief = existing.get(IEF_APP)
    for spec in _seeded_apps(base, ief.client_id if ief else new_guid()):
        if spec["name"] not in existing:
            app = AppRegistration(**spec)
            db.session.add(app)
            if spec["name"] == RP_DEMO:  # it may call its own API: granted, with consent
                db.session.flush()
                app.api_permissions = [{"resource_client_id": app.client_id,
                                        "value": RP_DEMO_API_SCOPE, "type": "Delegated",
                                        "admin_consent": True}]
    tenant = db.session.execute(db.select(Tenant)).scalars().first()
    old = tenant.seeded_public_url
    if old and old != base:  # PORT or IDP_PUBLIC_URL changed: follow it in the seeded apps
        for app in existing.values():
            app.redirect_uris = [u.replace(old, base, 1) if u.startswith(old + "/") else u
                                 for u in app.redirect_uris or []]
            if app.front_channel_logout_url and app.front_channel_logout_url.startswith(old):
                app.front_channel_logout_url = app.front_channel_logout_url.replace(old, base, 1)
        result.notes.append(f"Public URL changed from {old} to {base}: redirect URIs updated.")
    tenant.seeded_public_url = base


def _ief_apps(base: str, tenant: str, ief_client_id: str) -> list[dict]:
    """IdentityExperienceFramework (web, exposes ``user_impersonation``) and
    ProxyIdentityExperienceFramework (public client, granted that scope), with admin consent
    to openid and offline_access, as the tutorial's steps leave them.  B2C's redirect URI is
    ``https://{tenant}.b2clogin.com/{tenant}.onmicrosoft.com``: ours is this server's URL."""
    oidc = [{"resource_client_id": "00000003-0000-0000-c000-000000000000", "value": value,
             "type": "Delegated", "admin_consent": True}
            for value in ("openid", "offline_access")]
    return [
        {"name": IEF_APP, "platform": "web", "client_id": ief_client_id,
         "supported_account_types": "single",
         "redirect_uris": [f"{base}/{tenant}.onmicrosoft.com"],
         "app_id_uri": f"https://{tenant}.onmicrosoft.com/{ief_client_id}",
         "exposed_scopes": [{"id": new_guid(), "value": IEF_SCOPE,
                             "admin_consent_display_name": f"Access {IEF_APP}",
                             "admin_consent_description": f"Allow the application to access "
                                                          f"{IEF_APP} on behalf of the signed-in "
                                                          "user.",
                             "enabled": True}],
         "api_permissions": [*oidc]},
        {"name": PROXY_IEF_APP, "platform": "public", "supported_account_types": "single",
         "redirect_uris": ["myapp://auth"], "allow_public_client_flows": True,
         "api_permissions": [*oidc, {"resource_client_id": ief_client_id, "value": IEF_SCOPE,
                                     "type": "Delegated", "admin_consent": True}]},
    ]


def _admin(result: SeedResult) -> None:
    if db.session.execute(db.select(AdminAccount)).first() is None:
        password = secrets.token_urlsafe(12)
        db.session.add(AdminAccount(username="admin", password_hash=hash_password(password)))
        result.admin_password = password


def _rp_demo_credentials(result: SeedResult) -> None:
    """Give the sample app a client secret it knows: a new one whenever the file is missing."""
    path = Path(current_app.instance_path) / "rp_demo_client.json"
    app = db.session.execute(db.select(AppRegistration).filter_by(name=RP_DEMO)).scalar_one()
    if path.exists() and json.loads(path.read_text()).get("client_id") == app.client_id:
        return
    secret = secrets.token_urlsafe(30)
    app.secrets.append(ClientSecret(description="rp_demo (written to instance/)",
                                    secret_hash=token_digest(secret), hint=secret[:3]))
    path.write_text(json.dumps({"client_id": app.client_id, "client_secret": secret}, indent=2))
