"""Mount the practice providers under ``/practice/<kind>`` (called by ``app.py``).

The one app registered at each provider accepts the tenant's federation reply URL,
``{public_url}/{tenant}.onmicrosoft.com/oauth2/authresp``, plus any listed (space-separated) in
the ``PRACTICE_REDIRECT_URIS`` environment variable, e.g. a second B2C Lab's reply URL.
"""
from __future__ import annotations

import os
from pathlib import Path

from . import facebook, google

MOUNTS = {"facebook": facebook.create_app, "google": google.create_app}


def reply_url(public_url: str, tenant: str) -> str:
    """B2C's federation reply URL: what a provider redirects back to."""
    return f"{public_url.rstrip('/')}/{tenant}.onmicrosoft.com/oauth2/authresp"


def practice_apps(*, public_url: str, tenant: str, instance_path: Path,
                  extra_redirect_uris: list[str] | None = None) -> dict:
    """``{"/practice/<kind>": wsgi_app}`` for both providers."""
    extra = extra_redirect_uris
    if extra is None:
        extra = os.environ.get("PRACTICE_REDIRECT_URIS", "").split()
    redirect_uris = [reply_url(public_url, tenant), *extra]
    return {f"/practice/{kind}": create_app({
        "PUBLIC_URL": f"{public_url.rstrip('/')}/practice/{kind}",
        "DATA_DIR": str(Path(instance_path) / "practice" / kind),
        "REDIRECT_URIS": redirect_uris, "APP_NAME": f"{tenant}.onmicrosoft.com"})
        for kind, create_app in MOUNTS.items()}
