"""Finding users for ``GET /users``: ``$filter`` terms that map to a column or to the sign-in
identity index narrow the SQL query; :func:`idp.graph.filters.evaluate` then decides each row
(so the SQL part only ever needs to be a superset).  Rows come in object-id order, in batches,
starting after the page token's id.
"""
from __future__ import annotations

from typing import Iterator

import sqlalchemy as sa

from ..extensions import db
from ..models import DirectoryUser, UserIdentity
from .filters import AnyOf, Compare, conjuncts, evaluate
from .odata import Query
from .user_schema import UserSchema, graph_record

BATCH = 200
_COLUMNS = {"displayName": DirectoryUser.display_name, "givenName": DirectoryUser.given_name,
            "surname": DirectoryUser.surname}


def find_user(key: str, domain: str) -> DirectoryUser | None:
    """A user by object id, or by the ``<objectId>@<domain>`` user principal name."""
    key = key.strip().lower()
    suffix = f"@{domain.lower()}"
    if key.endswith(suffix):
        key = key[: -len(suffix)]
    return db.session.get(DirectoryUser, key)


def _sign_in_name(term: AnyOf, domain: str):
    values = {c.prop: c.value for c in conjuncts(term.body)}
    issuer, name = values["issuer"].lower(), values["issuerAssignedId"].strip().lower()
    condition = DirectoryUser.object_id.in_(sa.select(UserIdentity.user_object_id).where(
        UserIdentity.issuer_assigned_id_key == name, sa.func.lower(UserIdentity.issuer) == issuer))
    if issuer == domain.lower() and name.endswith(f"@{issuer}"):  # the UPN identity
        condition = sa.or_(condition, DirectoryUser.object_id == name.rpartition("@")[0])
    return condition


def _pushdown(term, domain: str):
    """A SQL condition every row matching ``term`` meets, or None (decided in Python)."""
    if isinstance(term, AnyOf):
        values = [c.value for c in conjuncts(term.body)]
        return _sign_in_name(term, domain) if all(
            isinstance(v, str) and v.isascii() for v in values) else None
    if not isinstance(term, Compare):
        return None
    if term.prop == "accountEnabled" and isinstance(term.value, bool):
        return DirectoryUser.account_enabled == term.value
    if not (isinstance(term.value, str) and term.value.isascii()):
        return None  # SQL lower() folds ASCII only: let Python compare the rest
    if term.prop == "id":
        return DirectoryUser.object_id == term.value.lower()
    if term.prop in _COLUMNS:
        return sa.func.lower(_COLUMNS[term.prop]) == term.value.lower()
    return None


def matching_users(query: Query, schema: UserSchema) -> Iterator[tuple[str, dict]]:
    """``(object id, Graph record)`` of each user the query's filter matches, in id order."""
    where = []
    if query.filter is not None:
        where = [c for c in (_pushdown(t, schema.domain) for t in conjuncts(query.filter))
                 if c is not None]
    after = query.after
    while True:
        statement = sa.select(DirectoryUser).where(*where).order_by(DirectoryUser.object_id)
        if after is not None:
            statement = statement.where(DirectoryUser.object_id > after)
        rows = db.session.execute(statement.limit(BATCH)).scalars().all()
        for user in rows:
            record = graph_record(user, schema)
            if query.filter is None or evaluate(query.filter, record):
                yield user.object_id, record
        if len(rows) < BATCH:
            return
        after = rows[-1].object_id
