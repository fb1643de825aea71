"""Resolving the tenant and policy a protocol or flow URL names."""
from __future__ import annotations

from dataclasses import dataclass

from flask import g, request

from ..engine.errors import UnsafeRedirectError
from ..engine.journey import Journey
from ..engine.tokens import issuer
from ..engine.user_flows import compile_user_flow, properties
from ..models import Tenant, UserFlow
from ..store.attributes import tenant_catalogue
from ..store.tenant import current_tenant, find_user_flow, public_url, tenant_matches


class PolicyNotFound(UnsafeRedirectError):
    pass


@dataclass
class PolicyContext:
    tenant: Tenant
    flow: UserFlow

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

    def journey(self, config: dict | None = None) -> Journey:
        return compile_user_flow(self.policy, config or self.flow.config, tenant_catalogue())


def resolve_policy(tenant_segment: str, policy: str | None) -> PolicyContext:
    """The tenant and user flow a request names (path, or ``?p=``).

    :raise PolicyNotFound: for another tenant or an unknown policy (shown as an error page).
    """
    tenant = current_tenant()
    if not tenant_matches(tenant_segment, tenant):
        raise PolicyNotFound(None, message=(
            f"The tenant '{tenant_segment}' is not hosted here. This B2C Lab hosts "
            f"'{tenant.domain}' (tenant id {tenant.tenant_id})."))
    policy = policy or request.args.get("p") or request.form.get("p")
    if not policy:
        raise PolicyNotFound("AADB2C90083", "p", hint=(
            "Name the user flow in the path (/{tenant}/{policy}/...) or as ?p=B2C_1_..."))
    flow = find_user_flow(policy)
    if flow is None:
        raise PolicyNotFound(None, message=(
            f"The policy '{policy}' does not exist in tenant '{tenant.domain}'."), hint=(
            "Check the user flow's name under User flows; B2C adds the B2C_1_ prefix."))
    ctx = PolicyContext(tenant, flow)
    g.policy_context = ctx  # an error page of this request uses the flow's Error page layout
    return ctx
