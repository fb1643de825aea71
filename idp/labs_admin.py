"""Instructor tools for the labs: compare the tenant with a lab's end state, apply it, or reset
the tenant to the seeded start.

    flask --app app labs check 01     # what the tenant already has, with a hint for the first gap
    flask --app app labs solve 01     # apply lab 01's end state (to demo, or to catch up)
    flask --app app labs reset        # back to the seeded tenant; admin accounts are kept

The end states are data in ``labs/labNN_*/lab.py`` (the same data the READMEs and browser tests
read); this module is the only place that turns them into database rows.
"""
from __future__ import annotations

import json
import secrets
import uuid
from dataclasses import dataclass
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from labs import model
from labs.readme import all_labs

from . import labs_ief, labs_social
from .engine.connectors import STEP_LABELS
from .extensions import db
from .graph.permissions import GRAPH_APP_ID
from .models import (ApiConnector, AppRegistration, AppRoleAssignment, AuditRecord,
                     AuthorizationCode, CustomPolicy, DirectoryUser, FlowTransaction,
                     IdentityProvider, MailMessage, PolicyKey, RefreshToken, SsoSession,
                     UserAttribute, UserFlow)
from .models import ClientSecret
from .seed import IEF_APP, PROXY_IEF_APP, RP_DEMO, SEEDED_FLOWS, prepare_database
from .store.hashing import digest_matches, token_digest
from .store.secret_box import seal


@dataclass
class Item:
    what: str
    done: bool
    hint: str


def find_lab(number: str) -> model.Lab:
    """:raise click.ClickException: for a lab that does not exist (the message lists them)."""
    labs = {lab.number: lab for lab in all_labs()}
    lab = labs.get(number.zfill(2))
    if lab is None:
        raise click.ClickException(f"No lab {number}. Labs: {', '.join(sorted(labs))}.")
    return lab


def _base(value: str) -> str:
    return value.replace("{base}", current_app.config["IDP_PUBLIC_URL"])


def _flow(name: str) -> UserFlow | None:
    return db.session.execute(db.select(UserFlow).filter_by(name_key=name.lower())).scalar_one_or_none()


def _app(name: str) -> AppRegistration | None:
    return db.session.execute(db.select(AppRegistration).filter_by(name=name)).scalars().first()


def check_item(item) -> Item:
    if type(item) in EXTRA_KINDS:  # kinds appended below (check, solve)
        return EXTRA_KINDS[type(item)][0](item)
    if isinstance(item, model.CustomAttribute):
        row = db.session.execute(db.select(UserAttribute).filter_by(
            name_key=item.name.lower())).scalar_one_or_none()
        return Item(f"custom attribute {item.name} ({item.data_type})",
                    row is not None and row.data_type == item.data_type,
                    f"User attributes > + Add: Name {item.name}, Data Type {item.data_type}.")
    if isinstance(item, model.AppRegistration):
        app = _app(item.name)
        ok = (app is not None and _base(item.redirect_uri) in (app.redirect_uris or [])
              and (app.implicit_id_tokens or not item.implicit_id_tokens))
        return Item(f"app registration {item.name} with redirect URI "
                    f"{_base(item.redirect_uri)}", ok,
                    f"App registrations > + New registration: {item.name}; Authentication: "
                    "the redirect URI" + (" and ID tokens ticked" if item.implicit_id_tokens
                                          else "") + ".")
    flow = _flow(item.name)
    config = flow.config if flow else {}
    collected = {a["claim"] for a in config.get("user_attributes", [])}
    properties = config.get("properties", {})
    layouts = config.get("page_layouts", {})
    ok = (flow is not None and set(item.collects) <= collected
          and set(item.returns) <= set(config.get("application_claims", []))
          and _has(properties, item.properties) and _has(config.get("languages", {}),
                                                         item.languages)
          and all(_has(layouts.get(row, {}), want) for row, want in item.page_layouts.items()))
    return Item(f"user flow {item.name} collecting {', '.join(item.collects) or 'nothing'} and "
                f"returning {', '.join(item.returns) or 'nothing'}", ok,
                f"User flows: {item.name} and its User attributes / Application claims"
                + (" / Properties" if item.properties else "") + ".")


