"""The tenant, its user flows and the URLs derived from configuration."""
from __future__ import annotations

import sqlalchemy as sa
from flask import current_app

from ..extensions import db
from ..models import Tenant, UserFlow

# Built once: SQLAlchemy then reuses their cache keys, which on these lookups (every protocol
# request makes them) costs more than running the query (bench/results.md).
_TENANT_BY_NAME = sa.select(Tenant).where(Tenant.name == sa.bindparam("name"))
_TENANT_AND_FLOW = sa.select(Tenant, UserFlow).outerjoin(
    UserFlow, UserFlow.name_key == sa.bindparam("key")).where(Tenant.name == sa.bindparam("name"))


def current_tenant() -> Tenant:
    """The tenant this process hosts (there is exactly one).

    :raise RuntimeError: when it is not seeded yet.
    """
    name = current_app.config["IDP_TENANT_NAME"]
    tenant = db.session.execute(_TENANT_BY_NAME, {"name": name}).scalar_one_or_none()
    if tenant is None:
        raise RuntimeError(f"tenant {name!r} is not seeded: run the app once to create it")
    return tenant


def tenant_and_flow(policy: str | None) -> tuple[Tenant, UserFlow | None]:
    """The tenant and its user flow named ``policy`` (None if there is none), in one query:
    every protocol and flow request starts with both.

    :raise RuntimeError: when the tenant is not seeded yet.
    """
    name = current_app.config["IDP_TENANT_NAME"]
    row = db.session.execute(_TENANT_AND_FLOW,
                             {"name": name, "key": (policy or "").lower()}).first()
    if row is None:
        raise RuntimeError(f"tenant {name!r} is not seeded: run the app once to create it")
    return row[0], row[1]


def tenant_matches(segment: str, tenant: Tenant) -> bool:
    """A URL's tenant segment: ``contoso.onmicrosoft.com``, ``contoso`` or the tenant GUID,
    in any case (msal-node lower-cases authority paths)."""
    segment = segment.lower()
    return segment in (tenant.domain.lower(), tenant.name.lower(), tenant.tenant_id.lower())


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
