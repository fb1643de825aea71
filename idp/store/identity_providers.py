"""Identity providers: the queries and helpers the portal blade and the federation runtime share.

A provider is configured tenant-wide (Azure AD B2C > Identity providers) and ticked per user
flow (``config["identity_providers"]``, a list of provider ids).  ``facebook`` and ``google``
are the practice providers this lab serves (``practice_idps/``): their endpoints come from the
settings ``IDP_PRACTICE_FACEBOOK_URL`` / ``IDP_PRACTICE_GOOGLE_URL``, never from the stored row,
so a provider keeps working when the lab's public URL changes.  ``oidc`` is B2C's "OpenID
Connect" custom provider, whose metadata URL the admin types.

The client secret is sealed with :mod:`idp.store.secret_box`; :func:`client_secret` is the one
place it is opened, and its value is never logged or shown back.
"""
from __future__ import annotations

from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app

from ..extensions import db
from ..models import IdentityProvider, UserFlow
from .secret_box import open_sealed, seal

#: B2C's "Identity provider claims mapping" fields, in the blade's order, with their labels
MAPPING_FIELDS = {"user_id": "User ID", "display_name": "Display name",
                  "given_name": "Given name", "surname": "Surname", "email": "Email"}

#: mapping field -> the B2C claim a sign-up seeds from it (user_id becomes the federated
#: identity's ``issuerAssignedId``)
MAPPED_CLAIMS = {"user_id": "issuerUserId", "display_name": "displayName",
                 "given_name": "givenName", "surname": "surname", "email": "email"}

_OIDC_DEFAULTS = {"user_id": "sub", "display_name": "name", "given_name": "given_name",
                  "surname": "family_name", "email": "email"}

#: the provider's claim names each kind starts with (Facebook's Graph ``/me`` fields; the
#: standard OpenID Connect claims for Google and custom providers)
DEFAULT_MAPPINGS = {
    "facebook": {"user_id": "id", "display_name": "name", "given_name": "first_name",
                 "surname": "last_name", "email": "email"},
    "google": dict(_OIDC_DEFAULTS),
    "oidc": dict(_OIDC_DEFAULTS),
}

#: the issuer B2C writes into a federated identity for its built-in social providers
ISSUER_NAMES = {"facebook": "facebook.com", "google": "google.com"}

#: the scopes each kind asks for unless the admin typed others
DEFAULT_SCOPES = {"facebook": "email public_profile", "google": "openid profile email",
                  "oidc": "openid profile"}

_PRACTICE_SETTINGS = {"facebook": "IDP_PRACTICE_FACEBOOK_URL", "google": "IDP_PRACTICE_GOOGLE_URL"}


# -- reading ---------------------------------------------------------------------------------

def list_providers() -> list[IdentityProvider]:
    """Every configured provider, by name (the blade lists them after Local account)."""
    return list(db.session.scalars(
        sa.select(IdentityProvider).order_by(sa.func.lower(IdentityProvider.display_name))))


def get_provider(provider_id: str | None) -> IdentityProvider | None:
    return db.session.get(IdentityProvider, provider_id) if provider_id else None


def provider_named(display_name: str) -> IdentityProvider | None:
    """The provider with this Name, case-insensitively (names are unique in the blade)."""
    return db.session.scalars(sa.select(IdentityProvider).where(
        sa.func.lower(IdentityProvider.display_name) == display_name.strip().lower())).first()


def providers_for_flow(config: dict | None) -> list[IdentityProvider]:
    """The providers a user flow ticked, in the order its config lists them; ids of providers
    deleted since are skipped."""
    ids = [str(value) for value in (config or {}).get("identity_providers") or []]
    if not ids:
        return []
    found = {row.id: row for row in db.session.scalars(
        sa.select(IdentityProvider).where(IdentityProvider.id.in_(ids)))}
    return [found[value] for value in dict.fromkeys(ids) if value in found]


def flows_using(provider_id: str) -> list[UserFlow]:
    """The user flows that tick this provider, by name."""
    flows = db.session.scalars(sa.select(UserFlow).order_by(UserFlow.name_key))
    return [flow for flow in flows
            if provider_id in [str(v) for v in (flow.config or {}).get("identity_providers") or []]]


