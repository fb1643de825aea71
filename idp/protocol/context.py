"""Resolving the tenant and policy a protocol or flow URL names: a user flow (``B2C_1_...``)
or an uploaded custom policy (``B2C_1A_...``), behind one :class:`PolicyContext`."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import cached_property

from flask import g, request
from joserfc import jwt

from ..engine.errors import UnsafeRedirectError
from ..engine.ief.model import PolicyError
from ..engine.ief.runtime import resolver_values
from ..engine.journey import Journey
from ..engine.tokens import issuer, output_claims
from ..engine.user_flows import compile_user_flow, properties
from ..models import Tenant, UserFlow
from ..store import keys, policy_keys
from ..store.attributes import tenant_catalogue
from ..store.federation import social_providers
from ..store.grants import RefreshLifetimes
from ..store.tenant import (FlowSnapshot, TenantSnapshot, policy_snapshot, public_url,
                            tenant_and_flow, tenant_matches)
from .custom_policy import CustomPolicyRuntime, build_runtime
from .policy_claims import token_claims

CUSTOM_PREFIX = "B2C_1A_"


class PolicyNotFound(UnsafeRedirectError):
    pass


class PolicyChanged(UnsafeRedirectError):
    """A run's custom policy was uploaded again mid-run (shown as an error page)."""


#: where a custom-policy run's transaction keeps the policy version it began on
VERSION_KEY = "custom_policy_version"


@dataclass
class PolicyContext:
    """What one request resolved; it lives as long as the request.

    Exactly one of ``flow`` (a user flow) and ``custom`` (a custom policy) is set; callers use
    the properties below and need not know which.  The token endpoint resolves frozen
    snapshots of the tenant and the flow (``snapshot=True``), the pages their rows."""
    tenant: Tenant | TenantSnapshot
    flow: UserFlow | FlowSnapshot | None = None
    custom: CustomPolicyRuntime | None = None
    _catalogue: dict | None = field(default=None, init=False, repr=False)

    @property
    def policy(self) -> str:
        return self.flow.name if self.flow is not None else self.custom.policy_id

    @property
    def is_custom(self) -> bool:
        return self.custom is not None

    @property
    def config(self) -> dict:
        """The user flow's configuration (page layouts, languages...); for a custom policy
        the little the flow pages read of it (its content definitions decide the pages)."""
        return self.flow.config if self.flow is not None else self.custom.config

    @cached_property
    def props(self) -> dict:
        """Properties in the user flows' vocabulary; a custom policy's come from its JwtIssuer
        and UserJourneyBehaviors (:mod:`.custom_policy`).  Computed once per request."""
        return properties(self.flow.config) if self.flow is not None else self.custom.props

    @property
    def issuer(self) -> str:
        # A custom policy's AuthorityWithTfp issuer names the policy lower-cased, as the
        # JwtIssuer reference's example does (".../tfp/{tenant id}/b2c_1a_tp_sign-up-or-sign-in/").
        policy = self.policy.lower() if self.custom is not None else self.policy
        return issuer(public_url(), self.tenant.tenant_id, policy, self.props["issuer_style"])

    def endpoint(self, path: str, query_form: bool = False) -> str:
        """Absolute URL of an endpoint, in the path form or the ``?p=`` form."""
        if query_form:
            return f"{public_url()}/{self.tenant.domain}/{path}?p={self.policy}"
        return f"{public_url()}/{self.tenant.domain}/{self.policy}/{path}"

    @property
    def catalogue(self) -> dict:
        """The tenant's attributes, read once per request (a flow page needs them 3 times)."""
        if self._catalogue is None:
            self._catalogue = tenant_catalogue()
        return self._catalogue

    def journey(self, config: dict | None = None) -> Journey:
        """The journey to run; ``config`` is the one a run began with (its transaction's).

        :raise PolicyChanged: a custom policy uploaded again since that run began.
        """
        if self.custom is not None:
            begun = (config or {}).get(VERSION_KEY)
            if begun and begun != self.custom.config.get(VERSION_KEY):
                raise PolicyChanged("AADB2C90046", hint=(
                    f"The custom policy '{self.policy}' (or a base policy of it) was uploaded "
                    "again after this sign-in began, so its steps may have changed. Start "
                    "again from the application."))
            return self.custom.journey
        config = config or self.flow.config
        return compile_user_flow(self.policy, config, self.catalogue, social_providers(config))

    # --- tokens: lifetimes, claims, keys ----------------------------------------------------

    @property
    def access_token_lifetime(self) -> int:
        """Seconds (user flows: one setting for access and ID tokens)."""
        if self.custom is not None:
            return self.custom.access_token_lifetime
        return self.props["token_lifetime_minutes"] * 60

    @property
    def id_token_lifetime(self) -> int:
        if self.custom is not None:
            return self.custom.id_token_lifetime
        return self.props["token_lifetime_minutes"] * 60

    @property
    def refresh_token_lifetime(self) -> int:
        """Seconds."""
        if self.custom is not None:
            return self.custom.refresh_token_lifetime
        return self.props["refresh_token_lifetime_days"] * 86400

    @property
    def refresh_lifetimes(self) -> RefreshLifetimes:
        if self.custom is not None:
            rolling = self.custom.rolling_refresh_token_lifetime
            return RefreshLifetimes(self.custom.refresh_token_lifetime / 86400,
                                    None if rolling is None else rolling / 86400)
        props = self.props
        window = (None if props["refresh_token_sliding_window"] == "No expiry"
                  else props["refresh_token_sliding_window_days"])
        return RefreshLifetimes(props["refresh_token_lifetime_days"], window)

    def token_claims(self, journey: Journey, bag: dict, *, client_id: str | None = None,
                     correlation_id: str | None = None, nonce: str | None = None,
                     now: float | None = None) -> tuple[str | None, dict]:
        """(user, token claims) for the bag a run ended with: the flow's Application claims,
        or the custom policy's relying-party OutputClaims (with claim resolvers).  ``user``
        (the objectId) becomes ``sub`` unless the claims carry another ``sub``."""
        if self.custom is None:
            return bag.get(journey.relying_party.subject_claim), output_claims(
                bag, journey.relying_party.output_claims)
        request_values = {"client_id": client_id, "nonce": nonce,
                          "correlation_id": correlation_id}
        language = bag.get("language") if isinstance(bag.get("language"), str) else "en"
        resolvers = resolver_values(request_values, policy_id=self.policy,
                                    tenant_id=self.tenant.tenant_id,
                                    tenant_domain=self.tenant.domain, language=language,
                                    now=time.time() if now is None else now)
        resolvers["policy"] = self.policy  # DefaultValue="{policy}" (the docs' tfp recipe)
        return token_claims(self.custom.output_claims, self.custom.subject_claim, bag,
                            resolvers, self.custom.identity_claim)

    def sign(self, payload: dict) -> str:
        """Sign with the tenant's key (user flows) or the policy's JwtIssuer key container."""
        if self.custom is None:
            return keys.sign(payload)
        kid, private = policy_keys.signing_key(self.custom.signing_container)
        return jwt.encode({"typ": "JWT", "alg": "RS256", "kid": kid}, payload, private)

    def jwks(self) -> dict:
        if self.custom is None:
            return keys.jwks()
        return policy_keys.public_jwks(self.custom.signing_container)


