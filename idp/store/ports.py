"""The engine's ports, built over the database for the current tenant."""
from __future__ import annotations

from ..engine.lockout import LockoutPolicy
from ..engine.ports import ConnectorResponse, Ports
from ..extensions import db
from ..models import ApiConnector, Tenant
from .attributes import extensions_app_id, tenant_catalogue
from .connector_client import call
from .directory import SqlDirectory
from .federation import SqlFederation
from .mailer import MailboxMailer
from .tenant import tenant_settings


class SqlConnectors:
    """The engine's Connectors port: look the connector up, call it over HTTP."""

    def call(self, connector_id: str, body: dict) -> ConnectorResponse:
        # Commit what the run has written so far (at sign-up: the new account) before the
        # call: the connector may read it back (lab 05 asks Graph for the user), and an open
        # SQLite write would block that read until the call timed out.
        db.session.commit()
        connector = db.session.get(ApiConnector, connector_id)
        if connector is None:
            return ConnectorResponse(None, "", 0, 0, "the API connector attached to this step "
                                                     "was deleted")
        result = call(connector, body)
        return ConnectorResponse(result.status, result.body, result.latency_ms,
                                 result.attempts, result.error)


def make_ports(tenant: Tenant, attributes: dict | None = None,
               transaction_id: str = "") -> Ports:
    """The ports over the database; ``attributes`` is the tenant's catalogue when the caller
    has read it already; ``transaction_id`` the run the federation port's state names."""
    settings = tenant_settings(tenant)
    return Ports(SqlDirectory(tenant.domain), MailboxMailer(), tenant.name,
                 LockoutPolicy(settings["lockout_threshold"],
                               settings["lockout_duration_seconds"]),
                 connectors=SqlConnectors(),
                 attributes=tenant_catalogue() if attributes is None else attributes,
                 extensions_app_id=extensions_app_id(), tenant_domain=tenant.domain,
                 federation=SqlFederation(transaction_id))
