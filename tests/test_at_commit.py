"""Rows inserted at commit (idp/store/at_commit.py), as refresh tokens are: nothing reaches
the database before the commit (a token request must not hold SQLite's write lock through its
signatures), a rollback drops them, the transaction's own ORM query sees them, and rows of one
table with different keys are all written."""
import datetime as dt

import pytest
import sqlalchemy as sa

from idp.extensions import db
from idp.models import RefreshToken
from idp.models._base import utcnow
from idp.store import at_commit
from idp.store.grants import RefreshLifetimes, issue_refresh_token

_TABLE = RefreshToken.__table__


def _row(n: int, **extra):
    now = utcnow()
    return dict(token_hash=f"hash-{n}", family_id=f"family-{n}", client_id="c", policy="p",
                scope="openid", user_object_id="u", claims={"n": n}, auth_time=0,
                expires_at=now + dt.timedelta(days=1),
                family_expires_at=now + dt.timedelta(days=2), **extra)


def _statements():
    seen = []

    def note(_conn, _cursor, statement, _params, _context, _executemany):
        seen.append(statement.split()[0].upper())

    sa.event.listen(db.engine, "before_cursor_execute", note)
    return seen, lambda: sa.event.remove(db.engine, "before_cursor_execute", note)


def _stored():
    return sorted(db.session.execute(sa.select(_TABLE.c.token_hash)).scalars())


def test_a_refresh_token_is_written_only_at_commit(app):
    with app.app_context():
        seen, stop = _statements()
        try:
            token = issue_refresh_token(lifetimes=RefreshLifetimes(token_days=14, window_days=None),
                                        client_id="c", policy="p", scope="openid",
                                        user_object_id="u", claims={"name": "Ada"}, auth_time=1)
            assert "INSERT" not in seen
            db.session.commit()
            assert seen.count("INSERT") == 1
        finally:
            stop()
        stored = db.session.execute(sa.select(RefreshToken)).scalar_one()
        assert stored.claims == {"name": "Ada"} and stored.created_at is not None
        assert token not in stored.token_hash  # kept by hash only


def test_a_rollback_drops_the_rows(app):
    with app.app_context():
        at_commit.insert(_TABLE, _row(1))
        db.session.rollback()
        db.session.commit()
        assert _stored() == []


def test_an_orm_query_of_the_table_writes_them_first(app):
    with app.app_context():
        at_commit.insert(_TABLE, _row(1))
        found = db.session.execute(sa.select(RefreshToken.token_hash)).scalars().all()
        assert found == ["hash-1"]
        db.session.rollback()  # written inside the transaction, so undone with it
        assert _stored() == []


def test_rows_with_different_keys_are_all_written(app):
    with app.app_context():
        at_commit.insert(_TABLE, _row(1))
        at_commit.insert(_TABLE, _row(2, code_id=7))
        at_commit.insert(_TABLE, _row(3))
        db.session.commit()
        codes = dict(db.session.execute(sa.select(_TABLE.c.token_hash, _TABLE.c.code_id)).all())
        assert codes == {"hash-1": None, "hash-2": 7, "hash-3": None}


def test_an_orm_update_of_the_table_writes_them_first(app):
    with app.app_context():
        at_commit.insert(_TABLE, _row(1))
        db.session.execute(sa.update(RefreshToken).values(revoked_at=utcnow()))
        db.session.commit()
        assert db.session.execute(sa.select(_TABLE.c.revoked_at)).scalar_one() is not None


def test_a_token_inserted_after_its_family_was_revoked_cannot_be_spent(app):
    """A rotation inserts the next token at its commit, after signing: a revocation of the
    family committed in between (a replay, a code reuse, "revoke sessions") does not see it,
    so the spend refuses a token of a family with any revoked member."""
    from idp.engine.errors import B2CError
    from idp.store.grants import spend_refresh_token

    lifetimes = RefreshLifetimes(token_days=14, window_days=None)
    fields = dict(client_id="c", policy="p", scope="openid", user_object_id="u", claims={},
                  auth_time=1)
    with app.app_context():
        first = issue_refresh_token(lifetimes=lifetimes, **fields)
        db.session.commit()
        family = db.session.execute(sa.select(_TABLE.c.family_id)).scalar_one()
        spend_refresh_token(first)  # the rotating request; its next token waits for the commit
        following = issue_refresh_token(lifetimes=lifetimes, family_id=family, **fields)
        with db.engine.begin() as other:  # meanwhile another request revokes the family
            other.execute(sa.update(_TABLE).where(_TABLE.c.family_id == family)
                          .values(revoked_at=utcnow()))
        db.session.commit()
        with pytest.raises(B2CError) as refused:
            spend_refresh_token(following)
        assert refused.value.code == "AADB2C90129"
        revoked = db.session.execute(sa.select(sa.func.count()).where(
            _TABLE.c.revoked_at.is_(None))).scalar()
        assert revoked == 0
