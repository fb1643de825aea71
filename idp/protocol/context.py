"""Resolving the tenant and policy a protocol or flow URL names."""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import g, request

from ..engine.errors import UnsafeRedirectError
from ..engine.journey import Journey
from ..engine.tokens import issuer
from ..engine.user_flows import compile_user_flow, properties
from ..models import Tenant, UserFlow
from ..store.attributes import tenant_catalogue
from ..store.federation import social_providers
from ..store.tenant import public_url, tenant_and_flow, tenant_matches


class PolicyNotFound(UnsafeRedirectError):
    pass


@dataclass
class PolicyContext:
    """What one request resolved; it lives as long as the request."""
    tenant: Tenant
    flow: UserFlow
    _catalogue: dict | None = field(default=None, init=False, repr=False)

    @property
    def policy(self) -> str:
        return self.flow.name

    @property
    def props(self) -> dict:
        return properties(self.flow.config)

    @property
    def issuer(self) -> str:
        return issuer(public_url(), self.tenant.tenant_id, self.policy, self.props["issuer_style"])

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
        config = config or self.flow.config
        return compile_user_flow(self.policy, config, self.catalogue, social_providers(config))


def resolve_policy(tenant_segment: str, policy: str | None) -> PolicyContext:
    """The tenant and user flow a request names (path, or ``?p=``).

    :raise PolicyNotFound: for another tenant or an unknown policy (shown as an error page).
    """
    policy = policy or request.args.get("p") or request.form.get("p")
    tenant, flow = tenant_and_flow(policy)
    if not tenant_matches(tenant_segment, tenant):
        raise PolicyNotFound(None, message=(
            f"The tenant '{tenant_segment}' is not hosted here. This B2C Lab hosts "
            f"'{tenant.domain}' (tenant id {tenant.tenant_id})."))
    if not policy:
        raise PolicyNotFound("AADB2C90083", "p", hint=(
            "Name the user flow in the path (/{tenant}/{policy}/...) or as ?p=B2C_1_..."))
    if flow is None:
        raise PolicyNotFound(None, message=(
            f"The policy '{policy}' does not exist in tenant '{tenant.domain}'."), hint=(
            "Check the user flow's name under User flows; B2C adds the B2C_1_ prefix."))
    ctx = PolicyContext(tenant, flow)
    g.policy_context = ctx  # an error page of this request uses the flow's Error page layout
    return ctx
