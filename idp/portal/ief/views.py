"""The Identity Experience Framework landing page: the two app registrations custom policies
need, with their Application (client) IDs; the values that replace the starter pack's
placeholders; and whether the policy keys the starter pack references exist yet.  It is the
"Get started with custom policies" tutorial's checklist, read from this tenant."""
from __future__ import annotations

from flask import render_template

from ...extensions import db
from ...models import AppRegistration, CustomPolicy
from ...seed import IEF_APP, PROXY_IEF_APP
from ...store import policy_keys
from ...store.tenant import current_tenant
from . import bp
from .checks import ief_app_differences, proxy_app_differences

#: the containers the starter pack's TrustFrameworkBase references, as the tutorial adds them:
#: (typed name, key usage, what it is for)
STARTER_PACK_KEYS = (
    ("TokenSigningKeyContainer", "sig", "signs the tokens (JwtIssuer's issuer_secret)"),
    ("TokenEncryptionKeyContainer", "enc", "JwtIssuer's issuer_refresh_token_key"),
)
APP_ROLES = {
    IEF_APP: "Web app exposing user_impersonation: the audience (resource) of the password "
             "check that login-NonInteractive makes.",
    PROXY_IEF_APP: "Public client granted user_impersonation on IdentityExperienceFramework: "
                   "login-NonInteractive signs the user in as this client.",
}


@bp.get("/")
def index():
    tenant = current_tenant()
    apps = {name: db.session.execute(db.select(AppRegistration).filter_by(name=name)
                                     .order_by(AppRegistration.id)).scalars().first()
            for name in (IEF_APP, PROXY_IEF_APP)}
    keys = [(f"{policy_keys.PREFIX}{typed}", typed, usage, purpose,
             policy_keys.info(policy_keys.PREFIX + typed))
            for typed, usage, purpose in STARTER_PACK_KEYS]
    placeholders = [
        ("yourtenant.onmicrosoft.com", tenant.domain, "every file: TenantId and PublicPolicyUri"),
        ("IdentityExperienceFrameworkAppId",
         apps[IEF_APP].client_id if apps[IEF_APP] else None,
         "TrustFrameworkExtensions.xml, login-NonInteractive: IdTokenAudience and resource_id"),
        ("ProxyIdentityExperienceFrameworkAppId",
         apps[PROXY_IEF_APP].client_id if apps[PROXY_IEF_APP] else None,
         "TrustFrameworkExtensions.xml, login-NonInteractive: client_id (twice)"),
    ]
    differences = {
        IEF_APP: ief_app_differences(apps[IEF_APP]) if apps[IEF_APP] else [],
        PROXY_IEF_APP: proxy_app_differences(apps[PROXY_IEF_APP], apps[IEF_APP])
        if apps[PROXY_IEF_APP] else []}
    policies = db.session.scalar(db.select(db.func.count(CustomPolicy.id)))
    return render_template("portal/ief/index.html", tenant=tenant, apps=apps,
                           app_roles=APP_ROLES, differences=differences, keys=keys,
                           placeholders=placeholders,
                           policy_count=policies, key_count=len(policy_keys.all_keys()),
                           ief_tab="overview")
