"""A small Microsoft Graph v1.0 for the tenant, at ``/graph/v1.0`` on the IdP's origin: the
calls B2C samples make (``users``, ``servicePrincipals``, a user's ``appRoleAssignments``), with
app-only tokens from client credentials (``https://graph.microsoft.com/.default``).

Every answer is Graph's: OData JSON bodies, and errors as ``{"error": {"code", "message",
"innerError"}}``.  Apps call it with a bearer token, not a browser session: no CSRF token.
"""
from __future__ import annotations

from flask import Blueprint, current_app, request
from werkzeug.exceptions import HTTPException

from ..extensions import db
from .errors import GraphError, error_response

bp = Blueprint("graph", __name__, url_prefix="/graph/v1.0")
METHODS = ("GET", "POST", "PATCH", "DELETE", "PUT")


@bp.errorhandler(GraphError)
def _graph_error(error: GraphError):
    db.session.rollback()  # nothing half-saved
    return error_response(error)


def _known_elsewhere() -> bool:
    """True when the path is served here, only not with this method."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    for method in METHODS:
        try:
            endpoint, _args = adapter.match(method=method)
        except HTTPException:
            continue
        if endpoint not in ("graph.unknown", "graph.root"):
            return True
    return False


@bp.route("/", methods=METHODS, endpoint="root")
@bp.route("/<path:rest>", methods=METHODS)
def unknown(rest: str = ""):
    if _known_elsewhere():
        raise GraphError("Request_BadRequest", "Specified HTTP method is not allowed for the "
                         "request target.", status=405)
    segment = rest.split("/", 1)[0]
    raise GraphError("BadRequest", f"Resource not found for the segment '{segment}'. B2C Lab "
                     "serves users, servicePrincipals and users/{id}/appRoleAssignments.")


from . import app_role_assignments, service_principals, users  # noqa: E402,F401
