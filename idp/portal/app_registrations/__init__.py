"""Portal blade: App registrations.

The blade's own views (list, Register an application, Overview, Branding & properties, Delete)
are in :mod:`.views`; each tab of an app registration is a nested blueprint with its own module,
so endpoints read ``portal.app_registrations.client_secrets.create``.
"""
from flask import Blueprint

bp = Blueprint("app_registrations", __name__)

from . import (api_permissions, app_roles, authentication, client_secrets,  # noqa: E402
               expose_api, role_assignments, views)

for _tab, _prefix in ((authentication, "/<int:id>/authentication"),
                      (client_secrets, "/<int:id>/client-secrets"),
                      (api_permissions, "/<int:id>/api-permissions"),
                      (expose_api, "/<int:id>/expose-an-api"),
                      (app_roles, "/<int:id>/app-roles"),
                      (role_assignments, "/<int:id>/users-and-groups")):
    bp.register_blueprint(_tab.bp, url_prefix=_prefix)

#: the tabs of one app registration, in the Azure portal's order.
TABS = [("portal.app_registrations.overview", "Overview"),
        ("portal.app_registrations.update", "Branding & properties"),
        ("portal.app_registrations.authentication.index", "Authentication"),
        ("portal.app_registrations.client_secrets.index", "Certificates & secrets"),
        ("portal.app_registrations.api_permissions.index", "API permissions"),
        ("portal.app_registrations.expose_api.index", "Expose an API"),
        ("portal.app_registrations.app_roles.index", "App roles"),
        ("portal.app_registrations.role_assignments.index", "Users and groups")]


@bp.context_processor
def _tabs():
    return {"app_registration_tabs": TABS}
