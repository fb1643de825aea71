"""Checks of an authorization request (OIDC Core §3.1.2.1, RFC 6749 §4.1.1, RFC 7636,
b2c-reference §3.4), one small function per rule in the order B2C applies them.

Errors before the redirect URI is proven are :class:`UnsafeRedirectError` (an error page);
after it, :class:`B2CError` (sent back to the app with ``error=`` as its response mode says).
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any, Mapping

from .errors import B2CError, UnsafeRedirectError
from .scopes import ApiScopeResolver, ScopeRequest, parse_scope

RESPONSE_TYPES = {frozenset(t.split()) for t in (
    "code", "id_token", "token", "code id_token", "code token", "id_token token",
    "code id_token token")}
RESPONSE_MODES = {"query", "fragment", "form_post"}
PROMPTS = {"none", "login", "consent", "select_account"}
PKCE_RE = re.compile(r"^[A-Za-z0-9\-._~]{43,128}$")


@dataclass(frozen=True)
class ClientInfo:
    """What the protocol needs to know of an app registration."""

    client_id: str
    name: str
    platform: str                       # web | spa | public
    redirect_uris: tuple[str, ...]
    implicit_id_tokens: bool = False
    implicit_access_tokens: bool = False

    @property
    def is_public(self) -> bool:
        return self.platform in ("spa", "public")


@dataclass
class AuthorizeRequest:
    """A validated authorization request; stored in the transaction as JSON."""

    client_id: str
    redirect_uri: str
    response_type: list[str]
    response_mode: str
    scope: str
    state: str | None = None
    nonce: str | None = None
    prompt: list[str] = field(default_factory=list)
    max_age: int | None = None
    login_hint: str | None = None
    #: a provider's domain (``facebook.com``, an OpenID Connect provider's Domain hint): the
    #: run skips the sign-in page and goes straight to that provider
    domain_hint: str | None = None
    ui_locales: str | None = None
    #: the browser's Accept-Language header at authorize time: the pages' language for the
    #: whole run is chosen from it (b2c-reference §6.5), never from later requests
    accept_language: str | None = None
    code_challenge: str | None = None
    code_challenge_method: str | None = None
    wants_access_token: bool = False
    resource: str | None = None
    scp: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "AuthorizeRequest":
        return cls(**data)


def _missing(name: str) -> B2CError:
    return B2CError("AADB2C90083", name)


def check_redirect_uri(params: Mapping[str, str], client: ClientInfo | None,
                       tenant: str) -> str:
    """Prove the client and its redirect URI, or raise an error that must not redirect.

    Exact string comparison (RFC 9700 §2.1): case, trailing slash and port all count.
    """
    client_id = params.get("client_id")
    if not client_id:
        raise UnsafeRedirectError("AADB2C90083", "client_id",
                                  hint="Add client_id: the Application (client) ID of your app.")
    if client is None:
        raise UnsafeRedirectError("AADB2C90018", client_id, tenant, hint=(
            "Copy the Application (client) ID from App registrations; it is a GUID, not the "
            "app's name."), details={"requested client_id": client_id})
    redirect_uri = params.get("redirect_uri")
    if not client.redirect_uris:
        raise UnsafeRedirectError("AADB2C90007", client.client_id, hint=(
            "Add a redirect URI to the app registration (Authentication > Add a platform)."))
    if not redirect_uri:
        raise UnsafeRedirectError("AADB2C90083", "redirect_uri", hint=(
            "Add redirect_uri: one of the redirect URIs registered for the app."),
            details={"registered": list(client.redirect_uris)})
    if redirect_uri not in client.redirect_uris:
        raise UnsafeRedirectError("AADB2C90006", redirect_uri, client.client_id, hint=(
            "The redirect URI must match a registered one exactly: scheme, host, port, path, "
            "case and trailing slash."),
            details={"requested": redirect_uri, "registered": list(client.redirect_uris)})
    return redirect_uri


def parse_response_type(params: Mapping[str, str]) -> frozenset[str]:
    value = params.get("response_type")
    if not value:
        raise B2CError("AADB2C90083", "response_type", error="invalid_request")
    response_type = frozenset(value.split())
    if response_type not in RESPONSE_TYPES:
        raise B2CError("AADB2C90014", value, error="unsupported_response_type")
    return response_type


def response_mode_for(params: Mapping[str, str], response_type: frozenset[str] | None) -> str:
    """The response mode asked for, or the default: query for code, fragment for tokens."""
    mode = params.get("response_mode")
    if mode in RESPONSE_MODES:
        return mode
    return "query" if response_type in (None, frozenset({"code"})) else "fragment"


def _check_response_mode(params: Mapping[str, str], response_type: frozenset[str]) -> str:
    mode = params.get("response_mode")
    if mode is not None and mode not in RESPONSE_MODES:
        raise B2CError("AADB2C90083", "a valid response_mode (query, fragment or form_post)")
    mode = response_mode_for(params, response_type)
    if mode == "query" and response_type & {"id_token", "token"}:
        # OAuth 2.0 Multiple Response Types §3.0: tokens never travel in a query string.
        raise B2CError("AADB2C90083", "response_mode fragment or form_post for tokens")
    return mode


def _check_scope(params, client: ClientInfo, response_type, resolve) -> ScopeRequest:
    scopes = parse_scope(params.get("scope", ""), client.client_id, resolve)
    if "id_token" in response_type and not scopes.openid:
        raise B2CError("AADB2C90115", error="invalid_scope")
    if "code" in response_type and not (scopes.openid or scopes.wants_access_token):
        raise B2CError("AADB2C90115", error="invalid_scope")
    if "token" in response_type and not scopes.wants_access_token:
        raise B2CError("AADB2C90055", params.get("scope", ""), error="invalid_scope")
    return scopes


def _check_implicit(client: ClientInfo, response_type: frozenset[str]) -> None:
    if "id_token" in response_type and not client.implicit_id_tokens:
        raise B2CError("AADB2C90057", error="unauthorized_client", hint=(
            "Tick Authentication > Implicit grant > ID tokens on the app registration, or run "
            "with response_type=code."))
    if "token" in response_type and not client.implicit_access_tokens:
        raise B2CError("AADB2C90057", error="unauthorized_client", hint=(
            "Tick Authentication > Implicit grant > Access tokens on the app registration."))


def _check_pkce(params, client: ClientInfo, response_type) -> tuple[str | None, str | None]:
    challenge = params.get("code_challenge")
    method = params.get("code_challenge_method")
    if challenge is None:
        if method:
            raise _missing("code_challenge")
        if client.is_public and "code" in response_type:
            raise B2CError("AADB2C99059", hint=(
                "Single-page and native apps must use PKCE: send code_challenge and "
                "code_challenge_method=S256."))
        return None, None
    method = method or "plain"  # RFC 7636 §4.3: plain when the method is left out
    if method not in ("plain", "S256"):
        raise B2CError("AADB2C90184")
    if not PKCE_RE.match(challenge):
        raise B2CError("AADB2C90183", hint="code_challenge must be 43-128 URL-safe characters.")
    return challenge, method


def _check_prompt(params) -> list[str]:
    prompt = [p for p in params.get("prompt", "").split(" ") if p]
    if any(p not in PROMPTS for p in prompt) or ("none" in prompt and len(prompt) > 1):
        raise B2CError("AADB2C90043")
    return prompt


def _check_max_age(params) -> int | None:
    value = params.get("max_age")
    if value in (None, ""):
        return None
    if not value.isdigit():
        raise B2CError("AADB2C90120", value)
    return int(value)


def validate_authorize_request(params: Mapping[str, str], client: ClientInfo,
                               redirect_uri: str, resolve_api_scope: ApiScopeResolver, *,
                               accept_language: str | None = None) -> AuthorizeRequest:
    """Apply every rule after the redirect URI is proven; unknown parameters are ignored
    (OIDC Core §3.1.2.1, conformance ``oidcc-ensure-request-with-unknown-parameter-succeeds``).
    ``accept_language`` (the browser's header) is kept, cut to 256 characters, for the pages.

    :raise B2CError: the first rule broken, to be returned to the app.
    """
    response_type = parse_response_type(params)
    mode = _check_response_mode(params, response_type)
    scopes = _check_scope(params, client, response_type, resolve_api_scope)
    _check_implicit(client, response_type)
    if "id_token" in response_type and "code" not in response_type and not params.get("nonce"):
        raise _missing("nonce")  # OIDC Core §3.2.2.1: nonce is required for implicit
    challenge, method = _check_pkce(params, client, response_type)
    return AuthorizeRequest(
        client_id=client.client_id, redirect_uri=redirect_uri,
        response_type=sorted(response_type), response_mode=mode, scope=params.get("scope", ""),
        state=params.get("state"), nonce=params.get("nonce"), prompt=_check_prompt(params),
        max_age=_check_max_age(params), login_hint=params.get("login_hint"),
        domain_hint=params.get("domain_hint") or None,
        ui_locales=params.get("ui_locales"),
        accept_language=accept_language[:256] if accept_language else None,
        code_challenge=challenge,
        code_challenge_method=method, wants_access_token=scopes.wants_access_token,
        resource=scopes.resource, scp=list(scopes.scp))