def _expand(value):
    """``{base}`` replaced by the public URL, in strings, lists and dicts."""
    if isinstance(value, str):
        return _base(value)
    if isinstance(value, dict):
        return {k: _expand(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_expand(v) for v in value]
    return value


def _has(actual: dict, wanted: dict) -> bool:
    """Every wanted key has the wanted value (lists: every wanted element is there)."""
    for key, value in _expand(wanted).items():
        have = actual.get(key)
        if isinstance(value, (list, tuple)):
            if not set(value) <= set(have or ()):
                return False
        elif have != value:
            return False
    return True


def check(lab: model.Lab) -> list[Item]:
    return [check_item(item) for item in lab.end_state]


def solve(lab: model.Lab) -> None:
    """Apply the lab's end state (idempotent)."""
    for item in lab.end_state:
        if type(item) in EXTRA_KINDS:
            if not check_item(item).done:
                EXTRA_KINDS[type(item)][1](item)
        elif isinstance(item, model.CustomAttribute) and not check_item(item).done:
            db.session.add(UserAttribute(name=item.name, name_key=item.name.lower(),
                                         data_type=item.data_type))
        elif isinstance(item, model.AppRegistration):
            app = _app(item.name) or AppRegistration(name=item.name, platform="web")
            app.redirect_uris = sorted({*(app.redirect_uris or []), _base(item.redirect_uri)})
            app.implicit_id_tokens = app.implicit_id_tokens or item.implicit_id_tokens
            db.session.add(app)
        elif isinstance(item, model.UserFlow):
            _solve_flow(item)
        db.session.flush()
    db.session.commit()


def _solve_flow(item: model.UserFlow) -> None:
    flow = _flow(item.name) or UserFlow(name=item.name, name_key=item.name.lower(),
                                        flow_type="signUpOrSignIn",
                                        config={"type": "signUpOrSignIn",
                                                "local_account_type": "email"})
    config = dict(flow.config)
    have = [a["claim"] for a in config.get("user_attributes", [])]
    config["user_attributes"] = config.get("user_attributes", []) + [
        {"claim": c, "order": len(have) + i} for i, c in enumerate(item.collects, 1)
        if c not in have]
    config["application_claims"] = list(dict.fromkeys(
        [*config.get("application_claims", []), *item.returns]))
    config["properties"] = {**config.get("properties", {}), **item.properties}
    layouts = dict(config.get("page_layouts", {}))
    for row, wanted in _expand(item.page_layouts).items():
        layouts[row] = {**layouts.get(row, {}), **wanted}
    config["page_layouts"] = layouts
    languages = {**config.get("languages", {}), **_expand(item.languages)}
    config["languages"] = languages
    flow.config = config
    db.session.add(flow)


def reset() -> None:
    """Back to the seeded tenant: every user, run, grant, mail, audit record, connector,
    identity provider, custom attribute, custom policy, policy key, non-seeded app and flow
    goes; admin accounts and the signing key stay."""
    for model_class in (AuthorizationCode, RefreshToken, SsoSession, FlowTransaction,
                        MailMessage, AuditRecord, AppRoleAssignment, ApiConnector,
                        UserAttribute, DirectoryUser, IdentityProvider, CustomPolicy,
                        PolicyKey):
        db.session.execute(db.delete(model_class))
    seeded = {name.lower() for name, _config in SEEDED_FLOWS}
    for flow in db.session.execute(db.select(UserFlow)).scalars():
        if flow.name_key not in seeded:
            db.session.delete(flow)
    for name, config in SEEDED_FLOWS:
        if (flow := _flow(name)) is not None:
            flow.config = config
    keep = {RP_DEMO, "webapp1"}
    # the IEF apps stay as they are: the starter pack's files carry their ids
    seeded = keep | {IEF_APP, PROXY_IEF_APP}
    for app in db.session.execute(db.select(AppRegistration)).scalars():
        if app.name not in seeded and not app.name.startswith("b2c-extensions-app"):
            db.session.delete(app)
        elif app.name in keep:
            app.app_roles = []  # the seed defines none (lab 05 adds them to rp-demo)
    db.session.commit()
    prepare_database()  # re-creates what the seed owns (flows, seeded apps) if missing


labs_cli = AppGroup("labs", help="Instructor tools: check, solve or reset the labs.")


@labs_cli.command("check")
@click.argument("number")
def check_command(number: str) -> None:
    """Say, step by step, which parts of lab NUMBER the tenant already has."""
    lab = find_lab(number)
    items = check(lab)
    for item in items:
        click.echo(f"  [{'x' if item.done else ' '}] {item.what}")
    missing = [item for item in items if not item.done]
    if missing:
        click.echo(f"Lab {lab.number}: not done. Next: {missing[0].hint}")
    else:
        click.echo(f"Lab {lab.number}: done.")


@labs_cli.command("solve")
@click.argument("number")
def solve_command(number: str) -> None:
    """Apply the end state of lab NUMBER."""
    lab = find_lab(number)
    solve(lab)
    click.echo(f"Lab {lab.number}: solved ({len(lab.end_state)} items applied).")


@labs_cli.command("reset")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def reset_command(yes: bool) -> None:
    """Return the tenant to the seeded start (admin accounts are kept)."""
    if not yes:
        click.confirm("Delete every user, run and lab object and restore the seeded tenant?",
                      abort=True)
    reset()
    click.echo("Tenant reset to the seeded start.")


# --- end-state kinds of the API-connector labs (labs.model: AppRole, GraphPermissions,
# ApiConnector, LabAppSettings); each is (check, solve), solve runs only when check fails ----

def _check_app_role(item: model.AppRole) -> Item:
    app = _app(item.app)
    ok = app is not None and any(
        r.get("value") == item.value and r.get("enabled", True)
        and set(item.member_types) <= set(r.get("allowed_member_types") or ())
        for r in app.app_roles or ())
    return Item(f"app role {item.value} ({item.display_name}) on {item.app}", ok,
                f"App registrations > {item.app} > App roles: create {item.display_name} with "
                f"the value {item.value}, allowed member types Users/Groups.")


def _solve_app_role(item: model.AppRole) -> None:
    app = _app(item.app)
    if app is None:
        raise click.ClickException(f"No app registration {item.app}: solve the earlier labs "
                                   "or run labs reset.")
    roles = [r for r in app.app_roles or () if r.get("value") != item.value]
    app.app_roles = roles + [{"id": str(uuid.uuid4()), "value": item.value,
                              "display_name": item.display_name,
                              "description": item.description or item.display_name,
                              "allowed_member_types": list(item.member_types),
                              "enabled": True}]


def _check_graph_permissions(item: model.GraphPermissions) -> Item:
    app = _app(item.app)
    granted = {p["value"] for p in (app.api_permissions if app else None) or ()
               if p.get("resource_client_id") == GRAPH_APP_ID and p.get("type") == "Application"
               and p.get("admin_consent")}
    return Item(f"app registration {item.app} with Microsoft Graph application permissions "
                f"{', '.join(item.permissions)} (admin consent)",
                app is not None and app.is_confidential and set(item.permissions) <= granted,
                f"App registrations > {item.app} > API permissions: + Add a permission > "
                "Microsoft Graph > Application permissions, then Grant admin consent.")


def _solve_graph_permissions(item: model.GraphPermissions) -> None:
    app = _app(item.app) or AppRegistration(name=item.app, platform="web",
                                            supported_account_types="single", redirect_uris=[])
    others = [p for p in app.api_permissions or ()
              if not (p.get("resource_client_id") == GRAPH_APP_ID
                      and p.get("value") in item.permissions)]
    app.api_permissions = others + [{"resource_client_id": GRAPH_APP_ID, "value": value,
                                     "type": "Application", "admin_consent": True}
                                    for value in item.permissions]
    db.session.add(app)


def _attached(item: model.ApiConnector) -> ApiConnector | None:
    flow = _flow(item.flow)
    connector_id = ((flow.config if flow else {}).get("api_connectors") or {}).get(item.step)
    connector = db.session.get(ApiConnector, connector_id) if connector_id else None
    if connector is None:
        return None
    url = connector.endpoint_url.split("?")[0]
    wanted = _base(item.endpoint_url)
    return connector if url == wanted or (item.path and url.endswith(item.path)) else None


def _check_api_connector(item: model.ApiConnector) -> Item:
    return Item(f"API connector {_base(item.endpoint_url)} attached to {item.flow} at "
                f"{STEP_LABELS[item.step]}", _attached(item) is not None,
                f"API connectors > + New API connector ({_base(item.endpoint_url)}, Basic), "
                f"then User flows > {item.flow} > API connectors: {STEP_LABELS[item.step]}.")


def _solve_api_connector(item: model.ApiConnector) -> None:
    url = _base(item.endpoint_url)
    connector = db.session.execute(db.select(ApiConnector).filter_by(
        display_name=item.display_name)).scalar_one_or_none() or ApiConnector(
        display_name=item.display_name)
    connector.endpoint_url, connector.auth_type = url, "basic"
    connector.username, connector.secret_encrypted = "dummy", seal("dummy")
    db.session.add(connector)
    db.session.flush()
    flow = _flow(item.flow)
    if flow is None:
        raise click.ClickException(f"No user flow {item.flow}: run labs reset first.")
    flow.config = {**flow.config, "api_connectors": {
        **(flow.config.get("api_connectors") or {}), item.step: connector.id}}


def _settings_path(item: model.LabAppSettings) -> Path:
    return Path(current_app.instance_path) / "labs" / item.mount / "settings.json"


def _check_lab_app_settings(item: model.LabAppSettings) -> Item:
    app = _app(item.app)
    try:
        stored = json.loads(_settings_path(item).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        stored = {}
    stored = stored if isinstance(stored, dict) else {}
    secret = str(stored.get("client_secret") or "")
    ok = (app is not None and stored.get("client_id") == app.client_id
          and any(digest_matches(secret, s.secret_hash) for s in app.secrets))
    return Item(f"the lab app's Settings hold {item.app}'s client ID and a client secret", ok,
                f"App registrations > {item.app} > Certificates & secrets: + New client secret; "
                f"enter the client ID and the secret's Value on /labs/{item.mount}/settings.")


def _solve_lab_app_settings(item: model.LabAppSettings) -> None:
    app = _app(item.app)
    if app is None:
        raise click.ClickException(f"No app registration {item.app}.")
    value = secrets.token_urlsafe(30)
    app.secrets.append(ClientSecret(description="labs solve", secret_hash=token_digest(value),
                                    hint=value[:3]))
    path = _settings_path(item)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        stored = {}
    stored = stored if isinstance(stored, dict) else {}
    path.write_text(json.dumps({**stored, **item.extra, "client_id": app.client_id,
                                "client_secret": value}, indent=2), encoding="utf-8")


EXTRA_KINDS = {model.AppRole: (_check_app_role, _solve_app_role),
               model.GraphPermissions: (_check_graph_permissions, _solve_graph_permissions),
               model.ApiConnector: (_check_api_connector, _solve_api_connector),
               model.LabAppSettings: (_check_lab_app_settings, _solve_lab_app_settings)}


# --- end-state kinds of lab 04 (labs.model: LabAppConnectorSettings, UserWithAttributes) ------

def _stored_settings(mount: str) -> dict:
    try:
        stored = json.loads((Path(current_app.instance_path) / "labs" / mount
                             / "settings.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return stored if isinstance(stored, dict) else {}


def _flow_connector(flow_name: str, step: str) -> ApiConnector | None:
    flow = _flow(flow_name)
    connector_id = ((flow.config if flow else {}).get("api_connectors") or {}).get(step)
    return db.session.get(ApiConnector, connector_id) if connector_id else None


def _basic_password(connector: ApiConnector) -> str | None:
    from .store.secret_box import open_sealed

    try:
        secret = open_sealed(connector.secret_encrypted)
    except ValueError:  # sealed with another SECRET_KEY
        return None
    return secret.decode() if secret else ""


def _check_lab_app_connector_settings(item: model.LabAppConnectorSettings) -> Item:
    from .store.attributes import extensions_app_id

    stored, connector = _stored_settings(item.mount), _flow_connector(item.flow, item.step)
    ok = (str(stored.get("extensions_app_client_id", "")).lower() == extensions_app_id().lower()
          and connector is not None and connector.auth_type == "basic"
          and stored.get("connector_username") == connector.username
          and stored.get("connector_password") == _basic_password(connector))
    return Item(f"the lab app's Settings hold the b2c-extensions-app client ID and the Basic "
                f"credentials of {item.flow}'s API connector", ok,
                f"On /labs/{item.mount}/settings enter the b2c-extensions-app's client ID (User "
                "attributes shows it) and the username and password you gave the API connector "
                f"(User flows > {item.flow} > API connectors: {STEP_LABELS[item.step]}).")


def _solve_lab_app_connector_settings(item: model.LabAppConnectorSettings) -> None:
    from .store.attributes import extensions_app_id

    path = Path(current_app.instance_path) / "labs" / item.mount / "settings.json"
    stored = {**_stored_settings(item.mount), "extensions_app_client_id": extensions_app_id()}
    connector = _flow_connector(item.flow, item.step)
    if connector is not None and connector.auth_type == "basic":
        stored.update(connector_username=connector.username or "",
                      connector_password=_basic_password(connector) or "")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(stored, indent=2), encoding="utf-8")


def _users_with(attributes: dict) -> list[DirectoryUser]:
    users = db.session.execute(db.select(DirectoryUser)).scalars()
    return [u for u in users
            if all((u.attributes or {}).get(k) == v for k, v in attributes.items())]


def _check_user_with_attributes(item: model.UserWithAttributes) -> Item:
    wanted = ", ".join(f"{k} = {v}" for k, v in item.attributes.items())
    return Item(f"a user with {wanted}", bool(_users_with(item.attributes)),
                f"Sign up with an invitation that gives {wanted} (solve creates "
                f"{item.sign_in_name}; reset its password under Users to sign in as it).")


def _solve_user_with_attributes(item: model.UserWithAttributes) -> None:
    from .store.directory import SqlDirectory
    from .store.tenant import current_tenant

    directory = SqlDirectory(current_tenant().domain)
    found = directory.find_local_account("emailAddress", item.sign_in_name)
    if found is None:
        directory.create_local_account(
            sign_in_type="emailAddress", sign_in_name=item.sign_in_name,
            email=item.sign_in_name, password="Aa1!" + secrets.token_urlsafe(24),
            attributes={"displayName": item.display_name, **item.attributes})
        return
    user = db.session.get(DirectoryUser, found.object_id)
    user.attributes = {**(user.attributes or {}), **item.attributes}


EXTRA_KINDS.update({
    model.LabAppConnectorSettings: (_check_lab_app_connector_settings,
                                    _solve_lab_app_connector_settings),
    model.UserWithAttributes: (_check_user_with_attributes, _solve_user_with_attributes)})


def _check_optional_attributes(item: model.OptionalAttributes) -> Item:
    flow = _flow(item.flow)
    optional = {a["claim"] for a in (flow.config if flow else {}).get("user_attributes", [])
                if a.get("optional")}
    return Item(f"{', '.join(item.claims)} optional on {item.flow}'s sign-up page",
                set(item.claims) <= optional,
                f"User flows > {item.flow} > Page layouts: Optional = Yes for "
                f"{', '.join(item.claims)} (Local account sign up page: user attributes).")


def _solve_optional_attributes(item: model.OptionalAttributes) -> None:
    flow = _flow(item.flow)
    if flow is None:
        raise click.ClickException(f"No user flow {item.flow}.")
    flow.config = {**flow.config, "user_attributes": [
        {**a, "optional": True} if a["claim"] in item.claims else a
        for a in flow.config.get("user_attributes", [])]}


EXTRA_KINDS[model.OptionalAttributes] = (_check_optional_attributes,
                                         _solve_optional_attributes)

EXTRA_KINDS.update(labs_social.kinds(Item))  # lab 06: identity providers
EXTRA_KINDS.update(labs_ief.kinds(Item))  # lab 07: custom policies
