"""Overview: the tenant, its metadata URLs and quick links."""
from __future__ import annotations

from flask import Blueprint, render_template

from ..engine.tokens import issuer
from ..engine.user_flows import properties
from ..extensions import db
from ..models import AppRegistration, DirectoryUser, UserFlow
from ..store.tenant import current_tenant, public_url

bp = Blueprint("overview", __name__)


@bp.get("/")
def index():
    tenant = current_tenant()
    base = public_url()
    flows = db.session.execute(db.select(UserFlow).order_by(UserFlow.name)).scalars().all()
    metadata = [{"name": f.name,
                 "issuer": issuer(base, tenant.tenant_id, f.name,
                                  properties(f.config)["issuer_style"]),
                 "url": f"{base}/{tenant.domain}/{f.name}/v2.0/.well-known/openid-configuration"}
                for f in flows]
    counts = {"apps": db.session.scalar(db.select(db.func.count(AppRegistration.id))),
              "users": db.session.scalar(db.select(db.func.count(DirectoryUser.object_id))),
              "flows": len(flows)}
    return render_template("portal/overview.html", tenant=tenant, metadata=metadata,
                           counts=counts)
