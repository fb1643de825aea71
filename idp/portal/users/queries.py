"""Reading the directory for the Users blade: the paged, searchable list of all users.

The list must stay fast with tens of thousands of users (bench/portal.py measures it): pages are
``ORDER BY display_name, object_id`` over the indexed ``display_name`` with OFFSET, identities
come in one ``selectin`` query per page (no N+1), and the sign-in-name search is a range on the
lower-cased ``issuer_assigned_id_key`` of the ``(issuer, sign_in_type, key)`` unique index.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from ...extensions import db
from ...models import DirectoryUser, UserIdentity
from ...store.identity_providers import list_providers, provider_for_issuer

PAGE_SIZE = 50
LOCAL_SIGN_IN_TYPES = ("emailAddress", "userName")


@dataclass(frozen=True)
class UserPage:
    users: list[DirectoryUser]
    total: int
    page: int
    pages: int


def search_condition(term: str, issuer: str):
    """Display name starts with ``term`` OR a local sign-in name starts with it, ignoring case.

    The sign-in names are stored lower-cased, so ``key >= term AND key < term + U+FFFF`` is an
    index range on every database (a case-insensitive LIKE is not, on SQLite).
    """
    low = term.strip().lower()
    by_sign_in_name = sa.select(UserIdentity.user_object_id).where(
        UserIdentity.issuer == issuer,
        UserIdentity.sign_in_type.in_(LOCAL_SIGN_IN_TYPES),
        UserIdentity.issuer_assigned_id_key >= low,
        UserIdentity.issuer_assigned_id_key < low + "\uffff")
    return sa.or_(DirectoryUser.display_name.istartswith(term.strip(), autoescape=True),
                  DirectoryUser.object_id.in_(by_sign_in_name))


def list_users(term: str | None, page: int, issuer: str) -> UserPage:
    """One page of users (``page`` is clamped to the pages there are)."""
    where = [search_condition(term, issuer)] if term and term.strip() else []
    total = db.session.execute(
        sa.select(sa.func.count()).select_from(DirectoryUser).where(*where)).scalar_one()
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    users = db.session.execute(
        sa.select(DirectoryUser).where(*where)
        .order_by(DirectoryUser.display_name, DirectoryUser.object_id)
        .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)).scalars().all()
    return UserPage(list(users), total, page, pages)


def sign_in_name(user: DirectoryUser) -> str:
    """What the list shows as the user's principal name: the local sign-in name (e-mail or
    user name), else the first identity's id."""
    local = [i for i in user.identities if i.sign_in_type in LOCAL_SIGN_IN_TYPES]
    chosen = (local or user.identities or [None])[0]
    return chosen.issuer_assigned_id if chosen else ""


def identity_rows(user: DirectoryUser) -> list[dict]:
    """Every identity of the user, local and federated, with the identity provider it signs in
    with: "Local account", the configured provider's name, or the issuer when that provider was
    deleted since (its users can no longer sign in with it)."""
    providers = list_providers()
    rows = []
    for identity in user.identities:
        if identity.sign_in_type in LOCAL_SIGN_IN_TYPES:
            provider, known = "Local account", True
        else:
            match = provider_for_issuer(identity.issuer, providers)
            provider, known = (match.display_name, True) if match else (identity.issuer, False)
        rows.append({"sign_in_type": identity.sign_in_type, "issuer": identity.issuer,
                     "issuer_assigned_id": identity.issuer_assigned_id,
                     "provider": provider, "known": known})
    return rows


def has_local_identity(user: DirectoryUser) -> bool:
    return any(i.sign_in_type in LOCAL_SIGN_IN_TYPES for i in user.identities)


def find_by_sign_in_name(issuer: str, name: str) -> str | None:
    """The object id of the local account signing in with ``name``, or None."""
    return db.session.execute(sa.select(UserIdentity.user_object_id).where(
        UserIdentity.issuer == issuer, UserIdentity.sign_in_type.in_(LOCAL_SIGN_IN_TYPES),
        UserIdentity.issuer_assigned_id_key == name.strip().lower())).scalars().first()
