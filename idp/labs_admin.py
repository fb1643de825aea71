"""Instructor tools for the labs: compare the tenant with a lab's end state, apply it, or reset
the tenant to the seeded start.

    flask --app app labs check 01     # what the tenant already has, with a hint for the first gap
    flask --app app labs solve 01     # apply lab 01's end state (to demo, or to catch up)
    flask --app app labs reset        # back to the seeded tenant; admin accounts are kept

The end states are data in ``labs/labNN_*/lab.py`` (the same data the READMEs and browser tests
read); this module is the only place that turns them into database rows.
"""
from __future__ import annotations

from dataclasses import dataclass

import click
from flask import current_app
from flask.cli import AppGroup

from labs import model
from labs.readme import all_labs

from .extensions import db
from .models import (ApiConnector, AppRegistration, AppRoleAssignment, AuditRecord,
                     AuthorizationCode, DirectoryUser, FlowTransaction, MailMessage,
                     RefreshToken, SsoSession, UserAttribute, UserFlow)
from .seed import RP_DEMO, SEEDED_FLOWS, prepare_database


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
    ok = (flow is not None and set(item.collects) <= collected
          and set(item.returns) <= set(config.get("application_claims", []))
          and all(properties.get(k) == v for k, v in item.properties.items())
          and all(config.get("page_layouts", {}).get(k) == v
                  for k, v in item.page_layouts.items())
          and all(config.get("languages", {}).get(k) == v for k, v in item.languages.items()))
    return Item(f"user flow {item.name} collecting {', '.join(item.collects) or 'nothing'} and "
                f"returning {', '.join(item.returns) or 'nothing'}", ok,
                f"User flows: {item.name} and its User attributes / Application claims"
                + (" / Properties" if item.properties else "") + ".")


def check(lab: model.Lab) -> list[Item]:
    return [check_item(item) for item in lab.end_state]


def solve(lab: model.Lab) -> None:
    """Apply the lab's end state (idempotent)."""
    for item in lab.end_state:
        if isinstance(item, model.CustomAttribute) and not check_item(item).done:
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
    config["page_layouts"] = {**config.get("page_layouts", {}), **item.page_layouts}
    config["languages"] = {**config.get("languages", {}), **item.languages}
    flow.config = config
    db.session.add(flow)


def reset() -> None:
    """Back to the seeded tenant: every user, run, grant, mail, audit record, connector,
    custom attribute, non-seeded app and flow goes; admin accounts and the signing key stay."""
    for model_class in (AuthorizationCode, RefreshToken, SsoSession, FlowTransaction,
                        MailMessage, AuditRecord, AppRoleAssignment, ApiConnector,
                        UserAttribute, DirectoryUser):
        db.session.execute(db.delete(model_class))
    seeded = {name.lower() for name, _config in SEEDED_FLOWS}
    for flow in db.session.execute(db.select(UserFlow)).scalars():
        if flow.name_key not in seeded:
            db.session.delete(flow)
    for name, config in SEEDED_FLOWS:
        if (flow := _flow(name)) is not None:
            flow.config = config
    keep = {RP_DEMO, "webapp1"}
    for app in db.session.execute(db.select(AppRegistration)).scalars():
        if app.name not in keep and not app.name.startswith("b2c-extensions-app"):
            db.session.delete(app)
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
