"""Federation: signing in at a social or OpenID Connect identity provider (the starter pack's
``Facebook-OAUTH`` and OpenID Connect technical profiles), and what follows it in a journey:
finding the account by its federated identity (``AAD-UserReadUsingAlternativeSecurityId``),
the PostFederationSignup connector step, and writing a new account
(``AAD-UserWriteUsingAlternativeSecurityId``).

The federation profile is a page in the engine's sense: ``render`` answers with a redirect to
the provider (state and nonce kept in the step's scratch), ``submit`` takes what the provider
sent back to the reply URL (``{base}/{tenant}.onmicrosoft.com/oauth2/authresp``), redeems the
code, checks the ID token (signature against the provider's JWKS, ``iss``, ``aud``, ``nonce``,
``exp``), maps the provider's claims into the bag and records the round trip for the trace.
Every HTTP call goes through ``ports.federation`` (``idp.store.federation``): this module stays
pure and runs against fake ports in tests.  The ID token checks are in
:mod:`.federation_checks`, the directory steps after the provider in :mod:`.federation_accounts`.
"""
from __future__ import annotations

import base64
import binascii
import hmac
import json
import re
import secrets
from dataclasses import dataclass, field
from typing import Any, Mapping
from urllib.parse import urlencode, urlsplit, urlunsplit

from .errors import B2CError
from .federation_checks import InvalidIdToken, map_claims, validate_id_token
from .journey import Continue, StepContext, Stay

#: the fields Facebook's /me returns (what the starter pack's Facebook-OAUTH asks for)
FACEBOOK_FIELDS = "id,first_name,last_name,name,email"
SOCIAL_SOURCE = "socialIdpAuthentication"
LOCAL_SOURCE = "localAccountAuthentication"
STATE_PREFIX = "StateProperties="
FEDERATE = "Federate with an identity provider"


@dataclass(frozen=True)
class SocialProvider:
    """A provider a user flow ticked, as the journey compiler needs it (no secret)."""

    id: str
    kind: str                  # facebook | google | oidc
    display_name: str
    #: an OpenID Connect provider's Domain hint: the app's ``domain_hint`` that picks it
    domain_hint: str | None = None

    @property
    def domain(self) -> str | None:
        """What an app's ``domain_hint`` names this provider by: ``facebook.com``,
        ``google.com``, or the Domain hint set on an OpenID Connect provider."""
        return {"facebook": "facebook.com", "google": "google.com"}.get(
            self.kind, (self.domain_hint or "").strip().lower() or None)


@dataclass(frozen=True)
class ProviderEndpoints:
    """Where and how to talk to one provider; built by the Federation port (discovery for
    OpenID Connect, fixed paths for Facebook).  ``issuer`` is the ``iss`` an ID token must
    carry; ``issuer_name`` what the federated identity records (None: the token's ``iss``)."""

    provider_id: str
    kind: str
    display_name: str
    client_id: str
    authorization_endpoint: str
    token_endpoint: str
    scope: str
    response_type: str = "code"
    response_mode: str = "form_post"
    domain_hint: str | None = None
    userinfo_endpoint: str | None = None
    jwks_uri: str | None = None
    issuer: str | None = None
    issuer_name: str | None = None
    claims_mapping: Mapping[str, str] = field(default_factory=dict)

    @property
    def protocol(self) -> str:
        return "OAuth2" if self.kind == "facebook" else "OpenIdConnect"


class ProviderCallFailed(Exception):
    """An HTTP call to the provider failed: ``endpoint`` names which one, ``reason`` why in
    plain words (no answer in time, refused, HTTP 500, not JSON...)."""

    def __init__(self, endpoint: str, url: str, reason: str, status: int | None = None,
                 body: Any = None) -> None:
        super().__init__(f"{endpoint} {url}: {reason}")
        self.endpoint, self.url, self.reason, self.status, self.body = (endpoint, url, reason,
                                                                         status, body)


# --- names -----------------------------------------------------------------------------------

def _compact(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9]", "", name) or "OpenIdConnect"


def exchange_id(provider: SocialProvider) -> str:
    """The ClaimsExchange id, which is also the button's id on the sign-in page: B2C's
    ``FacebookExchange`` and ``GoogleExchange``; for an OpenID Connect provider the Name
    without spaces plus ``Exchange`` (B2C's id for custom providers is not documented: ours)."""
    base = {"facebook": "Facebook", "google": "Google"}.get(provider.kind)
    return f"{base or _compact(provider.display_name)}Exchange"


def profile_id(provider: SocialProvider) -> str:
    """The technical profile's id, as the starter pack names them (``Facebook-OAUTH``,
    ``Google-OAUTH``) and the docs name a custom one (``{Name}-OpenIdConnect``)."""
    if provider.kind in ("facebook", "google"):
        return f"{provider.kind.capitalize()}-OAUTH"
    return f"{_compact(provider.display_name)}-OpenIdConnect"


