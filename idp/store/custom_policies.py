"""Uploaded custom policies (Identity Experience Framework > Custom policies).

A policy is kept as the XML file exactly as uploaded (it downloads back byte for byte); the
engine parses (:mod:`idp.engine.ief.parse`), validates (:mod:`~idp.engine.ief.validate`),
merges (:mod:`~idp.engine.ief.merge`) and compiles (:mod:`~idp.engine.ief.compile`) it.  The
parsed files and compiled policies are cached per process, keyed by each file's ``updated_at``:
they are derived from the rows, never state of their own, so every worker sees the same policy.

Refusals use B2C's words where they are known ("Unable to upload policy. Reason : Validation
failed: ..."), each problem with where it is; the caller shows them and commits nothing.
"""
from __future__ import annotations

import functools
import threading
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from ..engine.ief.model import MergedPolicy, PolicyError, PolicyFile, PolicyProblem
from ..extensions import db
from ..models import CustomPolicy, Tenant
from ..models._base import utcnow
from . import audit, policy_keys

#: B2C's prefix for custom policies (user flows have ``B2C_1_``).
PREFIX = "B2C_1A_"
#: The audit category of policy changes (user flows use it too, b2c-reference §7.2).
CATEGORY = "Policy"


class UploadRefused(Exception):
    """An upload that is not stored: ``headline`` is B2C's sentence, ``problems`` each reason
    (a :class:`PolicyProblem` with ``where``)."""

    def __init__(self, headline: str, problems: list[PolicyProblem]):
        super().__init__(headline)
        self.headline = headline
        self.problems = problems

    def __str__(self) -> str:
        return " ".join([self.headline, *(str(p) for p in self.problems)])


class PolicyInUse(Exception):
    """A delete refused because other policies name this one as their base."""

    def __init__(self, policy_id: str, children: list[str]):
        names = ", ".join(children)
        super().__init__(f"The policy '{policy_id}' cannot be deleted: {names} "
                         f"{'names' if len(children) == 1 else 'name'} it as base policy. "
                         "Delete those first (or upload them with another base).")
        self.children = children


@dataclass(frozen=True)
class PolicySummary:
    """A row of the Custom policies list."""

    policy_id: str
    base_policy_id: str | None
    is_relying_party: bool
    updated_at: Any
    uploaded_at: Any


# --- reading ----------------------------------------------------------------------------------

def find(policy_id: str) -> CustomPolicy | None:
    """The stored policy (PolicyIds match without regard to case, as B2C's URLs do)."""
    return db.session.execute(sa.select(CustomPolicy).filter_by(
        policy_id_key=(policy_id or "").strip().lower())).scalars().first()


def all_policies() -> list[PolicySummary]:
    """Every policy, by PolicyId, each with its base."""
    rows = db.session.execute(sa.select(CustomPolicy).order_by(CustomPolicy.policy_id_key))
    return [PolicySummary(row.policy_id, row.base_policy_id, is_relying_party(row),
                          row.updated_at, row.uploaded_at) for row in rows.scalars()]


def download(policy_id: str) -> bytes | None:
    """The file as uploaded, byte for byte (None when there is no such policy)."""
    row = find(policy_id)
    return None if row is None else row.xml.encode("utf-8")


def merged_xml(policy_id: str) -> str:
    """The policy with its chain merged, as indented XML ("View merged policy").

    :raise PolicyError: a base is missing (named)."""
    from ..engine.ief.merge import merged_xml as merge_to_xml

    return merge_to_xml(stored_files(), policy_id)


def is_relying_party(row: CustomPolicy) -> bool:
    """True for a file with a RelyingParty (one apps can run); False for a stored file this
    version's parser no longer reads (the list still shows it, to download or delete)."""
    try:
        return _parsed(row).has_relying_party
    except PolicyError:
        return False


