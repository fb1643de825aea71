"""The tenant, its user flows and the URLs derived from configuration."""
from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Mapping

import sqlalchemy as sa
from flask import current_app

from ..extensions import db
from ..models import Tenant, UserFlow
from . import config_version

# Built once: SQLAlchemy then reuses their cache keys, which on these lookups (every protocol
# request makes them) costs more than running the query (bench/results.md).
_TENANT_BY_NAME = sa.select(Tenant).where(Tenant.name == sa.bindparam("name"))
_TENANT_AND_FLOW = sa.select(Tenant, UserFlow).outerjoin(
    UserFlow, UserFlow.name_key == sa.bindparam("key")).where(Tenant.name == sa.bindparam("name"))
_FLOW_BY_KEY = sa.select(UserFlow).where(UserFlow.name_key == sa.bindparam("key"))


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


@dataclass(frozen=True)
class TenantSnapshot:
    """What the token endpoint reads of the tenant (see :func:`policy_snapshot`)."""
    name: str
    domain: str
    tenant_id: str
    settings: Mapping[str, Any]


@dataclass(frozen=True)
class FlowSnapshot:
    """What the token endpoint reads of a user flow (see :func:`policy_snapshot`)."""
    name: str
    flow_type: str
    config: Mapping[str, Any]


def policy_snapshot(policy: str | None) -> tuple[TenantSnapshot, FlowSnapshot | None]:
    """:func:`tenant_and_flow` as frozen snapshots, kept per process while the configuration
    is unchanged (:func:`~idp.store.config_version.cached`): the token endpoint reads the
    tenant and the flow on every request and never writes them.  The pages keep loading the
    rows, so nothing they do can reach the snapshots that every thread shares.

    :raise RuntimeError: when the tenant is not seeded yet.
    """
    most = config_version.SNAPSHOT_MAX_SECONDS
    tenant = config_version.cached("tenant", _tenant_snapshot, max_seconds=most)
    key = (policy or "").lower()
    flow = config_version.cached(f"flow:{key}", lambda: _flow_snapshot(key),
                                 max_seconds=most) if key else None
    return tenant, flow


def _tenant_snapshot() -> TenantSnapshot:
    tenant = current_tenant()
    return TenantSnapshot(tenant.name, tenant.domain, tenant.tenant_id,
                          MappingProxyType(dict(tenant.settings or {})))


def _flow_snapshot(key: str) -> FlowSnapshot | None:
    flow = db.session.execute(_FLOW_BY_KEY, {"key": key}).scalar_one_or_none()
    if flow is None:
        return None
    return FlowSnapshot(flow.name, flow.flow_type, MappingProxyType(dict(flow.config)))


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
