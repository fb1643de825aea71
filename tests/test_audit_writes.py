"""Audit records are written with the unit of work they belong to (idp/store/audit.py): at
its commit, in one INSERT, never before (a token request must not hold SQLite's write lock
through its signature); dropped with a rollback; visible to a query of the same
transaction."""
import pytest
import sqlalchemy as sa

from idp.extensions import db
from idp.models import AuditRecord
from idp.store import audit


def _inserts(app):
    seen = []

    def note(_conn, _cursor, statement, _params, _context, _executemany):
        if statement.lstrip().upper().startswith("INSERT INTO AUDIT_RECORD"):
            seen.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", note)
    return seen, lambda: sa.event.remove(db.engine, "before_cursor_execute", note)


def _activities():
    return sorted(db.session.execute(sa.select(AuditRecord.activity)).scalars())


def test_records_are_written_at_commit_in_one_insert(app):
    with app.app_context():
        seen, stop = _inserts(app)
        try:
            audit.record("Exchange token", app_id="a")
            audit.record("Issue an id_token to the application", app_id="a")
            assert seen == []
            db.session.commit()
            assert len(seen) == 1
        finally:
            stop()
        assert _activities() == ["Exchange token", "Issue an id_token to the application"]
        db.session.commit()  # nothing pending: nothing written twice
        assert len(_activities()) == 2


@pytest.mark.parametrize("end", ["rollback", "close"])
def test_a_rollback_or_a_closed_session_drops_the_records(app, end):
    with app.app_context():
        audit.record("Exchange token", app_id="a")
        getattr(db.session, end)()
        db.session.commit()
        assert _activities() == []


def test_the_transaction_reads_what_it_recorded(app):
    with app.app_context():
        audit.record("Validate Client Credentials", app_id="a")
        assert _activities() == ["Validate Client Credentials"]
        db.session.rollback()
        assert _activities() == []