def stored_files() -> dict[str, PolicyFile]:
    """Every stored file, parsed, by lower-cased PolicyId (merge and validate look up bases
    without regard to case)."""
    rows = db.session.execute(sa.select(CustomPolicy)).scalars()
    return {row.policy_id_key: _parsed(row) for row in rows}


def children_of(policy_id: str) -> list[str]:
    """The policies that name ``policy_id`` as their base."""
    key = policy_id.lower()
    rows = db.session.execute(sa.select(CustomPolicy.policy_id, CustomPolicy.base_policy_id))
    return sorted(pid for pid, base in rows if base and base.lower() == key)


def load_merged(policy_id: str) -> MergedPolicy:
    """The policy with its inheritance chain merged.

    :raise LookupError: no such policy.  :raise PolicyError: the chain cannot be merged (a
        base deleted since, say), with where.
    """
    from ..engine.ief.merge import merge_chain

    files = stored_files()
    if policy_id.lower() not in files:
        raise LookupError(f"The policy '{policy_id}' does not exist.")
    return merge_chain(files, files[policy_id.lower()].policy_id)


@dataclass(frozen=True)
class LoadedPolicy:
    """A policy merged with its chain and, when it has a relying party, compiled
    (``compiled`` is :class:`idp.engine.ief.compile.CompiledPolicy`, None for a base file)."""

    merged: MergedPolicy
    compiled: Any
    #: the chain's files and upload times: a run begun on one version must not go on with
    #: another (its step numbers may mean other steps)
    version: str = ""


def load_compiled(policy_id: str) -> LoadedPolicy | None:
    """The policy a protocol request runs, or None when there is no such policy.  Cached per
    process by the chain's files and their ``updated_at`` (a new upload of any file of the
    chain compiles again).

    :raise PolicyError: the chain cannot be merged (a base deleted since, say).
    :raise ValueError: the compiler refused it (named).
    """
    chain = _chain_key(policy_id.lower(), _versions())
    if chain is None:
        return None
    return _compiled(chain)


# --- writing (the caller commits) ---------------------------------------------------------

def upload(data: bytes, *, overwrite: bool, tenant: Tenant, admin: str | None = None
           ) -> CustomPolicy:
    """Validate and store one policy file; audited as "Upload custom policy".

    :raise UploadRefused: not XML, not a policy of this tenant, a problem the validator
        found (base missing, an Id not defined, a key container missing...), or the policy
        exists and ``overwrite`` is off.
    """
    from ..engine.ief.parse import parse_policy
    from ..engine.ief.validate import validate_upload

    try:
        # The tenant check (TenantId and BasePolicy TenantId, the starter pack's
        # ``yourtenant`` placeholder) and the B2C_1A_ prefix are the parser's.
        new = parse_policy(data, tenant=tenant.domain)
    except PolicyError as error:
        raise UploadRefused("Unable to upload policy. Reason : The file is not a valid policy "
                            "for this tenant.",
                            [PolicyProblem("invalid", error.message, _where(error))]) from None
    text = _decode(data)
    existing = find(new.policy_id)
    if existing is not None and not overwrite:
        # B2C's exact wording for this refusal is unverified: ours names the policy and the box.
        raise UploadRefused(
            f"Unable to upload policy. Reason : The policy '{existing.policy_id}' already "
            f"exists in tenant '{tenant.domain}'.",
            [PolicyProblem("exists", "Tick \"Overwrite the custom policy if it already "
                                     "exists\" to replace it, or change the PolicyId.")])
    others = {k: f for k, f in stored_files().items() if k != new.policy_id.lower()}
    problems = validate_upload(new, others, policy_keys.container_names())
    if problems:
        raise UploadRefused(
            f"Unable to upload policy. Reason : Validation failed: {len(problems)} validation "
            f"error(s) found in policy \"{new.policy_id.upper()}\" of tenant "
            f"\"{tenant.domain}\".", problems)
    row = existing or CustomPolicy(policy_id_key=new.policy_id.lower())
    row.policy_id, row.base_policy_id, row.xml = new.policy_id, new.base_policy_id, text
    row.updated_at = utcnow()
    if existing is None:
        db.session.add(row)
    db.session.flush()
    audit.record("Upload custom policy", category=CATEGORY, initiated_by_admin=admin,
                 policy=new.policy_id, basePolicy=new.base_policy_id,
                 overwritten=existing is not None)
    return row


