"""How the two IEF app registrations differ from what the "Get started with custom policies"
tutorial sets, in words an attendee can act on (each names the page to fix it on).

B2C fails ``login-NonInteractive`` (the password check) when these are wrong; B2C Lab checks
the password locally, so here they do not stop a run: the landing page says so beside them.
Plain data in, plain data out.
"""
from __future__ import annotations

from typing import Any

SCOPE = "user_impersonation"


def ief_app_differences(ief: Any) -> list[tuple[str, str]]:
    """(what differs, the app registration page to fix it on) for IdentityExperienceFramework."""
    problems = []
    if ief.platform != "web":
        problems.append(("Its platform is not Web.", "authentication"))
    if not any(s.get("value") == SCOPE and s.get("enabled") for s in ief.exposed_scopes or ()):
        problems.append((f"Expose an API has no enabled {SCOPE} scope.", "expose_api"))
    return problems


def proxy_app_differences(proxy: Any, ief: Any | None) -> list[tuple[str, str]]:
    """The same for ProxyIdentityExperienceFramework, which must be a public client granted
    (with admin consent) the IEF app's user_impersonation."""
    problems = []
    if proxy.platform != "public":
        problems.append(("Its platform is not Public client/native (mobile & desktop).",
                         "authentication"))
    if not proxy.allow_public_client_flows:
        problems.append(("Allow public client flows is No.", "authentication"))
    granted = [p for p in proxy.api_permissions or ()
               if ief is not None and p.get("resource_client_id") == ief.client_id
               and p.get("value") == SCOPE]
    if not granted:
        problems.append((f"API permissions lack IdentityExperienceFramework's {SCOPE}.",
                         "api_permissions"))
    elif not any(p.get("admin_consent") for p in granted):
        problems.append((f"{SCOPE} on IdentityExperienceFramework has no admin consent.",
                         "api_permissions"))
    return problems
