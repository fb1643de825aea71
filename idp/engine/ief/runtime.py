"""What the custom-policy handlers read while a journey runs: the policy's claim types,
claims transformations and content definitions (:class:`PolicyRuntime`), which handler a
technical profile's protocol maps to (:func:`handler_kind`), and claim resolvers.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Mapping

from .model import ClaimType, ClaimsTransformation, ContentDefinition, MergedPolicy
from .model import TechnicalProfileDef

#: Proprietary protocol handlers (the .NET type name, before the assembly) -> engine handler
PROPRIETARY = {
    "Web.TPEngine.Providers.SelfAssertedAttributeProvider": "IefSelfAsserted",
    "Web.TPEngine.Providers.AzureActiveDirectoryProvider": "IefAad",
    "Web.TPEngine.Providers.ClaimsTransformationProtocolProvider": "IefClaimsTransformation",
    "Web.TPEngine.Providers.RestfulProvider": "IefRestful",
    "Web.TPEngine.SSO.DefaultSSOSessionProvider": "SessionDefault",
    "Web.TPEngine.SSO.NoopSSOSessionProvider": "SessionNoop",
    "Web.TPEngine.SSO.OAuthSSOSessionProvider": "SessionOAuth",
    "Web.TPEngine.SSO.ExternalLoginSSOSessionProvider": "SessionExternalLogin",
}
#: the contracts the flow templates draw (idp/flows/runner.py TEMPLATES)
CONTRACTS = ("unifiedssp", "selfasserted")


def handler_kind(tp: TechnicalProfileDef) -> str | None:
    """The engine handler name for ``tp``'s protocol, or None when none runs it.

    An OpenIdConnect profile is either the token issuer (``JwtIssuer``: it has an
    ``issuer_secret`` key) or, used as a validation profile as ``login-NonInteractive`` is,
    the local-account credential check B2C makes against ``login.microsoftonline.com`` (done
    here against the directory).
    """
    protocol = (tp.protocol_name or "").strip()
    if protocol == "Proprietary":
        type_name = (tp.protocol_handler or "").split(",")[0].strip()
        return PROPRIETARY.get(type_name)
    if protocol == "OpenIdConnect":
        if "issuer_secret" in tp.cryptographic_keys:
            return "JwtIssuer"
        # the upload validator refuses OpenIdConnect as an orchestration step (federation)
        return "IefLocalCredential"
    if protocol == "None":
        return "IefNone"
    return None


@dataclass(frozen=True)
class PolicyRuntime:
    """A merged policy's building blocks, as the handlers need them."""

    policy_id: str
    claim_types: Mapping[str, ClaimType]
    transformations: Mapping[str, ClaimsTransformation]
    content_definitions: Mapping[str, ContentDefinition]
    technical_profiles: Mapping[str, TechnicalProfileDef]
    #: ClaimType Id lower-cased -> its Id: references match without regard to case, as B2C's
    #: starter pack needs (``surName`` on the sign-up page, ``surname`` in the schema)
    claim_ids: Mapping[str, str] = field(default_factory=dict)
    #: each ClaimType's own DisplayName and Pattern HelpText as page overrides
    claim_type_texts: tuple[dict, ...] = ()

    @classmethod
    def of(cls, merged: MergedPolicy) -> "PolicyRuntime":
        texts = []
        for claim_type in merged.claim_types.values():
            # UserHelpText is left out: B2C keeps it behind a "What is this?" link, while the
            # flow templates would print it under every label; a LocalizedString still can
            for string_id, value in (
                    ("DisplayName", claim_type.display_name),
                    ("PatternHelpText", claim_type.restriction.pattern_help_text
                     if claim_type.restriction else None)):
                if value and value.strip():
                    texts.append({"ElementType": "ClaimType", "ElementId": claim_type.id,
                                  "StringId": string_id, "Value": value, "Override": True})
        return cls(merged.policy_id, merged.claim_types, merged.transformations,
                   merged.content_definitions, merged.technical_profiles,
                   {claim_id.lower(): claim_id for claim_id in merged.claim_types},
                   tuple(texts))

    def claim(self, reference: str) -> str:
        """The ClaimType Id ``reference`` names (case-insensitive); itself when undefined."""
        return self.claim_ids.get(reference.lower(), reference)

    def data_type(self, claim: str) -> str:
        claim_type = self.claim_types.get(self.claim(claim))
        return (claim_type.data_type if claim_type else "string").lower()

    def contract(self, content_definition: str) -> str:
        """The page contract a content definition's DataUri names (``...:contract:unifiedssp:
        2.1.5`` or the older ``...:elements:unifiedssp:1.0.0``)."""
        definition = self.content_definitions.get(content_definition)
        parts = (definition.data_uri if definition else "").strip().split(":")
        return parts[-2].lower() if len(parts) >= 2 else ""


def typed_value(value: Any, data_type: str) -> Any:
    """A text (a DefaultValue, a form field) as its claim's data type in the bag."""
    if not isinstance(value, str):
        return value
    kind = data_type.lower()
    if kind == "boolean" and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    if kind in ("int", "long") and re.fullmatch(r"[+-]?\d+", value.strip()):
        return int(value)
    if kind == "stringcollection":
        return [value]
    return value


_RESOLVER = re.compile(r"\{([A-Za-z]+(?::[A-Za-z_.-]+)?)\}")


def resolver_values(request: Mapping[str, Any], *, policy_id: str, tenant_id: str,
                    tenant_domain: str, language: str, now: float) -> dict[str, str]:
    """The claim resolvers a run knows (``{OIDC:LoginHint}``, ``{Policy:TenantObjectId}``...)."""
    when = dt.datetime.fromtimestamp(now, dt.timezone.utc)
    values = {
        "OIDC:LoginHint": request.get("login_hint"), "OIDC:ClientId": request.get("client_id"),
        "OIDC:Nonce": request.get("nonce"), "OIDC:Prompt": " ".join(request.get("prompt") or ())
        if isinstance(request.get("prompt"), (list, tuple)) else request.get("prompt"),
        "OIDC:DomainHint": request.get("domain_hint"), "OIDC:MaxAge": request.get("max_age"),
        "OIDC:Resource": request.get("resource"), "OIDC:Scope": request.get("scope")
        if isinstance(request.get("scope"), str) else " ".join(request.get("scope") or ()),
        "Policy:PolicyId": policy_id, "Policy:TenantObjectId": tenant_id,
        "Policy:RelyingPartyTenantId": tenant_domain, "Policy:TenantId": tenant_domain,
        "Policy:TrustFrameworkTenantId": tenant_domain, "RelyingPartyTenantId": tenant_domain,
        "Culture:LanguageName": language, "Culture:RFC5646": language,
        "Culture:LCID": None, "Context:DateTimeInUtc": when.strftime("%d/%m/%Y %H:%M:%S"),
        "Context:BuildNumber": "b2clab", "Context:CorrelationId": request.get("correlation_id"),
    }
    return {key.lower(): str(value) for key, value in values.items() if value not in (None, "")}


def resolve(text: str, values: Mapping[str, str]) -> str:
    """``text`` with its claim resolvers replaced; a resolver with no value becomes empty, as
    B2C's does (an absent ``login_hint`` leaves ``{OIDC:LoginHint}`` empty)."""
    def value(match: re.Match) -> str:
        name = match.group(1).lower()
        if name in values:
            return values[name]
        return "" if ":" in name else match.group(0)  # {word} alone is not a resolver
    return _RESOLVER.sub(value, text)
