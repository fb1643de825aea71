"""The home page: the tenant, each user flow's issuer and metadata URL (and each uploaded
custom policy's), the seeded apps, and links to everything a newcomer needs."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template

from ..engine.tokens import issuer
from ..engine.user_flows import properties
from ..extensions import db
from ..models import AppRegistration, UserFlow
from ..store import custom_policies
from ..store.tenant import current_tenant, public_url

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    tenant = current_tenant()
    base = public_url()
    flows = [{
        "name": flow.name,
        "issuer": issuer(base, tenant.tenant_id, flow.name,
                         properties(flow.config)["issuer_style"]),
        "metadata": f"{base}/{tenant.domain}/{flow.name}/v2.0/.well-known/openid-configuration",
    } for flow in db.session.execute(db.select(UserFlow).order_by(UserFlow.name)).scalars()]
    apps = db.session.execute(db.select(AppRegistration).order_by(AppRegistration.name)).scalars()
    # Custom policies apps can run (the ones with a RelyingParty), as the IEF blade lists them
    policies = [{"name": p.policy_id, "metadata": f"{base}/{tenant.domain}/{p.policy_id}"
                                                  "/v2.0/.well-known/openid-configuration"}
                for p in custom_policies.all_policies() if p.is_relying_party]
    return render_template("home/index.html", tenant=tenant, flows=flows, apps=list(apps),
                           base=base, custom_policies=policies)


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask every page for it; a 404 there is noise in every console."""
    return current_app.send_static_file("favicon.png")
