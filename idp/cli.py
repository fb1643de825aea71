"""Command-line tools: ``flask --app app admin reset-password``."""
from __future__ import annotations

import secrets

import click
from flask import Flask
from flask.cli import AppGroup

from .demo_seed import demo_cli
from .extensions import db
from .models import AdminAccount
from .store import admin_sign_ins, audit
from .store.hashing import hash_password

admin_cli = AppGroup("admin", help="Manage portal admin accounts.")


@admin_cli.command("reset-password")
@click.option("--username", default="admin", show_default=True)
def reset_password(username: str) -> None:
    """Give an admin account a new random password and print it once."""
    account = db.session.execute(
        db.select(AdminAccount).filter_by(username=username)).scalar_one_or_none()
    if account is None:
        raise click.ClickException(f"No admin account named {username!r}.")
    password = secrets.token_urlsafe(12)
    account.password_hash = hash_password(password)
    # ends the account's portal sessions and lifts its lockout (store/admin_sign_ins.py)
    audit.record(admin_sign_ins.PASSWORD_RESET, category="Directory",
                 initiated_by_admin=username, via="flask admin reset-password")
    db.session.commit()
    click.echo(f"New password for {username}: {password}")


def register(app: Flask) -> None:
    from .labs_admin import labs_cli

    app.cli.add_command(admin_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(labs_cli)
