"""App registrations as the protocol sees them, and client authentication (RFC 6749 §2.3.1)."""
from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass
from urllib.parse import unquote_plus

from sqlalchemy.orm import joinedload

from ..engine.authorize import ClientInfo
from ..engine.errors import B2CError
from ..extensions import db
from ..models import AppRegistration
from ..models._base import utcnow
from . import config_version
from .hashing import digest_matches


# Built once (see idp/store/tenant.py): every authorize and token request looks the app up.
_APP_BY_CLIENT_ID = db.select(AppRegistration).where(
    db.func.lower(AppRegistration.client_id) == db.bindparam("client_id"))
_APP_WITH_SECRETS = _APP_BY_CLIENT_ID.options(joinedload(AppRegistration.secrets))


def find_app(client_id: str | None, with_secrets: bool = False) -> AppRegistration | None:
    """The registration of ``client_id`` (any case); ``with_secrets`` loads its client secrets
    in the same query (client authentication reads them)."""
    if not client_id:
        return None
    result = db.session.execute(_APP_WITH_SECRETS if with_secrets else _APP_BY_CLIENT_ID,
                                {"client_id": client_id.lower()})
    return (result.unique() if with_secrets else result).scalar_one_or_none()


def client_info(app: AppRegistration | None) -> ClientInfo | None:
    if app is None:
        return None
    return ClientInfo(app.client_id, app.name, app.platform, tuple(app.redirect_uris or ()),
                      app.implicit_id_tokens, app.implicit_access_tokens)


def spa_clients() -> tuple[ClientInfo, ...]:
    """The Single-page application registrations (their redirect URIs' origins get CORS),
    kept per process while the configuration is unchanged (the token endpoint asks on every
    browser request)."""
    return config_version.cached("spa_clients", _load_spa_clients,
                                 max_seconds=config_version.SNAPSHOT_MAX_SECONDS)


def _load_spa_clients() -> tuple[ClientInfo, ...]:
    apps = db.session.execute(db.select(AppRegistration).filter_by(platform="spa")).scalars()
    return tuple(client_info(app) for app in apps)


@dataclass(frozen=True)
class TokenClient:
    """What the token endpoint reads of an app registration: a frozen snapshot, kept per
    process while the configuration is unchanged (:func:`registered_client`)."""
    client_id: str
    name: str
    platform: str
    app_id_uri: str | None
    api_permissions: tuple[dict, ...]
    allow_public_client_flows: bool
    #: the registration's own answer (AppRegistration.is_confidential): one rule, in the model
    is_confidential: bool
    #: (SHA-256 of the secret, expiry or None) for each client secret
    secrets: tuple[tuple[str, dt.datetime | None], ...]


def registered_client(client_id: str) -> TokenClient | None:
    """The registration of ``client_id`` (any case) with its secrets, as a snapshot: every
    token request authenticates its client, and registrations change rarely."""
    key = client_id.lower()
    return config_version.cached(f"client:{key}", lambda: _token_client(find_app(
        key, with_secrets=True)), max_seconds=config_version.SNAPSHOT_MAX_SECONDS)


def _token_client(app: AppRegistration | None) -> TokenClient | None:
    if app is None:
        return None
    return TokenClient(app.client_id, app.name, app.platform, app.app_id_uri,
                       tuple(app.api_permissions or ()), app.allow_public_client_flows,
                       app.is_confidential,
                       tuple((s.secret_hash, s.expires_at) for s in app.secrets))


def resolve_api_scope(scope: str) -> tuple[str, str] | None:
    """The API scope ``https://contoso.onmicrosoft.com/api/read`` as (resource client id,
    ``read``): the app registration whose Application ID URI is the part before the last ``/``
    and that exposes ``read`` as an enabled scope (Expose an API).  Both compare without regard
    to case, as Entra ID does.  None when no app exposes it (the caller answers AADB2C90117).
    """
    app_id_uri, _, name = scope.rpartition("/")
    if not app_id_uri or not name:
        return None
    app = db.session.execute(db.select(AppRegistration).filter(
        db.func.lower(AppRegistration.app_id_uri) == app_id_uri.lower())).scalars().first()
    if app is None:
        return None
    for exposed in app.exposed_scopes or ():
        if exposed.get("enabled", True) and exposed.get("value", "").lower() == name.lower():
            return app.client_id, exposed["value"]
    return None


