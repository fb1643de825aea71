"""Graph's error responses: ``{"error": {"code", "message", "innerError": {"date",
"request-id", "client-request-id"}}}`` with the status Graph uses for each code
(Microsoft Graph "Error responses and resource types")."""
from __future__ import annotations

import datetime as dt
import uuid

from flask import jsonify, request

from .permissions import GRAPH_APP_ID

#: the codes the lab answers with, and their HTTP status.
STATUS = {
    "Request_BadRequest": 400,
    "BadRequest": 400,
    "InvalidAuthenticationToken": 401,
    "Authorization_RequestDenied": 403,
    "Request_ResourceNotFound": 404,
}
INSUFFICIENT_PRIVILEGES = "Insufficient privileges to complete the operation."


class GraphError(Exception):
    """A refusal in Graph's shape; ``details`` is Graph's optional ``[{"target", "code"}]``."""

    def __init__(self, code: str, message: str, details: list[dict] | None = None,
                 status: int | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.details = code, message, details
        self.status = status or STATUS[code]


def bad_request(message: str, **kwargs) -> GraphError:
    return GraphError("Request_BadRequest", message, **kwargs)


def invalid_property(name: str, resource: str, hint: str = "") -> GraphError:
    """Graph's message for a bad value, naming the property (and, for learners, why)."""
    message = f"Invalid value specified for property '{name}' of resource '{resource}'."
    return bad_request(f"{message} {hint}".strip())


def not_found(key: str) -> GraphError:
    return GraphError("Request_ResourceNotFound", (
        f"Resource '{key}' does not exist or one of its queried reference-property objects "
        "are not present."))


def denied(hint: str = "") -> GraphError:
    return GraphError("Authorization_RequestDenied", f"{INSUFFICIENT_PRIVILEGES} {hint}".strip())


def error_response(error: GraphError):
    request_id = str(uuid.uuid4())
    inner = {"date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S"),
             "request-id": request_id,
             "client-request-id": request.headers.get("client-request-id") or request_id}
    body: dict = {"code": error.code, "message": error.message}
    if error.details:
        body["details"] = error.details
    body["innerError"] = inner
    response = jsonify({"error": body})
    response.status_code = error.status
    response.headers["request-id"] = request_id
    if error.status == 401:
        response.headers["WWW-Authenticate"] = (
            f'Bearer realm="", error="invalid_token", client_id="{GRAPH_APP_ID}"')
    return response
