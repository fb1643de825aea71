"""Discovery (OIDC Discovery 1.0 §4) and JWKS (RFC 7517), shaped as B2C's (§3.3)."""
from __future__ import annotations

from flask import jsonify, request

from ..store.policy_keys import PolicyKeyError
from . import cors
from .context import PolicyNotFound, resolve_policy
from .errors import protocol_error_page

PROTOCOL_CLAIMS = ["sub", "iss", "iat", "exp", "aud", "acr", "nonce", "auth_time"]


def _cacheable(response, seconds: int = 300):
    """Public and cacheable; any origin may read it (B2C answers ``*`` too)."""
    response.headers["Cache-Control"] = f"public, max-age={seconds}"
    response.headers.update(cors.PUBLIC)
    return response


def _preflight():
    return "", 204, cors.PUBLIC_PREFLIGHT


@protocol_error_page
def discovery(tenant: str, policy: str | None = None):
    if request.method == "OPTIONS":
        return _preflight()
    ctx = resolve_policy(tenant, policy)

    def url(path: str) -> str:  # a document fetched with ?p= lists ?p= endpoints, as B2C's does
        return ctx.endpoint(path, query_form=policy is None)

    return _cacheable(jsonify({
        "issuer": ctx.issuer,
        "authorization_endpoint": url("oauth2/v2.0/authorize"),
        "token_endpoint": url("oauth2/v2.0/token"),
        "end_session_endpoint": url("oauth2/v2.0/logout"),
        "jwks_uri": url("discovery/v2.0/keys"),
        "response_modes_supported": ["query", "fragment", "form_post"],
        "response_types_supported": ["code", "code id_token", "code token",
                                     "code id_token token", "id_token", "id_token token",
                                     "token", "token id_token"],
        "scopes_supported": ["openid"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
        "claims_supported": _claims_supported(ctx),
        # Not in B2C's document; RFC 9700 §2.1.1 says an AS MUST advertise PKCE support, and
        # clients that do not look for it ignore it.
        "code_challenge_methods_supported": ["plain", "S256"],
    }))


def _claims_supported(ctx) -> list[str]:
    """A user flow's: its Application claims, the policy claim and the protocol claims.  A
    custom policy's: its relying party's output claims only, as B2C's custom-policy documents
    list (b2c-reference §3.3)."""
    if ctx.is_custom:
        return list(dict.fromkeys(spec.token_claim for spec in ctx.custom.output_claims))
    attributes = ctx.catalogue
    app_claims = [attributes[c].token_claim for c in ctx.config.get("application_claims", [])
                  if c in attributes and attributes[c].token_claim]
    flow_claim = [ctx.props["user_flow_claim"]]
    sspr = ["isForgotPassword"] if ctx.props["self_service_password_reset"] else []
    return app_claims + flow_claim + sspr + PROTOCOL_CLAIMS


@protocol_error_page
def jwks(tenant: str, policy: str | None = None):
    """The user flow's tenant key, or the keys of the custom policy's JwtIssuer key container
    (``issuer_secret``, ``B2C_1A_TokenSigningKeyContainer`` in the starter pack)."""
    if request.method == "OPTIONS":
        return _preflight()
    ctx = resolve_policy(tenant, policy)
    try:
        return _cacheable(jsonify(ctx.jwks()))
    except PolicyKeyError as missing:  # deleted since the upload
        raise PolicyNotFound(None, message=str(missing)) from None

