"""Audit records as B2C shows them: Graph's ``directoryAudit`` (b2c-reference §7.2) and a CSV
row of the portal's Download.  Pure functions over a record-like object (an ``AuditRecord``
or a row with the same attribute names): no Flask, no database.

A few ``additional_details`` keys written by the portal are not additional details in B2C's
shape but parts of the target: ``targetDisplayName``, ``targetUserPrincipalName`` and
``modifiedProperties`` go into ``targetResources[0]``.
"""
from __future__ import annotations

import datetime as dt
import json
from typing import Any

ZERO_GUID = "00000000-0000-0000-0000-000000000000"
TARGET_KEYS = ("targetDisplayName", "targetUserPrincipalName", "modifiedProperties")
#: additionalDetails B2C lists first, in this order, when known.
LEADING_KEYS = ("Client", "ClientIpAddress")
CSV_COLUMNS = ("Date", "Activity", "Category", "Result", "Result reason", "Initiated by",
               "Target", "Application", "User flow", "Correlation ID")
#: a spreadsheet runs a cell starting with one of these as a formula (OWASP CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def iso_z(moment: dt.datetime) -> str:
    """Naive UTC (as stored) to Graph's ``2019-09-14T18:13:17.061811Z``."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f") + "Z"


def operation_type(activity: str) -> str:
    """Graph's operationType from the activity's verb; runtime (Authentication) events: ""."""
    verb = activity.split(" ", 1)[0]
    if verb in ("Add", "Create"):
        return "Add"
    if verb == "Delete":
        return "Delete"
    if verb in ("Update", "Reset", "Disable", "Enable", "Revoke", "Set"):
        return "Update"
    return ""


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _initiated_by(record, details: dict, app_display_name: str | None) -> dict:
    user = None
    if record.initiated_by_admin:
        user = {"id": None, "displayName": None,
                "userPrincipalName": record.initiated_by_admin,
                "ipAddress": details.get("ClientIpAddress")}
    app = None
    if record.app_id and user is None:
        app = {"appId": record.app_id, "displayName": app_display_name,
               "servicePrincipalId": None, "servicePrincipalName": record.app_id}
    return {"user": user, "app": app}


def _targets(record, details: dict) -> list[dict]:
    if not record.target_user_id:
        return []
    return [{"id": record.target_user_id, "displayName": details.get("targetDisplayName"),
             "type": "User", "userPrincipalName": details.get("targetUserPrincipalName"),
             "groupType": None, "modifiedProperties": details.get("modifiedProperties") or []}]


def _additional(record, details: dict, tenant_domain: str) -> list[dict]:
    pairs = [("TenantId", tenant_domain), ("PolicyId", record.policy),
             ("ApplicationId", record.app_id)]
    pairs += [(k, details.get(k)) for k in LEADING_KEYS]
    pairs += [(k, v) for k, v in details.items() if k not in LEADING_KEYS + TARGET_KEYS]
    return [{"key": k, "value": _text(v)} for k, v in pairs if v not in (None, "")]


def directory_audit(record, tenant_domain: str, app_display_name: str | None = None) -> dict:
    """The record in Graph's ``directoryAudit`` shape, as ``GET /auditLogs/directoryAudits``
    returns it for B2C (``loggedByService: "B2C"``)."""
    details = dict(record.additional_details or {})
    return {
        "id": f"B2C_{record.id}",
        "category": record.category,
        "correlationId": record.correlation_id or ZERO_GUID,
        "result": record.result,
        "resultReason": record.result_reason,
        "activityDisplayName": record.activity,
        "activityDateTime": iso_z(record.activity_time),
        "loggedByService": "B2C",
        "operationType": operation_type(record.activity),
        "initiatedBy": _initiated_by(record, details, app_display_name),
        "targetResources": _targets(record, details),
        "additionalDetails": _additional(record, details, tenant_domain),
    }


def initiated_by(record) -> str:
    """Who did it, in one cell: the admin, else the application."""
    return record.initiated_by_admin or record.app_id or ""


def safe_cell(value: Any) -> str:
    """The cell as text, with a leading ``'`` if a spreadsheet would run it as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_row(record) -> list[str]:
    """One line of the Download, in :data:`CSV_COLUMNS` order."""
    values = (iso_z(record.activity_time), record.activity, record.category, record.result,
              record.result_reason, initiated_by(record), record.target_user_id,
              record.app_id, record.policy, record.correlation_id)
    return [safe_cell(v) for v in values]