def resolve_policy(tenant_segment: str, policy: str | None, req=None, *,
                   snapshot: bool = False) -> PolicyContext:
    """The tenant and user flow or custom policy a request names (path, or ``?p=``).

    ``req`` is the request when it is not Flask's (the token endpoint's, served in front of
    Flask); ``snapshot`` resolves the tenant and a user flow as frozen snapshots kept per
    process (for callers that only read them).

    :raise PolicyNotFound: for another tenant, an unknown policy, or a custom policy that
        cannot run (shown as an error page).
    """
    req = request if req is None else req
    policy = policy or req.args.get("p") or req.form.get("p")
    tenant, flow = policy_snapshot(policy) if snapshot else tenant_and_flow(policy)
    if not tenant_matches(tenant_segment, tenant):
        raise PolicyNotFound(None, message=(
            f"The tenant '{tenant_segment}' is not hosted here. This B2C Lab hosts "
            f"'{tenant.domain}' (tenant id {tenant.tenant_id})."))
    if not policy:
        raise PolicyNotFound("AADB2C90083", "p", hint=(
            "Name the user flow in the path (/{tenant}/{policy}/...) or as ?p=B2C_1_..."))
    if flow is None and policy.upper().startswith(CUSTOM_PREFIX):
        ctx = PolicyContext(tenant, custom=_custom_runtime(policy, tenant))
    elif flow is None:
        raise PolicyNotFound(None, message=(
            f"The policy '{policy}' does not exist in tenant '{tenant.domain}'."), hint=(
            "Check the user flow's name under User flows; B2C adds the B2C_1_ prefix."))
    else:
        ctx = PolicyContext(tenant, flow)
    g.policy_context = ctx  # an error page of this request uses the flow's Error page layout
    return ctx


def _custom_runtime(policy: str, tenant: Tenant) -> CustomPolicyRuntime:
    from ..store import custom_policies  # the store imports the engine's IEF loader lazily

    try:
        loaded = custom_policies.load_compiled(policy)
    except (PolicyError, ValueError, KeyError) as problem:
        raise PolicyNotFound(None, message=(
            f"The custom policy '{policy}' cannot run: {problem}"), hint=(
            "Open Identity Experience Framework > Custom policies, fix the file and upload it "
            "again.")) from None
    if loaded is None:
        raise PolicyNotFound(None, message=(
            f"The policy '{policy}' does not exist in tenant '{tenant.domain}'."), hint=(
            "Upload it under Identity Experience Framework > Custom policies (B2C_1A_ names "
            "are custom policies)."))
    if loaded.compiled is None:
        raise PolicyNotFound(None, message=(
            f"The policy '{loaded.merged.policy_id}' has no RelyingParty: it is a base of "
            "other policies, and apps run the policies built on it (B2C_1A_signup_signin...)."))
    runtime = build_runtime(loaded.merged, loaded.compiled.journey,
                            {VERSION_KEY: loaded.version},
                            refresh_journey=loaded.compiled.refresh_journey)
    if policy_keys.find(runtime.signing_container) is None:  # deleted since the upload
        raise PolicyNotFound(None, message=(
            f"The custom policy '{runtime.policy_id}' cannot run: the policy key "
            f"'{runtime.signing_container}' its JwtIssuer signs with does not exist."), hint=(
            "Add it again under Identity Experience Framework > Policy keys (Generate, RSA, "
            "Signature); apps must then fetch the new key from the policy's JWKS."))
    return runtime
