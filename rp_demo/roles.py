"""The Admin page: app roles from the ``extension_AppRoles`` claim (lab 05).

User flows put no ``roles`` claim in tokens; an API connector at "Before sending the token"
returns the user's app roles as one custom attribute, space-separated (b2c-reference §2.2).
The page reads that claim of the signed-in user's newest ID token, as the sample's
``[Authorize(Roles = "Admin")]`` does after splitting it, and says what it found.
"""
from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, session

bp = Blueprint("roles", __name__)
ROLE_CLAIM = "extension_AppRoles"
ADMIN_ROLE = "Admin"


def app_roles(claims: dict) -> list[str]:
    """The roles in the claim (an empty list when it is missing or not text)."""
    value = claims.get(ROLE_CLAIM)
    return value.split() if isinstance(value, str) else []


@bp.get("/admin-only")
def admin_only():
    user = session.get("user")
    if not user:
        return redirect(f"{current_app.config['RP_PUBLIC_URL']}/")
    claims = user["claims"]
    allowed = ADMIN_ROLE in app_roles(claims)
    return render_template("rp/admin_only.html", allowed=allowed, claim=ROLE_CLAIM,
                           role=ADMIN_ROLE, found=claims.get(ROLE_CLAIM),
                           issued_at=claims.get("iat")), 200 if allowed else 403
