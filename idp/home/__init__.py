"""The home page: the tenant, each user flow's issuer and metadata URL, the seeded apps, and
links to everything a newcomer needs."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template

from ..engine.tokens import issuer
from ..engine.user_flows import properties
from ..extensions import db
from ..models import AppRegistration, UserFlow
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
    return render_template("home/index.html", tenant=tenant, flows=flows, apps=list(apps),
                           base=base)


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask every page for it; a 404 there is noise in every console."""
    return current_app.send_static_file("favicon.png")
