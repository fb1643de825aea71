"""The API connector: ``POST /api/userinvitation/redeem``, called by the user flow at **Before
creating the user** (b2c-reference §1.3-§1.4, §2.1 "Redeem API flow").

It behaves exactly as the sample's ``UserInvitationController.Redeem``: it finds the
``extension_<extAppIdNoDashes>_InvitationCode`` key (any case); a missing, blank or short (< 10
characters) code, an unknown code and an expired code are ValidationErrors (HTTP 400 with
``"status": "400"``); a valid code is deleted (single use) and answered with Continue and the
invitation's company and role; anything unexpected is a ShowBlockPage.  The body always carries
the two extension keys (``null`` on errors), as the sample's one response helper builds it.

Unlike the sample it checks the Basic credentials B2C sends (the dummy ones of the lab's
Settings page), as the official Azure Function sample does: a mismatch is HTTP 401, which B2C
turns into AADB2C90075.
"""
from __future__ import annotations

import datetime as dt
import hmac
import logging

from flask import Blueprint, current_app, jsonify, request

from .invitations import InvitationStore, UserInvitation, utcnow
from .lab_settings import LabSettings

INVALID = "The invitation code you provided is invalid."
EXPIRED = "The invitation code you provided has expired."
VALID = "The invitation code you provided is valid."
FAILED = "An error occurred while validating your invitation code, please try again later."
MIN_LENGTH = 10

log = logging.getLogger(__name__)
bp = Blueprint("redeem", __name__)


def _response(settings: LabSettings, action: str, message: str, status: int,
              invitation: UserInvitation | None = None) -> tuple[int, dict]:
    body = {"version": "1.0.0", "action": action, "userMessage": message}
    if settings.extensions_app_client_id:
        body[settings.graph_name("CompanyId")] = invitation.company_id if invitation else None
        body[settings.graph_name("DelegatedUserManagementRole")] = (
            invitation.role if invitation else None)
    if status != 200:
        body["status"] = str(status)  # the sample sends the string "400"
    return status, body


def _code_in(body: object, settings: LabSettings) -> str | None:
    """The invitation code sent by B2C.  :raise LookupError, TypeError: configuration or a
    body B2C would never send (both end on the block page, as the sample's catch-all does)."""
    if not settings.extensions_app_client_id:
        raise LookupError("the b2c-extensions-app client ID is not set on the Settings page")
    if not isinstance(body, dict):
        raise TypeError("the request body is not a JSON object")
    wanted, code = settings.graph_name("InvitationCode").lower(), None
    for name, value in body.items():
        log.info("- %s: %r", name, value)
        if name.lower() == wanted:
            if value is not None and not isinstance(value, str):
                raise TypeError(f"{name} is not a string")
            code = value
    return code


def redeem(body: object, settings: LabSettings, store: InvitationStore,
           now: dt.datetime) -> tuple[int, dict]:
    """The HTTP status and JSON body answering B2C's request ``body``."""
    try:
        code = _code_in(body, settings)
        if code is None or not code.strip() or len(code) < MIN_LENGTH:
            log.info("The provided invitation code %r is invalid.", code)
            return _response(settings, "ValidationError", INVALID, 400)
        invitation = store.get(code)
        if invitation is None:
            log.warning("User invitation for invitation code %r was not found.", code)
            return _response(settings, "ValidationError", INVALID, 400)
        if invitation.expires_time < now:
            log.warning("User invitation %r expired on %s.", code,
                        invitation.expires_time.isoformat())
            return _response(settings, "ValidationError", EXPIRED, 400)
        if not store.redeem(code):  # redeemed by another sign-up a moment ago
            return _response(settings, "ValidationError", INVALID, 400)
        return _response(settings, "Continue", VALID, 200, invitation)
    except Exception:  # noqa: BLE001 - the sample's catch-all: never a 500 to B2C
        log.exception("Error while processing the request body")
        return _response(settings, "ShowBlockPage", FAILED, 200)


def _authorized(settings: LabSettings) -> bool:
    credentials = request.authorization
    if not (settings.connector_username and settings.connector_password) or (
            credentials is None or credentials.type != "basic"):
        return False
    return (hmac.compare_digest(credentials.username or "", settings.connector_username)
            & hmac.compare_digest(credentials.password or "", settings.connector_password))


@bp.post("/api/userinvitation/redeem")
def redeem_invitation():
    settings = current_app.extensions["lab04"].settings()
    if not _authorized(settings):
        why = ("the lab app has no API connector username and password yet (Settings page)"
               if not settings.connector_username else
               "the Basic credentials do not match the lab app's Settings page")
        log.warning("Refused an API connector call: %s.", why)
        response = jsonify({"error": "unauthorized", "message": f"Refused: {why}."})
        return response, 401, {"WWW-Authenticate": 'Basic realm="lab04"'}
    status, body = redeem(request.get_json(silent=True), settings,
                          current_app.extensions["lab04"].invitations, utcnow())
    return jsonify(body), status
