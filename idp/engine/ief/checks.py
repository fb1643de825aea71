"""Checks a compiled journey must pass beyond its shape, refused as B2C refuses them at upload:
a RESTful profile without authentication in production, and claims transformations whose
claims or parameters are not the ones their method takes.

:raise PolicyError: naming the profile or transformation.
"""
from __future__ import annotations

from .model import MergedPolicy, PolicyError, TechnicalProfileDef
from .runtime import handler_kind
from .transformations import check


def used_profiles(merged: MergedPolicy, profiles) -> list[TechnicalProfileDef]:
    """The IEF profiles a journey's steps run, with their validation profiles."""
    used = []
    for profile in profiles:
        tp = profile.metadata.get("ief") or profile.metadata.get("page")
        if tp is None or tp in used:
            continue
        used.append(tp)
        used.extend(merged.technical_profiles[ref.reference_id]
                    for ref in tp.validation_technical_profiles
                    if ref.reference_id in merged.technical_profiles)
    return used


def check_insecure_restful(merged: MergedPolicy, used, where: str) -> None:
    """B2C refuses a RESTful profile with AuthenticationType None in production (the
    policy's DeploymentMode, Production unless it says Development) unless its metadata sets
    AllowInsecureAuthInProduction to true, as Microsoft's samples do for development."""
    if (merged.root is not None
            and (merged.root.get("DeploymentMode") or "").lower() == "development"):
        return
    for tp in used:
        meta = {k.lower(): v.strip().lower() for k, v in tp.metadata.items()}
        if handler_kind(tp) == "IefRestful" \
                and meta.get("authenticationtype", "none") == "none" \
                and meta.get("allowinsecureauthinproduction") != "true":
            raise PolicyError(
                f"The RESTful technical profile '{tp.id}' uses AuthenticationType None, which "
                "B2C allows in production only when its metadata sets "
                "AllowInsecureAuthInProduction to true (or the policy's DeploymentMode is "
                "Development). Prefer Basic, Bearer or ApiKeyHeader.",
                f"{where}, TechnicalProfile '{tp.id}'")


def check_transformations(merged: MergedPolicy, used) -> None:
    """Each claims transformation the profiles run takes the claims and parameters its method
    names (a typo in a TransformationClaimType would otherwise skip it silently)."""
    for tp in used:
        for ident in (*tp.input_claims_transformations, *tp.output_claims_transformations):
            transformation = merged.transformations.get(ident)
            if transformation is None:
                raise PolicyError(f"The claims transformation '{ident}' is not defined in the "
                                  "policy or its base policies.", f"TechnicalProfile '{tp.id}'")
            problems = check(transformation)
            if problems:
                raise PolicyError(" ".join(problems), f"ClaimsTransformation '{ident}'")
