"""The engine's Federation port: the identity providers over HTTP.

Facebook (OAuth 2.0, no discovery) at the fixed paths of its practice root: ``/dialog/oauth``,
``/oauth/access_token``, ``/me``.  Google and OpenID Connect providers through their discovery
document.  Every call: http or https only, a timeout, no redirects followed, a 1 MB cap, and a
failure raised as :class:`ProviderCallFailed` in plain words.  The client secret is sent to
the token endpoint and nowhere else; nothing here logs a secret, a code or a token.
"""
from __future__ import annotations

import json
from typing import Any

import requests

from ..engine.federation import (FACEBOOK_FIELDS, ProviderCallFailed, ProviderEndpoints,
                                 SocialProvider)
from . import identity_providers as providers

TIMEOUT_SECONDS = 10
MAX_RESPONSE_BYTES = 1024 * 1024


def _read(response: requests.Response) -> str:
    data = b""
    for chunk in response.iter_content(65536):
        data += chunk
        if len(data) > MAX_RESPONSE_BYTES:
            raise ValueError("the answer is larger than 1 MB")
    return data.decode(response.encoding or "utf-8", errors="replace")


def _json_call(endpoint: str, method: str, url: str, **kwargs) -> dict[str, Any]:
    """``method`` ``url``; the JSON object it answers with HTTP 200.

    :raise ProviderCallFailed: for no answer, a refused connection, a status other than 200,
        a body that is not a JSON object (the provider's error JSON is kept in ``body``).
    """
    if not url.startswith(("http://", "https://")):
        raise ProviderCallFailed(endpoint, url or "(none)", "the URL is not an http(s) URL")
    try:
        with requests.request(method, url, timeout=TIMEOUT_SECONDS, allow_redirects=False,
                              stream=True, **kwargs) as response:
            text = _read(response)
    except requests.Timeout:
        raise ProviderCallFailed(endpoint, url, f"no answer within {TIMEOUT_SECONDS} s") \
            from None
    except requests.ConnectionError as refused:
        raise ProviderCallFailed(endpoint, url, "the connection failed "
                                                f"({refused.__class__.__name__})") from None
    except ValueError as too_large:
        raise ProviderCallFailed(endpoint, url, str(too_large)) from None
    try:
        body = json.loads(text)
    except ValueError:
        body = None
    if response.status_code != 200:
        shown = {k: v for k, v in body.items() if k in ("error", "error_description")} \
            if isinstance(body, dict) else text[:300]
        raise ProviderCallFailed(endpoint, url, f"it answered HTTP {response.status_code}",
                                 status=response.status_code, body=shown)
    if not isinstance(body, dict):
        raise ProviderCallFailed(endpoint, url, "the answer is not a JSON object",
                                 status=response.status_code)
    return body


def social_providers(config: dict | None) -> list[SocialProvider]:
    """The providers a flow ticked, in its order, as the journey compiler takes them."""
    return [SocialProvider(row.id, row.kind, row.display_name, row.domain_hint)
            for row in providers.providers_for_flow(config)]


class SqlFederation:
    """Made for one request of one run (``make_ports``): ``transaction_id`` is that run's."""

    def __init__(self, transaction_id: str = "") -> None:
        self.transaction_id = transaction_id
        self.reply_url = providers.reply_url()
        self._secrets: dict[str, str | None] = {}

    def endpoints(self, provider_id: str) -> ProviderEndpoints:
        row = providers.get_provider(provider_id)
        if row is None:
            raise LookupError(provider_id)
        try:
            self._secrets[row.id] = providers.client_secret(row)
        except ValueError as undecryptable:
            raise ProviderCallFailed("client secret", providers.metadata_url(row),
                                     str(undecryptable)) from None
        scope = row.scope if row.scope and not (row.kind != "oidc" and row.scope == "openid") \
            else providers.DEFAULT_SCOPES[row.kind]
        common = dict(provider_id=row.id, kind=row.kind, display_name=row.display_name,
                      client_id=row.client_id, scope=scope,
                      response_type=row.response_type or "code",
                      response_mode=row.response_mode or "form_post",
                      domain_hint=row.domain_hint or None,
                      claims_mapping=providers.claims_mapping(row))
        if row.kind == "facebook":
            root = providers.metadata_url(row).rstrip("/")
            return ProviderEndpoints(
                authorization_endpoint=f"{root}/dialog/oauth",
                token_endpoint=f"{root}/oauth/access_token", userinfo_endpoint=f"{root}/me",
                issuer_name=providers.ISSUER_NAMES["facebook"], **common)
        metadata = _json_call("metadata", "GET", providers.metadata_url(row))
        missing = [k for k in ("issuer", "authorization_endpoint", "jwks_uri")
                   if not isinstance(metadata.get(k), str)]
        if missing:
            raise ProviderCallFailed("metadata", providers.metadata_url(row),
                                     f"the discovery document has no {', '.join(missing)}")
        return ProviderEndpoints(
            authorization_endpoint=metadata["authorization_endpoint"],
            token_endpoint=str(metadata.get("token_endpoint") or ""),
            userinfo_endpoint=metadata.get("userinfo_endpoint"), jwks_uri=metadata["jwks_uri"],
            issuer=metadata["issuer"], issuer_name=providers.ISSUER_NAMES.get(row.kind),
            **common)

    def redeem_code(self, endpoints: ProviderEndpoints, code: str) -> dict[str, Any]:
        """client_secret_post, as B2C does for Facebook and OpenID Connect providers by
        default (``token_endpoint_auth_method``: client_secret_post)."""
        secret = self._secrets.get(endpoints.provider_id)
        form = {"grant_type": "authorization_code", "code": code,
                "redirect_uri": self.reply_url, "client_id": endpoints.client_id}
        if secret:
            form["client_secret"] = secret
        return _json_call("token endpoint", "POST", endpoints.token_endpoint, data=form,
                          headers={"Accept": "application/json"})

    def keys(self, endpoints: ProviderEndpoints) -> dict[str, Any]:
        return _json_call("JWKS", "GET", endpoints.jwks_uri or "")

    def user_info(self, endpoints: ProviderEndpoints, access_token: str) -> dict[str, Any]:
        return _json_call("/me", "GET", endpoints.userinfo_endpoint or "",
                          params={"fields": FACEBOOK_FIELDS},
                          headers={"Authorization": f"Bearer {access_token}"})
