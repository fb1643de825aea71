"""User invitations and the roles of delegated user management, as the api-connector-samples'
InvitationCodeDelegatedUserManagement keeps them (b2c-reference §2.1): one JSON file per
invitation code, ``<code>.json``, in a folder (its ``FileStorageUserInvitationRepository``).

Plain Python: no Flask.  The invitation rules for company admins live here too, so the page and
the tests judge them the same way.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import uuid
from dataclasses import dataclass
from pathlib import Path

GLOBAL_ADMIN, COMPANY_ADMIN, COMPANY_USER = "GlobalAdmin", "CompanyAdmin", "CompanyUser"
ROLES = (COMPANY_USER, COMPANY_ADMIN, GLOBAL_ADMIN)
#: the code the first global admin signs up with (the sample's ``Guid.Empty``)
GLOBAL_ADMIN_CODE = "00000000-0000-0000-0000-000000000000"
#: what a stored code may look like; anything else is simply not found (no path tricks)
_SAFE_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


@dataclass
class UserInvitation:
    """The sample's ``UserInvitation``; times are aware UTC datetimes."""

    invitation_code: str
    company_id: str | None
    role: str
    created_by: str | None
    created_time: dt.datetime
    expires_time: dt.datetime

    def to_json(self) -> dict:
        return {"InvitationCode": self.invitation_code, "CompanyId": self.company_id,
                "DelegatedUserManagementRole": self.role, "CreatedBy": self.created_by,
                "CreatedTime": self.created_time.isoformat(),
                "ExpiresTime": self.expires_time.isoformat()}

    @classmethod
    def from_json(cls, data: dict) -> "UserInvitation":
        """:raise KeyError, ValueError, TypeError: for a file that is not an invitation."""
        return cls(str(data["InvitationCode"]), data.get("CompanyId"),
                   str(data["DelegatedUserManagementRole"]), data.get("CreatedBy"),
                   dt.datetime.fromisoformat(data["CreatedTime"]),
                   dt.datetime.fromisoformat(data["ExpiresTime"]))


class InvitationStore:
    """Pending invitations as files in ``folder``; a redeemed invitation's file is deleted."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)

    def _path(self, code: str) -> Path | None:
        key = code.strip().lower()
        return self.folder / f"{key}.json" if _SAFE_CODE.match(key) else None

    def create(self, invitation: UserInvitation) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self._path(invitation.invitation_code)
        if path is None:
            raise ValueError(f"'{invitation.invitation_code}' cannot be an invitation code.")
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(invitation.to_json(), indent=2), encoding="utf-8")
        os.replace(temporary, path)  # readers never see half a file

    def get(self, code: str) -> UserInvitation | None:
        """The pending invitation, or None.  :raise ValueError: for a damaged file."""
        path = self._path(code)
        if path is None or not path.is_file():
            return None
        try:
            return UserInvitation.from_json(json.loads(path.read_text(encoding="utf-8")))
        except (KeyError, TypeError, json.JSONDecodeError) as damaged:
            raise ValueError(f"{path.name} is not a valid invitation file") from damaged

    def redeem(self, code: str) -> bool:
        """Delete the invitation (single use); False when it was already gone."""
        path = self._path(code)
        try:
            if path is not None:
                path.unlink()
                return True
        except FileNotFoundError:
            pass
        return False

    delete = redeem

    def pending(self, company_id: str | None = None) -> list[UserInvitation]:
        """Every readable invitation (of ``company_id`` when given), by company then role."""
        found = []
        for path in sorted(self.folder.glob("*.json")) if self.folder.is_dir() else ():
            try:
                invitation = self.get(path.stem)
            except ValueError:
                continue
            if invitation and (company_id is None or invitation.company_id == company_id):
                found.append(invitation)
        return sorted(found, key=lambda i: (i.company_id or "", i.role, i.invitation_code))


def global_admin_invitation(now: dt.datetime) -> UserInvitation:
    """The bootstrap invitation: Guid.Empty, no company, GlobalAdmin, valid for a year."""
    return UserInvitation(GLOBAL_ADMIN_CODE, None, GLOBAL_ADMIN, None, now,
                          now + dt.timedelta(days=365))


def new_invitation(claims: dict, role: str, company_id: str | None, valid_hours: int,
                   now: dt.datetime) -> UserInvitation:
    """An invitation created by the signed-in admin whose token claims are ``claims``.

    A company admin's invitation is always for their own company, and GlobalAdmin becomes
    CompanyAdmin (the sample's rules).  :raise PermissionError: for anyone but an admin.
    """
    inviter = claims.get("extension_DelegatedUserManagementRole")
    if inviter not in (GLOBAL_ADMIN, COMPANY_ADMIN):
        raise PermissionError("You don't have permissions to invite users.")
    company = (company_id or "").strip() or None
    if inviter == COMPANY_ADMIN:
        company = claims.get("extension_CompanyId")
        if role == GLOBAL_ADMIN:
            role = COMPANY_ADMIN
    return UserInvitation(str(uuid.uuid4()), company, role, claims.get("oid"), now,
                          now + dt.timedelta(hours=valid_hours))


def visible_company(claims: dict) -> tuple[bool, str | None]:
    """What the signed-in user may manage: ``(may_manage, company)``; company None means every
    company (a global admin)."""
    role = claims.get("extension_DelegatedUserManagementRole")
    if role == GLOBAL_ADMIN:
        return True, None
    if role == COMPANY_ADMIN:
        return True, claims.get("extension_CompanyId") or ""
    return False, None
