"""Local account types as B2C's Identity providers pages name them (b2c-reference §5.3).

B2C sets the local account type per user flow (``config["local_account_type"]``); the tenant
keeps a default for new user flows in ``Tenant.settings["default_local_account_type"]``.
Phone signup and Phone/Email signup need SMS, which B2C Lab does not send: not offered.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

#: stored value -> (portal label, what users sign up with)
LOCAL_ACCOUNT_TYPES: dict[str, tuple[str, str]] = {
    "email": ("Email signup", "An email address, verified with a code; it is also the "
                              "sign-in name."),
    "username": ("User ID signup", "A user name to sign in with, plus an email address "
                                   "verified for password recovery."),
    "none": ("None", "No local accounts: users sign in only with a social or enterprise "
                     "identity provider."),
}
DEFAULT = "email"
SETTING = "default_local_account_type"


def default_local_account_type(settings: Mapping[str, Any] | None) -> str:
    """The tenant's local account type for new user flows (B2C's default: Email signup)."""
    value = (settings or {}).get(SETTING, DEFAULT)
    return value if value in LOCAL_ACCOUNT_TYPES else DEFAULT


def flows_by_local_account_type(flows: Iterable[Any]) -> dict[str, list[str]]:
    """Each local account type -> the names of the user flows that use it (a flow without the
    setting uses Email signup, as the runtime does)."""
    used: dict[str, list[str]] = {key: [] for key in LOCAL_ACCOUNT_TYPES}
    for flow in flows:
        kind = (flow.config or {}).get("local_account_type", DEFAULT)
        used.setdefault(kind if isinstance(kind, str) else repr(kind), []).append(flow.name)
    return used
