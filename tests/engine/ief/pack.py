"""The starter pack for the loader's tests (parse, merge, validate): its files read from
``../shared/ief/starterpack`` (never copied into the project), and small policies of our own
written on top of it.

Without the folder the tests that need it skip, naming it; CI runs with ``B2CLAB_NO_SKIP=1``,
where any skip fails the run (tests/conftest.py).  Engine-only: no app, no database.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from idp.engine.ief.parse import parse_policy

ROOT = Path(__file__).resolve().parents[3]
STARTER_PACK = Path(os.environ.get("B2CLAB_STARTER_PACK",
                                   ROOT.parent / "shared" / "ief" / "starterpack"))
PACKS = ("LocalAccounts", "SocialAccounts", "SocialAndLocalAccounts",
         "SocialAndLocalAccountsWithMfa")
#: each file's base before it, as the tutorial uploads them
ORDER = ("TrustFrameworkBase", "TrustFrameworkLocalization", "TrustFrameworkExtensions",
         "SignUpOrSignin", "ProfileEdit", "PasswordReset")
TENANT = "contoso.onmicrosoft.com"
PROXY_APP_ID = "8f1b2c3d-0000-4000-8000-00000000a001"
IEF_APP_ID = "8f1b2c3d-0000-4000-8000-00000000a002"
#: the key containers TrustFrameworkBase names (and the Facebook secret the social packs name)
KEYS = frozenset({"B2C_1A_TokenSigningKeyContainer", "B2C_1A_TokenEncryptionKeyContainer",
                  "B2C_1A_FacebookSecret"})
NS = "http://schemas.microsoft.com/online/cpim/schemas/2013/06"


def require(pack: str = "LocalAccounts") -> Path:
    folder = STARTER_PACK / pack
    if not folder.is_dir():
        pytest.skip(f"the custom policy starter pack is not at {folder} (set "
                    "B2CLAB_STARTER_PACK to a checkout of Azure-Samples/"
                    "active-directory-b2c-custom-policy-starterpack)")
    return folder


def raw(name: str, pack: str = "LocalAccounts") -> bytes:
    """A starter-pack file as published (placeholders in place)."""
    return (require(pack) / f"{name}.xml").read_bytes()


def prepared(name: str, pack: str = "LocalAccounts") -> str:
    """A starter-pack file with its placeholders replaced, as an attendee uploads it."""
    text = raw(name, pack).decode("utf-8-sig")
    # ProxyIdentityExperienceFrameworkAppId first: the other placeholder is part of it
    return (text.replace("ProxyIdentityExperienceFrameworkAppId", PROXY_APP_ID)
            .replace("IdentityExperienceFrameworkAppId", IEF_APP_ID)
            .replace("yourtenant.onmicrosoft.com", TENANT))


def chain(pack: str = "LocalAccounts", names=ORDER) -> dict:
    """The pack's files, prepared and parsed, by PolicyId."""
    files = {}
    for name in names:
        if (require(pack) / f"{name}.xml").exists():
            policy = parse_policy(prepared(name, pack), tenant=TENANT)
            files[policy.policy_id] = policy
    return files


def policy(policy_id: str, body: str, base: str | None = "B2C_1A_TrustFrameworkExtensions",
           tenant: str = TENANT) -> str:
    """A policy file of our own: ``body`` inside TrustFrameworkPolicy, after its BasePolicy."""
    base_xml = "" if base is None else (f"<BasePolicy><TenantId>{tenant}</TenantId>"
                                        f"<PolicyId>{base}</PolicyId></BasePolicy>")
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<TrustFrameworkPolicy xmlns="{NS}" '
            f'PolicySchemaVersion="0.3.0.0" TenantId="{tenant}" PolicyId="{policy_id}" '
            f'PublicPolicyUri="http://{tenant}/{policy_id}">\n{base_xml}\n{body}\n'
            "</TrustFrameworkPolicy>\n")


def with_file(files: dict, text: str) -> dict:
    """``files`` plus one more (parsed), by PolicyId."""
    parsed = parse_policy(text, tenant=TENANT)
    return {**files, parsed.policy_id: parsed}
