"""``labs check|solve`` for lab 07's end-state kinds (``labs.model``): policy key containers,
the starter pack's files uploaded with their placeholders replaced, a claim made by a claims
transformation, and a REST validation step before the account is written.

Solve reads the starter pack from the same folder the browser walk uses (``Download.fixture``,
outside the project: ``../shared/ief/starterpack/LocalAccounts`` from the project's root), and
applies the lab's own edits to it (``labs.files``, the edits the README asks for): what solve
uploads is what the attendee makes.  Without the folder, solve says where to put it.
"""
from __future__ import annotations

from pathlib import Path

import click
from flask import current_app

from labs import files, model

from .engine.ief.model import PolicyError
from .extensions import db
from .models import AppRegistration
from .seed import IEF_APP, PROXY_IEF_APP
from .store import custom_policies, policy_keys
from .store.tenant import current_tenant

ROOT = Path(__file__).resolve().parents[1]
RESTFUL = "Web.TPEngine.Providers.RestfulProvider"
PLACEHOLDERS = ("yourtenant.onmicrosoft.com", "ProxyIdentityExperienceFrameworkAppId",
                "IdentityExperienceFrameworkAppId")


def _fixture(relative: str) -> Path:
    return ROOT.parent / relative


def _client_id(name: str) -> str:
    app = db.session.execute(db.select(AppRegistration).filter_by(name=name)
                             .order_by(AppRegistration.id)).scalars().first()
    if app is None:
        raise click.ClickException(f"No app registration {name}: run labs reset (the seed "
                                   "registers it) or restart B2C Lab.")
    return app.client_id


def values() -> dict[str, str]:
    """What the walk copies from the IEF blade, read from the tenant (``{base}`` too)."""
    return {"tenant_domain": current_tenant().domain, "ief_app_id": _client_id(IEF_APP),
            "proxy_app_id": _client_id(PROXY_IEF_APP),
            "base": current_app.config["IDP_PUBLIC_URL"]}


def prepared_file(item: model.StarterPackPolicy) -> bytes:
    """The starter pack's file with every edit of the lab applied.

    :raise click.ClickException: the folder is absent (saying where it goes), or an edit does
        not apply (the pack changed upstream).
    """
    folder = _fixture(item.fixture)
    path = folder / item.file
    if not path.is_file():
        raise click.ClickException(
            f"Lab 07 needs the custom policy starter pack, not found at {folder}. Download "
            "https://github.com/Azure-Samples/active-directory-b2c-custom-policy-starterpack "
            f"(Code > Download ZIP) and unzip it so that {item.file} is at {path}, then solve "
            "again.")
    raw = path.read_bytes()
    bom = raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    try:
        for edit in item.edits:
            text = files.apply(text, edit, values())
    except files.EditError as problem:
        raise click.ClickException(f"Lab 07: the starter pack at {folder} differs from the one "
                                   f"the lab was written for: {problem}") from None
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


def upload(items) -> None:
    """Upload ``items`` (StarterPackPolicy) in order, overwriting: each file's base first."""
    for item in items:
        try:
            custom_policies.upload(prepared_file(item), overwrite=True, tenant=current_tenant(),
                                   admin="labs solve")
        except custom_policies.UploadRefused as refused:
            problems = "; ".join(p.message for p in refused.problems)
            raise click.ClickException(f"Lab 07: uploading {item.file} was refused: "
                                       f"{refused.headline} {problems}") from None
        db.session.flush()


# --- policy keys -------------------------------------------------------------------------------

def check_key(item: model.PolicyKeyContainer, item_class):
    info = policy_keys.info(item.name)
    usage = "Signature" if item.usage == "sig" else "Encryption"
    return item_class(f"policy key {item.name} (RSA, {usage})",
                      info is not None and info.key_usage == item.usage,
                      f"Identity Experience Framework > Policy keys > + Add: Generate, Name "
                      f"{item.name.removeprefix(policy_keys.PREFIX)}, RSA, {usage}.")


def solve_key(item: model.PolicyKeyContainer) -> None:
    if policy_keys.find(item.name) is not None:  # a key of another usage: make it right
        policy_keys.delete(item.name)
        db.session.flush()
    policy_keys.generate_rsa(item.name.removeprefix(policy_keys.PREFIX), item.usage)


