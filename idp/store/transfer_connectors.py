"""API connectors in the tenant export: exported without credentials (they are sealed with
this installation's SECRET_KEY), checked, and written by id, so importing into the same tenant
keeps the stored credentials and a new tenant is told which connectors need them entered."""
from __future__ import annotations

from typing import Any

from ..extensions import db
from ..models import AUTH_TYPES, ApiConnector
from .connector_client import endpoint_problem
from .transfer_schema import Problems, check_unique, lower_of


def export_connectors() -> list[dict[str, Any]]:
    rows = db.session.execute(db.select(ApiConnector).order_by(ApiConnector.display_name))
    return [{"id": c.id, "displayName": c.display_name, "endpointUrl": c.endpoint_url,
             "authenticationType": c.auth_type, "username": c.username,
             "apiKeyHeader": c.api_key_header, "timeoutSeconds": c.timeout_seconds,
             "retries": c.retries} for c in rows.scalars()]


def check_connectors(p: Problems, items: Any, flows: list, existing: frozenset[str]) -> None:
    """Each connector's fields, and every flow's attached connector exists (in the file, or
    among ``existing``: this tenant's, when merging)."""
    if not isinstance(items, list):
        p.add("apiConnectors", "must be a list")
        return
    for i, item in enumerate(items):
        path = f"apiConnectors[{i}]"
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            p.add(path, "must be an object with an id")
            continue
        if not isinstance(item.get("displayName"), str) or not item["displayName"].strip():
            p.add(f"{path}.displayName", "is required")
        problem = endpoint_problem(str(item.get("endpointUrl", "")))
        if problem:
            p.add(f"{path}.endpointUrl", problem)
        if item.get("authenticationType") not in AUTH_TYPES:
            p.add(f"{path}.authenticationType",
                  f"must be one of {', '.join(sorted(AUTH_TYPES))}")
        if not 1 <= _int(item.get("timeoutSeconds", 5)) <= 30:
            p.add(f"{path}.timeoutSeconds", "must be a whole number from 1 to 30")
        if _int(item.get("retries", 1)) not in (0, 1):
            p.add(f"{path}.retries", "must be 0 or 1")
    check_unique(p, [i for i in items if isinstance(i, dict)], "apiConnectors",
                 lower_of("displayName"), "displayName", "the connector")
    known = {i.get("id") for i in items if isinstance(i, dict)} | set(existing)
    for j, flow in enumerate(flows):
        config = flow.get("config") if isinstance(flow, dict) else None
        attached = (config or {}).get("api_connectors") or {}
        for step, connector_id in attached.items() if isinstance(attached, dict) else ():
            if connector_id and connector_id not in known:
                p.add(f"userFlows[{j}].config.api_connectors.{step}",
                      f"'{connector_id}' is not an API connector of the file or this tenant")


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else -1


def write_connectors(items: list[dict], merge: bool) -> list[str]:
    """Create or update by id (credentials kept when the id exists); returns notes."""
    if not merge:
        keep = [i["id"] for i in items]
        db.session.execute(db.delete(ApiConnector).where(ApiConnector.id.not_in(keep)),
                           execution_options={"synchronize_session": False})
    missing = []
    for item in items:
        row = db.session.get(ApiConnector, item["id"])
        if row is None:
            row = ApiConnector(id=item["id"])
            db.session.add(row)
            if item["authenticationType"] != "none":
                missing.append(item["displayName"])
        row.display_name, row.endpoint_url = item["displayName"], item["endpointUrl"]
        row.auth_type, row.username = item["authenticationType"], item.get("username")
        row.api_key_header = item.get("apiKeyHeader")
        row.timeout_seconds, row.retries = item.get("timeoutSeconds", 5), item.get("retries", 1)
    if missing:
        return [f"Enter the credentials of {', '.join(missing)} again (API connectors): "
                "exports never carry them."]
    return []
