"""The Alembic migrations create exactly the schema the models describe, so an upgrade never
loses a tenant and a model change without a migration fails here."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from idp.extensions import db


def test_migrations_match_the_models(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"render_as_batch": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_cli_resets_the_admin_password(runner, app):
    from idp.models import AdminAccount
    from idp.store.hashing import check_password

    result = runner.invoke(args=["admin", "reset-password"])
    assert result.exit_code == 0, result.output
    password = result.output.strip().rsplit(" ", 1)[-1]
    with app.app_context():
        admin = db.session.execute(db.select(AdminAccount)).scalar_one()
        assert check_password(password, admin.password_hash)
    unknown = runner.invoke(args=["admin", "reset-password", "--username", "nobody"])
    assert unknown.exit_code != 0 and "No admin account named 'nobody'" in unknown.output
