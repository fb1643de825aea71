"""Every setting of the IdP in one place, with its default and what it is for.

Settings come, in order of precedence, from the dict passed to ``create_app`` (tests), the
environment, ``instance/config.py``, then :data:`DEFAULTS`.  ``get_setting`` refuses unknown
names so a typo fails loudly instead of silently using a default (the habit of
node-oidc-provider's ``defaults.js`` and Flask-Security's strict ``config_value``).
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import current_app

from practice_idps.credentials import create_once

#: name -> (default, one-line meaning).  Environment variables use the same names.
DEFAULTS: dict[str, tuple[object, str]] = {
    "HOST": ("127.0.0.1", "interface the server listens on"),
    "PORT": (5000, "port the server listens on"),
    "IDP_PUBLIC_URL": (None, "base URL browsers and apps use; default http://localhost:PORT "
                             "(https://localhost:PORT in https mode)"),
    "DATABASE_URL": (None, "SQLAlchemy URL; default an SQLite file under instance/"),
    "SECRET_KEY": (None, "signs session cookies; generated into instance/ on first run"),
    "IDP_TENANT_NAME": ("contoso", "tenant name: the {name}.onmicrosoft.com domain"),
    "IDP_BCRYPT_ROUNDS": (12, "bcrypt cost for directory and admin passwords (4 in tests)"),
    "IDP_AUTO_MIGRATE": (True, "apply Alembic migrations and seed the tenant at start-up"),
    "IDP_CODE_LIFETIME": (600, "authorization code lifetime in seconds (B2C: about 10 minutes)"),
    "IDP_TRANSACTION_LIFETIME": (3600, "how long a user-flow run may stay open, in seconds"),
    "IDP_VERIFICATION_CODE_LIFETIME": (300, "e-mail verification code lifetime in seconds"),
    # 8, not 16: with fewer threads contending for the GIL, token and discovery requests went
    # 13-26 % faster (bench/results.md); not fewer, because the sample app and the lab apps
    # call this same server back (tokens, API connectors) while their request holds a thread.
    "IDP_SERVER_THREADS": (8, "threads per server process (waitress; granian's blocking threads)"),
    # waitress is pure Python and runs everywhere; granian (a Rust HTTP server) parses HTTP
    # outside the GIL and runs several processes: 2-20x the requests per second
    # (bench/results.md), for hosting a room.
    "IDP_SERVER": ("waitress", "HTTP server of python app.py: waitress, or granian for hosting "
                               "(python app.py --server granian)"),
    "IDP_SERVER_WORKERS": (1, "processes of the granian server (one per core is a good start)"),
    # Discovery and JWKS answers are kept as bytes this long in each process, and the token
    # endpoint's snapshots of app registrations and user flows, those never longer than 1 s
    # (idp/store/config_version.py); a configuration commit in the process clears them at
    # once.  The metadata answers themselves say max-age=300 to clients.
    "IDP_METADATA_CACHE_SECONDS": (1, "how long a process reuses a discovery or JWKS answer, "
                                      "or an app registration or user flow it read, that "
                                      "another process may have changed; 0 turns it off"),
    # MSAL refuses http authorities; this mode lets MSAL labs run (idp/tls.py).
    # The practice Facebook and Google (practice_idps/, mounted in app.py) are reached over HTTP
    # at these roots; a test may point them at another server.
    "IDP_PRACTICE_FACEBOOK_URL": (None, "root of the practice Facebook; default "
                                        "IDP_PUBLIC_URL/practice/facebook"),
    "IDP_PRACTICE_GOOGLE_URL": (None, "root of the practice Google; default "
                                      "IDP_PUBLIC_URL/practice/google"),
    "IDP_HTTPS": (False, "serve https with a local CA and certificate made into instance/ "
                         "(python app.py --https)"),
}

_TRUE = {"1", "true", "yes", "on"}


def _coerce(name: str, value: object) -> object:
    default = DEFAULTS[name][0]
    if isinstance(value, str):
        if isinstance(default, bool):
            return value.strip().lower() in _TRUE
        if isinstance(default, int):
            return int(value)
    return value


def load_settings(instance_path: str, overrides: dict | None = None,
                  file_settings: dict | None = None) -> dict:
    """Resolve every setting of :data:`DEFAULTS` into a plain dict: ``overrides`` (the
    ``create_app`` dict), then the environment, then ``file_settings`` (instance/config.py),
    then the default.

    :raise ValueError: when a setting has a value of the wrong shape (``PORT=abc``).
    """
    overrides = overrides or {}
    file_settings = file_settings or {}
    settings: dict[str, object] = {}
    for name, (default, _meaning) in DEFAULTS.items():
        if name in overrides:
            value = overrides[name]
        elif name in os.environ:
            value = os.environ[name]
        elif name in file_settings:
            value = file_settings[name]
        else:
            value = default
        try:
            settings[name] = _coerce(name, value)
        except ValueError as exc:
            raise ValueError(f"setting {name}={value!r} is not valid: {exc}") from None
    if not settings["IDP_PUBLIC_URL"]:
        scheme = "https" if settings["IDP_HTTPS"] else "http"
        settings["IDP_PUBLIC_URL"] = f"{scheme}://localhost:{settings['PORT']}"
    settings["IDP_PUBLIC_URL"] = str(settings["IDP_PUBLIC_URL"]).rstrip("/")
    for name, path in (("IDP_PRACTICE_FACEBOOK_URL", "/practice/facebook"),
                       ("IDP_PRACTICE_GOOGLE_URL", "/practice/google")):
        settings[name] = str(settings[name] or settings["IDP_PUBLIC_URL"] + path).rstrip("/")
    if not settings["DATABASE_URL"]:
        settings["DATABASE_URL"] = "sqlite:///" + str(Path(instance_path) / "b2clab.sqlite3")
    if not settings["SECRET_KEY"]:
        settings["SECRET_KEY"] = instance_secret(instance_path)
    return settings


def instance_secret(instance_path: str | Path, name: str = "secret_key") -> str:
    """The random secret in ``instance/<name>``, made on first use; processes starting
    together (gunicorn workers building the app each) agree on one value."""
    return create_once(Path(instance_path) / name, lambda: secrets.token_urlsafe(48))


def get_setting(name: str) -> object:
    """Return the current app's value of setting ``name``.

    :raise KeyError: for a name that is not in :data:`DEFAULTS` (a typo, not a default).
    """
    if name not in DEFAULTS:
        raise KeyError(f"unknown setting {name!r}")
    return current_app.config[name]
