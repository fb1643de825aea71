"""The engine's ports, built over the database for the current tenant."""
from __future__ import annotations

from ..engine.lockout import LockoutPolicy
from ..engine.ports import Ports
from ..models import Tenant
from .directory import SqlDirectory
from .mailer import MailboxMailer
from .tenant import tenant_settings


def make_ports(tenant: Tenant) -> Ports:
    settings = tenant_settings(tenant)
    return Ports(SqlDirectory(tenant.domain), MailboxMailer(), tenant.name,
                 LockoutPolicy(settings["lockout_threshold"],
                               settings["lockout_duration_seconds"]))