def scope_resolver_for(client_id: str, app: AppRegistration | TokenClient | None = None):
    """A resolver for ``client_id``'s requests: an API scope resolves only when the client holds
    the permission with admin consent (API permissions), as B2C requires.  ``app`` is the
    client's registration when the caller has loaded it already.

    :raise B2CError: AADB2C90205 when the scope exists but is not granted to this client.
    """
    if app is None:
        app = find_app(client_id)
    granted = {(p.get("resource_client_id"), p.get("value", "").lower())
               for p in (app.api_permissions if app else None) or () if p.get("admin_consent")}

    def resolve(scope: str) -> tuple[str, str] | None:
        found = resolve_api_scope(scope)
        if found is not None and (found[0], found[1].lower()) not in granted:
            raise B2CError("AADB2C90205", error="invalid_scope", hint=(
                f"Add '{scope}' under the app's API permissions and grant admin consent."))
        return found
    return resolve


@dataclass(frozen=True)
class ClientCredentials:
    client_id: str | None
    client_secret: str | None
    method: str  # client_secret_basic | client_secret_post | none


def read_client_credentials(headers, form) -> ClientCredentials:
    """Read the client's credentials from HTTP Basic (form-urlencoded per RFC 6749 §2.3.1) or
    from the body; both are accepted, as B2C accepts both.

    :raise B2CError: when Basic and body disagree on the client id, or Basic is malformed.
    """
    auth = headers.get("Authorization", "")
    if auth[:6].lower() == "basic ":
        try:
            raw = base64.b64decode(auth[6:].strip(), validate=True).decode("utf-8")
            user, _, password = raw.partition(":")
        except (ValueError, UnicodeDecodeError):
            raise B2CError(None, error="invalid_client", status=401,
                           message="The Authorization header is not valid HTTP Basic.") from None
        client_id = unquote_plus(user)
        if form.get("client_id") and form["client_id"].lower() != client_id.lower():
            raise B2CError(None, error="invalid_client", status=401, message=(
                "client_id in the body does not match the HTTP Basic user name."))
        return ClientCredentials(client_id, unquote_plus(password), "client_secret_basic")
    if form.get("client_secret") is not None:
        return ClientCredentials(form.get("client_id"), form["client_secret"],
                                 "client_secret_post")
    return ClientCredentials(form.get("client_id"), None, "none")


def authenticate_client(credentials: ClientCredentials) -> TokenClient:
    """The app registration, authenticated as its platform requires.

    :raise B2CError: AADB2C90083 (no client_id), AADB2C90018-style invalid_client (unknown),
        AADB2C90079 (confidential without secret), AADB2C90081 (wrong secret), AADB2C90084
        (public client sending a secret).
    """
    if not credentials.client_id:
        raise B2CError("AADB2C90083", "client_id", error="invalid_request")
    app = registered_client(credentials.client_id)
    if app is None:
        raise B2CError("AADB2C90018", credentials.client_id, "this tenant",
                       error="invalid_client", status=401)
    if not app.is_confidential:
        if credentials.client_secret:
            raise B2CError("AADB2C90084", error="invalid_request")
        return app
    if not credentials.client_secret:
        raise B2CError("AADB2C90079", error="invalid_client", status=401)
    now = utcnow()
    if not any(digest_matches(credentials.client_secret, secret_hash)
               and (expires_at is None or expires_at > now)
               for secret_hash, expires_at in app.secrets):
        raise B2CError("AADB2C90081", error="invalid_client", status=401)
    return app
