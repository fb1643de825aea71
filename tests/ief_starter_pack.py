"""The custom policy starter pack's LocalAccounts files, as a workshop attendee prepares them:
read from ``../shared/ief/starterpack`` (never copied into the project), placeholders replaced
with this tenant's domain and its two IEF app registrations' ids.

Without the folder the tests that need it skip with the reason; CI runs with
``B2CLAB_NO_SKIP=1``, where any skip fails the run (tests/conftest.py).
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from idp.extensions import db
from idp.models import AppRegistration

ROOT = Path(__file__).resolve().parents[1]
STARTER_PACK = Path(os.environ.get("B2CLAB_STARTER_PACK",
                                   ROOT.parent / "shared" / "ief" / "starterpack"))
LOCAL_ACCOUNTS = STARTER_PACK / "LocalAccounts"
#: the upload order the tutorial gives: each file's base before it
ORDER = ("TrustFrameworkBase", "TrustFrameworkLocalization", "TrustFrameworkExtensions",
         "SignUpOrSignin", "ProfileEdit", "PasswordReset")
POLICY_IDS = {"TrustFrameworkBase": "B2C_1A_TrustFrameworkBase",
              "TrustFrameworkLocalization": "B2C_1A_TrustFrameworkLocalization",
              "TrustFrameworkExtensions": "B2C_1A_TrustFrameworkExtensions",
              "SignUpOrSignin": "B2C_1A_signup_signin", "ProfileEdit": "B2C_1A_ProfileEdit",
              "PasswordReset": "B2C_1A_PasswordReset"}
TENANT = "contoso.onmicrosoft.com"


def require_starter_pack() -> None:
    if not LOCAL_ACCOUNTS.is_dir():
        pytest.skip(f"the custom policy starter pack is not at {STARTER_PACK} (set "
                    "B2CLAB_STARTER_PACK to a checkout of Azure-Samples/"
                    "active-directory-b2c-custom-policy-starterpack)")


def app_ids(app) -> dict[str, str]:
    """Client ids of the seeded IdentityExperienceFramework apps, by display name."""
    with app.app_context():
        rows = db.session.execute(db.select(AppRegistration.name, AppRegistration.client_id)
                                  .where(AppRegistration.name.in_(
                                      ["IdentityExperienceFramework",
                                       "ProxyIdentityExperienceFramework"]))).all()
    return dict(rows)


def prepared(ids: dict[str, str], tenant: str = TENANT) -> dict[str, bytes]:
    """Each LocalAccounts file (by name, without .xml) with the placeholders replaced, as bytes
    (the byte-order mark and line ends kept)."""
    require_starter_pack()
    files = {}
    for name in ORDER:
        text = (LOCAL_ACCOUNTS / f"{name}.xml").read_bytes().decode("utf-8")
        # Proxy... first: the other placeholder is a substring of it.
        text = (text.replace("ProxyIdentityExperienceFrameworkAppId",
                             ids["ProxyIdentityExperienceFramework"])
                .replace("IdentityExperienceFrameworkAppId", ids["IdentityExperienceFramework"])
                .replace("yourtenant.onmicrosoft.com", tenant))
        files[name] = text.encode("utf-8")
    return files


def create_starter_pack_keys(app) -> None:
    """The two containers TrustFrameworkBase references, as the tutorial makes them."""
    from idp.store import policy_keys

    with app.app_context():
        policy_keys.generate_rsa("TokenSigningKeyContainer", "sig")
        policy_keys.generate_rsa("TokenEncryptionKeyContainer", "enc")
        db.session.commit()


def upload_all(app, files: dict[str, bytes]) -> None:
    """Upload the chain through the store, in order (for tests about running it)."""
    from idp.store import custom_policies
    from idp.store.tenant import current_tenant

    with app.app_context():
        for name in ORDER:
            custom_policies.upload(files[name], overwrite=True, tenant=current_tenant())
            db.session.commit()
