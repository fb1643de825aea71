"""User flow > Journey: the flow as the journey it compiles to (orchestration steps,
preconditions, claims exchanges, technical profiles, claims, the relying party), for learners
comparing user flows with custom policies.  Read-only: it changes as the other tabs do."""
from __future__ import annotations

from flask import render_template

from ...engine.user_flows import compile_user_flow, properties
from ...extensions import db
from ...models import ApiConnector, UserFlow
from ...store.attributes import tenant_catalogue
from ...store.federation import social_providers
from ..common import get_or_404
from . import bp
from .journey_view import describe

#: flow type -> the starter pack's journey in TrustFrameworkBase.xml that does the same
STARTER_PACK_JOURNEYS = {"signUpOrSignIn": "SignUpOrSignIn", "signIn": "SignUpOrSignIn",
                         "profileUpdate": "ProfileEdit", "passwordReset": "PasswordReset"}


@bp.get("/<int:flow_id>/journey")
def journey(flow_id: int):
    flow = get_or_404(UserFlow, flow_id)
    try:
        compiled = compile_user_flow(flow.name, flow.config, tenant_catalogue(),
                                     social_providers(flow.config))
    except ValueError as problem:  # ROPC, or no identity provider: no journey of pages
        return render_template("portal/user_flows/journey.html", flow=flow, tab="journey",
                               view=None, problem=str(problem))
    return render_template("portal/user_flows/journey.html", flow=flow, tab="journey",
                           view=describe(compiled, _connectors(compiled)),
                           props=properties(flow.config),
                           starter_journey=STARTER_PACK_JOURNEYS.get(flow.config.get("type")))


def _connectors(compiled) -> dict[str, dict]:
    """The API connectors the journey's REST profiles call, by id."""
    ids = {p.metadata.get("connector_id") for p in compiled.profiles.values()
           if p.handler.startswith("RestApi")} - {None}
    if not ids:
        return {}
    rows = db.session.execute(db.select(ApiConnector).where(ApiConnector.id.in_(ids)))
    return {c.id: {"display_name": c.display_name, "endpoint_url": c.endpoint_url,
                   "auth_type": c.auth_type} for c in rows.scalars()}
