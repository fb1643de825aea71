"""Portal blade: Identity Experience Framework (Azure AD B2C > Identity Experience Framework).

The landing page (:mod:`.views`) names the two IEF app registrations and what to replace in
the starter pack; Custom policies (:mod:`idp.portal.custom_policies`) and Policy keys
(:mod:`idp.portal.policy_keys`) are nested here so their URLs read ``/portal/ief/...`` and the
blade stays selected in the left-hand menu.
"""
from flask import Blueprint, url_for

bp = Blueprint("ief", __name__)


@bp.app_template_global()
def custom_policies_url() -> str:
    """The Custom policies page, for the blade's menu (``templates/portal/ief/_tabs.html``)."""
    return url_for("portal.ief.custom_policies.index")


def _register_children() -> None:
    from .. import custom_policies, policy_keys

    bp.register_blueprint(policy_keys.bp, url_prefix="/policy-keys")
    bp.register_blueprint(custom_policies.bp, url_prefix="/custom-policies")


_register_children()

from . import views  # noqa: E402,F401
