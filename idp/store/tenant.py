"""The tenant, its user flows and the URLs derived from configuration."""
from __future__ import annotations

from flask import current_app

from ..extensions import db
from ..models import Tenant, UserFlow


def current_tenant() -> Tenant:
    """The tenant this process hosts (there is exactly one)."""
    name = current_app.config["IDP_TENANT_NAME"]
    tenant = db.session.execute(db.select(Tenant).filter_by(name=name)).scalar_one_or_none()
    if tenant is None:
        raise RuntimeError(f"tenant {name!r} is not seeded: run the app once to create it")
    return tenant


def tenant_matches(segment: str, tenant: Tenant) -> bool:
    """A URL's tenant segment: ``contoso.onmicrosoft.com``, ``contoso`` or the tenant GUID,
    in any case (msal-node lower-cases authority paths)."""
    segment = segment.lower()
    return segment in (tenant.domain.lower(), tenant.name.lower(), tenant.tenant_id.lower())


def find_user_flow(policy: str) -> UserFlow | None:
    return db.session.execute(
        db.select(UserFlow).filter_by(name_key=policy.lower())).scalar_one_or_none()


def public_url() -> str:
    return current_app.config["IDP_PUBLIC_URL"]


#: tenant-wide settings and B2C's defaults (b2c-reference §7.1, §7.2)
TENANT_DEFAULTS = {
    "lockout_threshold": 10,          # Custom smart lockout: Lockout threshold
    "lockout_duration_seconds": 60,   # Custom smart lockout: Lockout duration in seconds
    "audit_retention_days": 7,
    "default_local_account_type": "email",
}


def tenant_settings(tenant: Tenant | None = None) -> dict:
    """The tenant's settings with B2C's defaults filled in."""
    tenant = tenant or current_tenant()
    return {**TENANT_DEFAULTS, **(tenant.settings or {})}