def encode_state(transaction_id: str, nonce: str) -> str:
    """The ``state`` sent to a provider: B2C's ``StateProperties=`` and base64 JSON naming the
    transaction (``TID``), plus a random value the reply must echo (``RV``)."""
    raw = json.dumps({"TID": transaction_id, "RV": nonce}, separators=(",", ":")).encode()
    return STATE_PREFIX + base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_state(state: str | None) -> tuple[str, str] | None:
    """(transaction id, random value) from a ``state``; None when it is not ours."""
    if not state or not state.startswith(STATE_PREFIX):
        return None
    blob = state[len(STATE_PREFIX):]
    try:
        data = json.loads(base64.urlsafe_b64decode(blob + "=" * (-len(blob) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("TID"), str) \
            or not isinstance(data.get("RV"), str):
        return None
    return data["TID"], data["RV"]


def authorization_url(endpoints: ProviderEndpoints, *, redirect_uri: str, state: str,
                      nonce: str) -> tuple[str, dict[str, str]]:
    """The provider's authorization URL and its parameters (for the trace)."""
    params = {"client_id": endpoints.client_id, "redirect_uri": redirect_uri,
              "response_type": endpoints.response_type if endpoints.protocol == "OpenIdConnect"
              else "code", "scope": endpoints.scope}
    if endpoints.protocol == "OpenIdConnect":
        params["response_mode"] = endpoints.response_mode
        params["nonce"] = nonce
    # An OpenID Connect provider's Domain hint is not sent to it: B2C uses it to pick the
    # provider from the app's domain_hint (direct sign-in), see SelfAsserted.auto_select.
    params["state"] = state
    parts = urlsplit(endpoints.authorization_endpoint)
    query = "&".join(filter(None, (parts.query, urlencode(params))))
    return urlunsplit(parts._replace(query=query)), params


# --- errors as B2C words them ----------------------------------------------------------------

def _invalid_response(detail: str, hint: str) -> B2CError:
    return B2CError("AADB2C90273", detail, error="server_error", hint=hint)


def _unreachable(failure: ProviderCallFailed) -> B2CError:
    return B2CError("AADB2C90275", failure.url, failure.endpoint, error="server_error",
                    hint=f"The provider's {failure.endpoint} did not answer as expected: "
                         f"{failure.reason}. Check that the provider runs and that its URL in "
                         "Identity providers is right.")


def _error_words(body: Mapping[str, Any]) -> tuple[str, str]:
    """(error, description) of an error answer: OAuth's ``error``/``error_description``, or
    Facebook's Graph error object ``{"error": {"type", "message", "code"}}``."""
    error = body.get("error")
    if isinstance(error, dict):
        return str(error.get("type") or error.get("code") or "error"), str(
            error.get("message") or "")
    return str(error), str(body.get("error_description") or "")


def _shown_claims(claims: Mapping[str, Any]) -> dict[str, Any]:
    """What the trace shows of the provider's claims: never a token or code."""
    hidden = {"access_token", "id_token", "refresh_token", "code", "at_hash", "c_hash"}
    return {k: v for k, v in claims.items() if k not in hidden}


class Federation:
    """``Facebook-OAUTH``, ``Google-OAUTH``, ``{Name}-OpenIdConnect``: the round trip to the
    provider.  The reply reaches ``submit`` as ``{"federation_reply": {...}}``, a dict the
    flow page's form can never produce, so a browser cannot skip the provider."""

    interactive = True

    def _endpoints(self, ctx: StepContext) -> ProviderEndpoints:
        try:
            return ctx.ports.federation.endpoints(ctx.profile.metadata["provider_id"])
        except ProviderCallFailed as failure:
            self._failed(ctx, failure.reason, calls={"request": {"metadata": failure.url}})
            raise _unreachable(failure) from None
        except LookupError:
            raise B2CError(None, error="server_error", message=(
                f"The identity provider '{ctx.profile.display_name}' was deleted while this "
                "sign-in was running."), hint="Start again from the application.") from None

    def _failed(self, ctx: StepContext, reason: str, calls: dict | None = None) -> None:
        ctx.event(FEDERATE, result="failure", IdentityProviderName=ctx.profile.display_name,
                  reason=reason)
        if calls is not None:
            ctx.calls.append({"kind": "federation", "step": ctx.profile.display_name,
                              "explanation": reason, "verdict": "error", "request": {},
                              "response": {}, **calls})

    def render(self, ctx: StepContext) -> dict[str, Any]:
        endpoints = self._endpoints(ctx)
        random_value, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        port = ctx.ports.federation
        url, params = authorization_url(
            endpoints, redirect_uri=port.reply_url, nonce=nonce,
            state=encode_state(port.transaction_id, random_value))
        ctx.state.scratch["federation"] = {
            "provider": endpoints.provider_id, "state": random_value, "nonce": nonce,
            "sent_at": ctx.now, "request": {"url": endpoints.authorization_endpoint, **params}}
        return {"contract": "redirect", "redirect": url,
                "content_definition": "redirect", "provider": endpoints.display_name}

    def submit(self, ctx: StepContext, form: Mapping[str, Any]) -> Continue | Stay:
        reply = form.get("federation_reply")
        if not isinstance(reply, dict):  # the flow page posted here: go to the provider again
            return Stay(self.render(ctx))
        pending = ctx.state.scratch.get("federation") or {}
        call: dict[str, Any] = {"kind": "federation", "step": ctx.profile.display_name,
                                "request": pending.get("request", {}),
                                # the names of what came back, never a code's or token's value
                                "response": {"returned": sorted(reply)}}
        decoded = decode_state(reply.get("state"))
        if not pending or decoded is None or not hmac.compare_digest(decoded[1],
                                                                     pending["state"]):
            self._failed(ctx, "state mismatch", calls=call)
            raise B2CError(None, error="server_error", message=(
                "The response from the identity provider does not belong to this sign-in "
                "(its state does not match)."),
                hint="Start again from the application; do not reuse an old provider page.")
        if reply.get("error"):
            return self._provider_error(ctx, reply, call)
        endpoints = self._endpoints(ctx)
        try:
            provider_claims, access_token = self._redeem(ctx, endpoints, reply, pending, call)
        except ProviderCallFailed as failure:
            call["response"].update(endpoint=failure.endpoint, status=failure.status,
                                    body=failure.body)
            self._failed(ctx, failure.reason, calls=call)
            if isinstance(failure.body, dict) and failure.body.get("error"):
                # the provider answered with an OAuth error (invalid_grant...): quote it
                error, description = _error_words(failure.body)
                raise _invalid_response(
                    f"Error: {error}, Error Description: {description}",
                    f"The provider's {failure.endpoint} refused the request "
                    f"({failure.reason}). Check the client ID and secret in Identity "
                    "providers.") from None
            raise _unreachable(failure) from None
        except InvalidIdToken as problem:
            self._failed(ctx, str(problem), calls=call)
            raise _invalid_response(f"The ID token was refused: {problem}.",
                                    "B2C Lab checks the ID token's signature against the "
                                    "provider's JWKS and its iss, aud, nonce and exp claims.") \
                from None
        mapped = map_claims(endpoints.claims_mapping, provider_claims)
        call["response"]["provider_claims"] = _shown_claims(provider_claims)
        call["response"]["mapped_claims"] = mapped
        if not mapped.get("issuerUserId"):
            user_id = endpoints.claims_mapping.get("user_id")
            self._failed(ctx, f"no value for the User ID claim '{user_id}'", calls=call)
            raise _invalid_response(
                f"The provider sent no '{user_id}' claim for the user ID.",
                "Check the provider's claims mapping (User ID) in Identity providers.")
        issuer_name = endpoints.issuer_name or str(provider_claims.get("iss", ""))
        claims = {**mapped, "identityProvider": issuer_name,
                  "authenticationSource": SOCIAL_SOURCE}
        if ctx.profile.metadata.get("return_access_token") and access_token:
            claims["identityProviderAccessToken"] = access_token
        call.update(verdict="continue", explanation=(
            f"signed in at {endpoints.display_name} as {mapped['issuerUserId']} "
            f"(issuer {issuer_name}); mapped {', '.join(sorted(mapped))}"))
        ctx.calls.append(call)
        ctx.event(FEDERATE, IdentityProviderName=issuer_name,
                  IdentityProviderApplicationId=endpoints.client_id)
        ctx.state.scratch.pop("federation", None)
        return Continue(claims, note=f"signed in at {endpoints.display_name}")

    def _provider_error(self, ctx: StepContext, reply: Mapping[str, Any], call: dict):
        error = str(reply.get("error"))
        description = str(reply.get("error_description") or "")
        call["response"]["error"] = {"error": error, "error_description": description}
        self._failed(ctx, f"the provider answered error={error}", calls=call)
        if error == "access_denied":  # the user cancelled at the provider (consent denied)
            raise B2CError("AADB2C90091", error="access_denied")
        raise _invalid_response(f"Error: {error}, Error Description: {description}",
                                "The identity provider refused the sign-in; its error is "
                                "quoted above.")

    def _redeem(self, ctx, endpoints: ProviderEndpoints, reply, pending, call):
        """(the provider's claims, its access token) from the reply."""
        port = ctx.ports.federation
        tokens: dict[str, Any] = {}
        if reply.get("code"):
            tokens = port.redeem_code(endpoints, str(reply["code"]))
            call["response"]["token_endpoint"] = {
                "status": 200, "returned": sorted(tokens),
                "token_type": tokens.get("token_type")}
        if endpoints.protocol == "OAuth2":
            if not tokens.get("access_token"):
                raise ProviderCallFailed("token endpoint", endpoints.token_endpoint,
                                         "the answer has no access_token" if tokens
                                         else "the provider sent no authorization code")
            info = port.user_info(endpoints, tokens["access_token"])
            return info, tokens["access_token"]
        id_token = tokens.get("id_token") or reply.get("id_token")
        if not id_token:
            raise ProviderCallFailed("token endpoint", endpoints.token_endpoint,
                                     "no ID token came back (neither from the token endpoint "
                                     "nor in the reply)")
        claims = validate_id_token(str(id_token), port.keys(endpoints),
                                   issuer=endpoints.issuer, client_id=endpoints.client_id,
                                   nonce=pending["nonce"], now=ctx.now)
        return claims, tokens.get("access_token")