def provider_for_issuer(issuer: str, providers: list[IdentityProvider] | None = None
                        ) -> IdentityProvider | None:
    """The configured provider a federated identity's ``issuer`` came from (the Users page
    names it): Facebook and Google by their issuer names, OpenID Connect by the token issuer's
    host equal to the metadata URL's host.  None when none matches (deleted since)."""
    host = (urlsplit(issuer).hostname or issuer).lower() if "://" in issuer else issuer.lower()
    for provider in providers if providers is not None else list_providers():
        if issuer_name(provider) == issuer.lower() or (
                provider.kind == "oidc" and issuer_name(provider) == host):
            return provider
    return None


# -- what the runtime needs ------------------------------------------------------------------

def is_practice(provider: IdentityProvider) -> bool:
    """Facebook and Google are the lab's practice providers, served by this process."""
    return provider.kind in _PRACTICE_SETTINGS


def practice_root(kind: str) -> str:
    """Root URL of the practice provider of ``kind`` (its developer console is at ``/``)."""
    return str(current_app.config[_PRACTICE_SETTINGS[kind]]).rstrip("/")


def metadata_url(provider: IdentityProvider) -> str:
    """Where the runtime learns the provider's endpoints.

    Practice Facebook: its root (Facebook is OAuth 2.0 without discovery; the runtime appends
    the fixed ``/dialog/oauth``, ``/oauth/access_token`` and ``/me``).  Practice Google: its
    discovery document.  OpenID Connect: the URL the admin typed.
    """
    if provider.kind == "facebook":
        return practice_root("facebook")
    if provider.kind == "google":
        return practice_root("google") + "/.well-known/openid-configuration"
    return provider.metadata_url or ""


def issuer_name(provider: IdentityProvider, token_issuer: str | None = None) -> str:
    """The ``issuer`` of the federated identity a sign-up writes.

    ``facebook.com`` and ``google.com`` as B2C writes them.  For OpenID Connect B2C's built-in
    technical profile maps the ID token's ``iss`` claim to the identity provider, so the runtime
    passes it as ``token_issuer``; without one this falls back to the host of the metadata URL,
    which only :func:`provider_for_issuer` uses (to match a recorded ``iss`` by its host).
    """
    if provider.kind in ISSUER_NAMES:
        return ISSUER_NAMES[provider.kind]
    if token_issuer:
        return token_issuer
    return (urlsplit(provider.metadata_url or "").hostname or provider.display_name).lower()


def client_secret(provider: IdentityProvider) -> str | None:
    """The decrypted client secret (never log it).

    :raise ValueError: when SECRET_KEY changed since it was saved (type it again in the blade).
    """
    raw = open_sealed(provider.client_secret_encrypted)
    return raw.decode() if raw is not None else None


def set_client_secret(provider: IdentityProvider, secret: str | None) -> None:
    provider.client_secret_encrypted = seal(secret)


def claims_mapping(provider: IdentityProvider) -> dict[str, str]:
    """The provider's mapping, every field present: what the admin set over the kind's
    defaults (a blank field keeps the default)."""
    mapping = dict(DEFAULT_MAPPINGS.get(provider.kind, _OIDC_DEFAULTS))
    mapping.update({key: value for key, value in (provider.claims_mapping or {}).items()
                    if key in MAPPING_FIELDS and value})
    return mapping


def seeded_claims(mapping: dict[str, str], provider_claims: dict) -> dict[str, str]:
    """The claims a sign-up starts with: each mapped B2C claim from the provider's claim of
    that name (missing or empty ones are left out).  ``issuerUserId`` is always a string
    (Facebook ids are numbers in some SDKs)."""
    bag: dict[str, str] = {}
    for field, claim in MAPPED_CLAIMS.items():
        value = provider_claims.get(mapping.get(field, ""))
        if value not in (None, ""):
            bag[claim] = str(value)
    return bag


def reply_url() -> str:
    """The federation reply URL the admin registers at the provider (B2C's
    ``https://{tenant}.b2clogin.com/{tenant}.onmicrosoft.com/oauth2/authresp``)."""
    public = str(current_app.config["IDP_PUBLIC_URL"]).rstrip("/")
    return f"{public}/{current_app.config['IDP_TENANT_NAME']}.onmicrosoft.com/oauth2/authresp"
