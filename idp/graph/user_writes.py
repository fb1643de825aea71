"""Writing users for ``POST``/``PATCH``/``DELETE /users``.  Each change is audited as the
portal's Users blade audits it ("Add user", "Update user", "Delete user"; category
``UserManagement``), initiated by the calling application instead of an admin.  None of these
commit: the view commits once, or the error handler rolls back.
"""
from __future__ import annotations

import uuid

from sqlalchemy.exc import IntegrityError

from ..engine.ports import AccountExists
from ..extensions import db
from ..models import DirectoryUser, UserIdentity
from ..portal.users.properties import modified
from ..store import audit
from ..store.directory import SqlDirectory
from ..store.users import delete_user, revoke_sessions
from .auth import caller
from .errors import bad_request
from .user_body import UserChanges
from .user_schema import COLUMNS, UserSchema, graph_record, user_principal_name

CATEGORY = "UserManagement"


def _conflict():
    return bad_request("Another object with the same value for property identities already "
                       "exists.", details=[{"target": "identities", "code": "ObjectConflict"}])


def _audit(activity: str, user: DirectoryUser, schema: UserSchema, **details) -> None:
    audit.record(activity, category=CATEGORY, app_id=caller().app_id, user=user.object_id,
                 correlation_id=str(uuid.uuid4()), targetDisplayName=user.display_name,
                 targetUserPrincipalName=user_principal_name(user, schema.domain), **details)


def _claim(name: str, schema: UserSchema) -> str:
    """The directory's key for a Graph property (``extension_<Name>`` for a custom one)."""
    ext = schema.extensions.get(name.lower())
    return ext.claim if ext else name


def create_user(changes: UserChanges, schema: UserSchema) -> DirectoryUser:
    """A new local account with the body's identities, password and properties.

    :raise GraphError: 400 ``ObjectConflict`` when a sign-in name is taken.
    """
    directory = SqlDirectory(schema.domain)
    if any(directory.find_local_account(kind, name) for kind, name in changes.identities):
        raise _conflict()
    attributes = {_claim(n, schema): v for n, v in changes.values.items()
                  if v is not None and n != "accountEnabled"}
    (kind, name), *more = changes.identities
    try:
        object_id = directory.create_local_account(
            sign_in_type=kind, sign_in_name=name, email=None, password=changes.password,
            attributes=attributes)
        user = db.session.get(DirectoryUser, object_id)
        for other_kind, other_name in more:
            user.identities.append(UserIdentity(
                sign_in_type=other_kind, issuer=directory.issuer, issuer_assigned_id=other_name,
                issuer_assigned_id_key=other_name.strip().lower()))
        user.account_enabled = changes.values.get("accountEnabled", True)
        db.session.flush()
    except (AccountExists, IntegrityError):  # taken by another request just now
        db.session.rollback()
        raise _conflict() from None
    _audit("Add user", user, schema, modifiedProperties=modified(
        {}, {n: v for n, v in graph_record(user, schema).items() if n in changes.values}))
    return user


def update_user(user: DirectoryUser, changes: UserChanges, schema: UserSchema) -> None:
    """Apply the body's properties (None clears one).  Disabling the account also revokes its
    sessions and refresh tokens, as the portal's Block sign in does."""
    old = graph_record(user, schema)
    attributes = dict(user.attributes or {})
    for name, value in changes.values.items():
        if name in COLUMNS:
            setattr(user, COLUMNS[name], value)
        elif value is None:
            attributes.pop(_claim(name, schema), None)
        else:
            attributes[_claim(name, schema)] = value
    user.attributes = attributes
    new = graph_record(user, schema)
    changed = modified({n: old.get(n) for n in changes.values},
                       {n: new.get(n) for n in changes.values})
    if not changed:
        return
    revoked = (0, 0)
    if old["accountEnabled"] and not new["accountEnabled"]:
        revoked = revoke_sessions(user.object_id)
    _audit("Update user", user, schema, modifiedProperties=changed,
           sessionsRevoked=revoked[0] or None, refreshTokensRevoked=revoked[1] or None)


def remove_user(user: DirectoryUser, schema: UserSchema) -> None:
    """Delete the user, their sessions, refresh tokens and app role assignments."""
    _audit("Delete user", user, schema)
    delete_user(user)