def delete(policy_id: str, *, admin: str | None = None) -> str:
    """Delete the policy; returns its PolicyId as stored.

    :raise LookupError: no such policy.  :raise PolicyInUse: another policy names it as base.
    """
    row = find(policy_id)
    if row is None:
        raise LookupError(f"The policy '{policy_id}' does not exist.")
    children = children_of(row.policy_id)
    if children:
        raise PolicyInUse(row.policy_id, children)
    db.session.delete(row)
    db.session.flush()
    audit.record("Delete custom policy", category=CATEGORY, initiated_by_admin=admin,
                 policy=row.policy_id)
    return row.policy_id


# --- internals --------------------------------------------------------------------------------

def _decode(data: bytes) -> str:
    """The text stored: UTF-8 (a byte-order mark is kept, so download gives the same bytes).

    Choice: only UTF-8 is accepted (every starter pack file is UTF-8); other encodings are
    refused with what to do rather than stored in a form that would not download unchanged."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise UploadRefused("Unable to upload policy. Reason : The file is not UTF-8 text.", [
            PolicyProblem("invalid", f"Byte {error.start} cannot be read as UTF-8. Save the "
                                     "file as UTF-8 and upload it again.")]) from None


def _where(error: PolicyError) -> str | None:
    if error.line and error.where:
        return f"{error.where}, line {error.line}"
    return error.where or (f"line {error.line}" if error.line else None)


_LOCK = threading.Lock()
_PARSED: dict[tuple[str, Any], PolicyFile] = {}


def _parsed(row: CustomPolicy) -> PolicyFile:
    """The row's file, parsed once per process and version (the rows are the truth)."""
    from ..engine.ief.parse import parse_policy

    key = (row.policy_id_key, row.updated_at)
    with _LOCK:
        cached = _PARSED.get(key)
    if cached is None:
        cached = parse_policy(row.xml.encode("utf-8"))
        with _LOCK:
            for old in [k for k in _PARSED if k[0] == row.policy_id_key]:
                del _PARSED[old]  # a newer upload replaced it
            _PARSED[key] = cached
    return cached


def _versions() -> dict[str, tuple[str | None, Any]]:
    """lower-cased PolicyId -> (lower-cased base PolicyId, updated_at), one small query."""
    rows = db.session.execute(sa.select(CustomPolicy.policy_id_key, CustomPolicy.base_policy_id,
                                        CustomPolicy.updated_at))
    return {key: ((base or "").lower() or None, updated) for key, base, updated in rows}


def _chain_key(key: str, versions: dict) -> tuple | None:
    """((policy, updated_at), ... base last) for the chain of ``key``; None if it is absent.
    A missing base ends the chain early: merging then says which one is missing."""
    if key not in versions:
        return None
    chain, seen = [], set()
    while key in versions and key not in seen:
        seen.add(key)
        base, updated = versions[key]
        chain.append((key, updated))
        if base is None:
            break
        key = base
    return tuple(chain)


@functools.lru_cache(maxsize=32)
def _compiled(chain: tuple) -> LoadedPolicy:
    from ..engine.ief.compile import compile_policy
    from ..engine.ief.merge import merge_chain

    files = stored_files()
    merged = merge_chain(files, files[chain[0][0]].policy_id)
    version = " ".join(f"{key}@{updated.isoformat()}" for key, updated in chain)
    if merged.relying_party is None:
        return LoadedPolicy(merged, None, version)
    return LoadedPolicy(merged, compile_policy(merged), version)
