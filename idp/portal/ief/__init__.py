"""Portal blade: Identity Experience Framework (Azure AD B2C > Identity Experience Framework).

The landing page (:mod:`.views`) names the two IEF app registrations and what to replace in
the starter pack; Policy keys (:mod:`idp.portal.policy_keys`) is nested here so its URLs read
``/portal/ief/policy-keys/`` and the blade stays selected in the left-hand menu.  Custom
policies are another helper's package: :func:`custom_policies_url` finds it by endpoint.
"""
from flask import Blueprint, url_for
from werkzeug.routing import BuildError

bp = Blueprint("ief", __name__)

#: where Custom policies lives if it registers under none of the endpoints tried below
CUSTOM_POLICIES_PATH = "/portal/ief/custom-policies"


@bp.app_template_global()
def custom_policies_url() -> str:
    """The Custom policies page: by endpoint when that blade is registered, else its path."""
    for endpoint in ("portal.custom_policies.index", "portal.ief.custom_policies.index"):
        try:
            return url_for(endpoint)
        except BuildError:
            continue
    return CUSTOM_POLICIES_PATH


def _register_children() -> None:
    from .. import custom_policies, policy_keys

    bp.register_blueprint(policy_keys.bp, url_prefix="/policy-keys")
    bp.register_blueprint(custom_policies.bp, url_prefix="/custom-policies")


_register_children()

from . import views  # noqa: E402,F401
