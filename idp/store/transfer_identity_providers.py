"""Identity providers in the tenant export: exported without their client secret (sealed with
this installation's SECRET_KEY, and a secret has no business in a file), checked, and written
by id, so importing into the same tenant keeps the stored secrets and a new tenant is told
which providers need theirs typed again.  User flows carry their ticks in
``config["identity_providers"]`` (provider ids), checked against the file and, when merging,
this tenant's providers.
"""
from __future__ import annotations

from typing import Any, Mapping
from urllib.parse import urlsplit

from ..extensions import db
from ..models import IDP_KINDS, IdentityProvider
from .identity_providers import DEFAULT_MAPPINGS, DEFAULT_SCOPES, MAPPING_FIELDS
from .transfer_schema import Problems, check_fields, check_unique, lower_of

KEY = "identityProviders"
RESPONSE_TYPES, RESPONSE_MODES = ("code", "id_token"), ("form_post", "query")


def export_identity_providers() -> list[dict[str, Any]]:
    rows = db.session.scalars(db.select(IdentityProvider).order_by(
        IdentityProvider.display_name, IdentityProvider.id))
    return [{"id": p.id, "kind": p.kind, "displayName": p.display_name, "clientId": p.client_id,
             "metadataUrl": p.metadata_url if p.kind == "oidc" else None, "scope": p.scope,
             "responseType": p.response_type, "responseMode": p.response_mode,
             "domainHint": p.domain_hint, "claimsMapping": dict(p.claims_mapping or {})}
            for p in rows]


def check_identity_providers(p: Problems, items: Any, flows: list,
                             existing: Mapping[str, tuple[str, str]]) -> None:
    """Each provider's fields; names unique (in the file and, when merging, against
    ``existing``: this tenant's id -> (kind, lower-cased name)); Facebook and Google at most
    once; every flow's ticked provider exists in the file or among ``existing``."""
    if not isinstance(items, list):
        p.add(KEY, "must be a list")
        return
    for i, item in enumerate(items):
        path = f"{KEY}[{i}]"
        if not check_fields(p, path, item, "identityProvider"):
            continue
        _check_provider(p, path, item)
    good = [i for i in items if isinstance(i, dict)]
    check_unique(p, good, KEY, lower_of("displayName"), "displayName", "the identity provider")
    check_unique(p, good, KEY, lambda i: i.get("id") if isinstance(i.get("id"), str) else None,
                 "id", "the identity provider id")
    for kind in ("facebook", "google"):
        check_unique(p, good, KEY, lambda i, k=kind: k if i.get("kind") == k else None, "kind",
                     "the identity provider kind (configured once per tenant)")
    file_ids = {i.get("id") for i in good}
    for i, item in enumerate(good):
        for other_id, (kind, name) in existing.items():
            if other_id in file_ids:
                continue
            if isinstance(item.get("displayName"), str) and item["displayName"].lower() == name:
                p.add(f"{KEY}[{i}].displayName", f"{item['displayName']!r} is already the name "
                      "of another identity provider of this tenant")
            if item.get("kind") in ("facebook", "google") and item["kind"] == kind:
                p.add(f"{KEY}[{i}].kind", f"this tenant already has a {IDP_KINDS[kind]} "
                      "identity provider (configured once per tenant)")
    known = file_ids | set(existing)
    for j, flow in enumerate(flows):
        config = flow.get("config") if isinstance(flow, dict) else None
        ticked = (config or {}).get("identity_providers", [])
        path = f"userFlows[{j}].config.identity_providers"
        if not isinstance(ticked, list) or not all(isinstance(t, str) for t in ticked):
            p.add(path, "must be a list of identity provider ids")
            continue
        for provider_id in ticked:
            if provider_id not in known:
                p.add(path, f"'{provider_id}' is not an identity provider of the file or this "
                            "tenant")


def _check_provider(p: Problems, path: str, item: dict) -> None:
    for key, limit in (("id", 36), ("displayName", 120), ("clientId", 255)):
        value = item.get(key)
        if isinstance(value, str) and not value.strip():
            p.add(f"{path}.{key}", "is required")
        elif isinstance(value, str) and len(value) > limit:
            p.add(f"{path}.{key}", f"is longer than {limit} characters")
    if item.get("kind") not in IDP_KINDS:
        p.add(f"{path}.kind", f"must be one of {', '.join(IDP_KINDS)}")
        return
    if item["kind"] != "oidc":
        return
    url = item.get("metadataUrl")
    parts = urlsplit(url if isinstance(url, str) else "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        p.add(f"{path}.metadataUrl", "must be an absolute http:// or https:// URL")
    if item.get("responseType", "code") not in RESPONSE_TYPES:
        p.add(f"{path}.responseType", "must be code or id_token")
    if item.get("responseMode", "form_post") not in RESPONSE_MODES:
        p.add(f"{path}.responseMode", "must be form_post or query")
    mapping = item.get("claimsMapping") or {}
    if isinstance(mapping, dict):
        for key, value in mapping.items():
            if key not in MAPPING_FIELDS:
                p.add(f"{path}.claimsMapping.{key}",
                      f"is not a mapping field ({', '.join(MAPPING_FIELDS)})")
            elif not isinstance(value, str):
                p.add(f"{path}.claimsMapping.{key}", "must be a claim name (a string)")
        if not mapping.get("user_id", DEFAULT_MAPPINGS["oidc"]["user_id"]):
            p.add(f"{path}.claimsMapping.user_id", "is required: the claim of the user's ID")


def write_identity_providers(items: list[dict], merge: bool) -> list[str]:
    """Create or update by id (the secret kept when the id exists); returns notes naming the
    providers whose secret must be typed again."""
    if not merge:
        keep = [i["id"] for i in items]
        db.session.execute(db.delete(IdentityProvider).where(IdentityProvider.id.not_in(keep)),
                           execution_options={"synchronize_session": False})
    missing = []
    for item in items:
        row = db.session.get(IdentityProvider, item["id"])
        if row is None:
            row = IdentityProvider(id=item["id"], kind=item["kind"])
            db.session.add(row)
        kind = item["kind"]
        row.kind, row.display_name, row.client_id = kind, item["displayName"], item["clientId"]
        row.metadata_url = item.get("metadataUrl") if kind == "oidc" else None
        row.scope = item.get("scope") or DEFAULT_SCOPES[kind]
        row.response_type = item.get("responseType") or "code"
        row.response_mode = item.get("responseMode") or ("form_post" if kind == "oidc"
                                                         else "query")
        row.domain_hint = item.get("domainHint")
        row.claims_mapping = {**DEFAULT_MAPPINGS[kind], **(item.get("claimsMapping") or {})}
        if not row.client_secret_encrypted and row.response_type == "code":
            missing.append(item["displayName"])
    if missing:
        return [f"Type the client secret of {', '.join(missing)} again (Identity providers): "
                "exports never carry it."]
    return []
