"""The engine's Directory port over the ``directory_user`` and ``user_identity`` tables."""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from typing import Any

from flask import current_app
from sqlalchemy.exc import IntegrityError

from ..engine.lockout import LockoutState
from ..engine.ports import AccountExists, AccountRef
from ..extensions import db
from ..models import DirectoryUser, UserIdentity
from ..models._base import utcnow
from .hashing import check_password, hash_password

#: bag claim -> DirectoryUser column; other attributes go to ``attributes``.
COLUMNS = {"displayName": "display_name", "givenName": "given_name", "surname": "surname"}


_ENABLED = db.select(DirectoryUser.account_enabled).where(
    DirectoryUser.object_id == db.bindparam("object_id"))


def account_enabled(object_id: str) -> bool:
    """False for a blocked or deleted account: no SSO, no code redemption, no refresh."""
    # One column, not the user: loading the user would load its identities too.  On the
    # session's connection (no ORM layer, no autoflush): callers ask before changing anything.
    return bool(db.session.connection().execute(_ENABLED, {"object_id": object_id}).scalar())


class SqlDirectory:
    """Made for one request (``make_ports``)."""

    def __init__(self, tenant_domain: str) -> None:
        self.issuer = tenant_domain
        #: the users this request loaded: the session's identity map holds them weakly, so
        #: without this each step of a sign-in (find, check, read) would load the user again
        self._held: dict[str, DirectoryUser] = {}

    def _user(self, object_id: str) -> DirectoryUser | None:
        user = self._held.get(object_id) or db.session.get(DirectoryUser, object_id)
        if user is not None:
            self._held[object_id] = user
        return user

    def _identity(self, sign_in_type: str, name: str) -> UserIdentity | None:
        return db.session.execute(db.select(UserIdentity).filter_by(
            issuer=self.issuer, sign_in_type=sign_in_type,
            issuer_assigned_id_key=name.strip().lower())).scalar_one_or_none()

    def find_local_account(self, sign_in_type: str, sign_in_name: str) -> AccountRef | None:
        identity = self._identity(sign_in_type, sign_in_name)
        if identity is None:
            return None
        user = self._held[identity.user_object_id] = identity.user
        locked = user.locked_until.replace(tzinfo=dt.timezone.utc).timestamp() \
            if user.locked_until else None
        return AccountRef(user.object_id, user.account_enabled, LockoutState(
            user.failed_sign_ins, locked, user.lockout_periods, user.last_failed_password))

    def find_by_email(self, email: str) -> AccountRef | None:
        return self.find_local_account("emailAddress", email)

    def password_fingerprint(self, object_id: str, password: str) -> str:
        key = f"{current_app.config['SECRET_KEY']}:{object_id}".encode()
        return hmac.new(key, password.encode("utf-8"), hashlib.sha256).hexdigest()

    def save_lockout(self, object_id: str, state: LockoutState) -> None:
        user = self._user(object_id)
        user.failed_sign_ins = state.failures
        user.lockout_periods = state.periods
        user.last_failed_password = state.last_failed
        user.locked_until = (dt.datetime.fromtimestamp(state.locked_until, dt.timezone.utc)
                             .replace(tzinfo=None) if state.locked_until else None)

    def set_password(self, object_id: str, password: str) -> None:
        user = self._user(object_id)
        user.password_hash = hash_password(password)
        user.password_last_set = utcnow()
        self.save_lockout(object_id, LockoutState())

    def update_attributes(self, object_id: str, attributes: dict[str, Any]) -> None:
        user = self._user(object_id)
        extra = dict(user.attributes)
        for claim, value in attributes.items():
            if claim in COLUMNS:
                setattr(user, COLUMNS[claim], value or None)
            elif value in (None, ""):
                extra.pop(claim, None)
            else:
                extra[claim] = value
        user.attributes = extra

    def check_password(self, object_id: str | None, password: str) -> bool:
        user = self._user(object_id) if object_id else None
        return check_password(password, user.password_hash if user else None)

    def create_local_account(self, *, sign_in_type: str, sign_in_name: str, email: str | None,
                             password: str, attributes: dict[str, Any]) -> str:
        if self._identity(sign_in_type, sign_in_name) is not None:
            raise AccountExists(sign_in_name)
        user = DirectoryUser(password_hash=hash_password(password), password_last_set=utcnow())
        extra = {}
        for claim, value in attributes.items():
            if claim in COLUMNS:
                setattr(user, COLUMNS[claim], value)
            else:
                extra[claim] = value
        if email and sign_in_type != "emailAddress":
            extra["otherMails"] = [email]
        user.attributes = extra
        user.identities.append(UserIdentity(
            sign_in_type=sign_in_type, issuer=self.issuer, issuer_assigned_id=sign_in_name,
            issuer_assigned_id_key=sign_in_name.strip().lower()))
        db.session.add(user)
        try:
            db.session.flush()
        except IntegrityError:  # another worker created the same sign-in name just now
            db.session.rollback()
            raise AccountExists(sign_in_name) from None
        return user.object_id

    def find_federated_account(self, issuer: str, issuer_user_id: str) -> AccountRef | None:
        """Federated identities match exactly (an OpenID Connect ``sub`` is case-sensitive)."""
        identity = db.session.execute(db.select(UserIdentity).filter_by(
            issuer=issuer, sign_in_type="federated",
            issuer_assigned_id_key=issuer_user_id)).scalar_one_or_none()
        if identity is None:
            return None
        user = self._held[identity.user_object_id] = identity.user
        return AccountRef(user.object_id, user.account_enabled)

    def create_federated_account(self, *, issuer: str, issuer_user_id: str, email: str | None,
                                 attributes: dict[str, Any]) -> str:
        """A user without a password whose identity is ``federated``; the provider's e-mail is
        kept in ``otherMails`` (Graph's place for it; the ``emails`` claim reads it)."""
        if self.find_federated_account(issuer, issuer_user_id) is not None:
            raise AccountExists(issuer_user_id)
        user = DirectoryUser()
        extra = {}
        for claim, value in attributes.items():
            if claim in COLUMNS:
                setattr(user, COLUMNS[claim], value)
            else:
                extra[claim] = value
        if email:
            extra["otherMails"] = [email]
        user.attributes = extra
        user.identities.append(UserIdentity(
            sign_in_type="federated", issuer=issuer, issuer_assigned_id=issuer_user_id,
            issuer_assigned_id_key=issuer_user_id))
        db.session.add(user)
        try:
            db.session.flush()
        except IntegrityError:  # another worker wrote the same identity just now
            db.session.rollback()
            raise AccountExists(issuer_user_id) from None
        return user.object_id

    def read_claims(self, object_id: str) -> dict[str, Any]:
        user = self._user(object_id)
        if user is None:
            return {}
        claims: dict[str, Any] = {k: getattr(user, c) for k, c in COLUMNS.items()
                                  if getattr(user, c)}
        claims.update({k: v for k, v in user.attributes.items() if k != "otherMails"})
        emails = [i.issuer_assigned_id for i in user.identities
                  if i.sign_in_type == "emailAddress"] + user.attributes.get("otherMails", [])
        if emails:
            claims["emails"] = emails
        return claims

    def mfa_profile(self, object_id: str) -> dict[str, Any]:
        user = self._user(object_id)
        return dict(user.mfa or {}) if user else {}

    def save_mfa_profile(self, object_id: str, profile: dict[str, Any]) -> None:
        self._user(object_id).mfa = dict(profile)