# --- the starter pack's files ------------------------------------------------------------------

def check_policy(item: model.StarterPackPolicy, item_class):
    row = custom_policies.find(item.policy_id)
    left = [p for p in PLACEHOLDERS if row is not None and p in row.xml]
    what = f"custom policy {item.policy_id} uploaded from {item.file}, placeholders replaced"
    if row is not None and left:
        return item_class(what, False, f"{item.file} still contains {', '.join(left)}: replace "
                                       "it (the IEF blade's Getting started lists the values) "
                                       "and upload it again with Overwrite ticked.")
    return item_class(what, row is not None,
                      f"Identity Experience Framework > Custom policies > Upload custom "
                      f"policy: {item.file} (after its base), placeholders replaced.")


def solve_policy(item: model.StarterPackPolicy) -> None:
    upload([item])


def _merged(policy_id: str):
    try:
        return custom_policies.load_merged(policy_id)
    except (LookupError, PolicyError):
        return None


def _rp_claims(merged) -> set[str]:
    if merged is None or merged.relying_party is None:
        return set()
    return {c.claim_type_reference_id.lower()
            for c in merged.relying_party.technical_profile.output_claims}


def check_transformed_claim(item: model.TransformedClaim, item_class):
    merged = _merged(item.policy_id)
    made_by = set()
    if merged is not None:
        made_by = {t.id.lower() for t in merged.transformations.values()
                   if t.method.lower() == item.method.lower()
                   and any(c.claim_type_reference_id.lower() == item.claim.lower()
                           for c in t.output_claims)}
    runs = merged is not None and any(
        ref.lower() in made_by for tp in merged.technical_profiles.values()
        for ref in (*tp.input_claims_transformations, *tp.output_claims_transformations))
    return item_class(f"{item.policy_id} returns {item.claim}, made by a {item.method} claims "
                      "transformation", runs and item.claim.lower() in _rp_claims(merged),
                      f"Paste the {item.claim} snippets into TrustFrameworkExtensions.xml and "
                      "SignUpOrSignin.xml (lab 07's README, or /labs/ief/), then upload both "
                      "with Overwrite ticked.")


def check_rest_validation(item: model.RestValidation, item_class):
    merged = _merged(item.policy_id)
    ok = False
    if merged is not None and item.page in merged.technical_profiles:
        order = [v.reference_id for v in merged.technical_profiles[item.page]
                 .validation_technical_profiles]
        rest = [name for name in order if _is_rest(merged, name, item.path)]
        ok = (bool(rest) and item.before in order
              and order.index(rest[0]) < order.index(item.before)
              and item.claim.lower() in _rp_claims(merged))
    return item_class(f"{item.page} validates with a RESTful profile calling …{item.path} "
                      f"before {item.before}, and {item.policy_id} returns {item.claim}", ok,
                      "Paste the REST snippets into TrustFrameworkExtensions.xml and "
                      "SignUpOrSignin.xml, delete the ValidationTechnicalProfiles lines of "
                      f"{item.page} from TrustFrameworkBase.xml, and upload the three with "
                      "Overwrite ticked (Base first).")


def _is_rest(merged, name: str, path: str) -> bool:
    profile = merged.technical_profiles.get(name)
    if profile is None or RESTFUL not in (profile.protocol_handler or ""):
        return False
    url = next((v for k, v in profile.metadata.items() if k.lower() == "serviceurl"), "")
    return url.strip().split("?")[0].endswith(path)


def solve_uploads(item) -> None:
    upload(item.uploads)


def kinds(item_class) -> dict:
    """``{kind: (check, solve)}`` for ``labs_admin.EXTRA_KINDS``; checks build
    ``item_class`` (labs_admin's ``Item``)."""
    return {
        model.PolicyKeyContainer: (lambda item: check_key(item, item_class), solve_key),
        model.StarterPackPolicy: (lambda item: check_policy(item, item_class), solve_policy),
        model.TransformedClaim: (lambda item: check_transformed_claim(item, item_class),
                                 solve_uploads),
        model.RestValidation: (lambda item: check_rest_validation(item, item_class),
                               solve_uploads),
    }
