"""Claims transformations (``<ClaimsTransformation TransformationMethod=...>``) over the bag.

:func:`apply` gives a method (:mod:`.methods`) its input claims and input parameters by the
names Microsoft's reference gives them (``TransformationClaimType``: ``inputClaim1``, ``item``,
``collection``...; parameter Ids: ``toCase``, ``stringFormat``...) and writes its output claims
back under the policy's claim names; :func:`apply_all` chains a profile's list.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from .methods import (ASSERTION_MESSAGES, METHODS, SIGNATURES, AssertionFailed, Env, Method,
                      TransformationError, format_string, iso_utc, parse_datetime)
from .model import ClaimsTransformation

__all__ = ["ASSERTION_MESSAGES", "METHODS", "Applied", "AssertionFailed", "Env", "Method",
           "TransformationError", "apply", "apply_all", "check", "format_string", "iso_utc",
           "parse_datetime"]


def _canonical(name: str, known: tuple[str, ...]) -> str:
    """``name`` spelled as the reference spells it (matched without regard to case: our
    choice, so a policy B2C might accept is not refused on case alone)."""
    return next((k for k in known if k.lower() == name.lower()), name)


def check(transformation: ClaimsTransformation) -> list[str]:
    """What is wrong with ``transformation``'s claims and parameters for its method, each as
    a sentence naming what its method takes instead (empty when it is right)."""
    signature = SIGNATURES.get(transformation.method)
    if signature is None:
        return [f"The claims transformation method '{transformation.method}' is not supported "
                "by this emulator yet."]
    inputs, params, outputs = signature
    problems = []
    for kind, names, known in (
            ("input claim", [c.transformation_claim_type for c in transformation.input_claims],
             inputs),
            ("input parameter", [p.id for p in transformation.input_parameters], params),
            ("output claim", [c.transformation_claim_type for c in transformation.output_claims],
             outputs)):
        for name in names:
            if _canonical(name, known) not in known:
                expected = ", ".join(known) if known else "none"
                problems.append(f"{transformation.method} has no {kind} '{name}' (it takes: "
                                f"{expected}).")
    return problems


@dataclass
class Applied:
    """What :func:`apply` did: the claims to write (``None`` = null the claim), or why the
    transformation did not run."""

    claims: dict[str, Any]
    skipped: str | None = None


def apply(transformation: ClaimsTransformation, bag: Mapping[str, Any], env: Env) -> Applied:
    """Run ``transformation`` over ``bag``; return the claims it produces.

    An input claim with no value is left out of the method's inputs; when a method needs it,
    the transformation does not run (our choice: B2C documents this only for the optional
    ``collection`` of AddItemToStringCollection and for DoesClaimExist).

    :raise AssertionFailed: an Assert method refused the claims.
    :raise TransformationError: a parameter the method cannot use (named).
    """
    method = METHODS.get(transformation.method)
    if method is None:
        raise TransformationError(f"The claims transformation method "
                                  f"'{transformation.method}' (claims transformation "
                                  f"'{transformation.id}') is not supported by this emulator "
                                  f"yet.")
    known_inputs, known_params, known_outputs = SIGNATURES.get(transformation.method,
                                                               ((), (), ()))
    inputs = {_canonical(c.transformation_claim_type, known_inputs): bag[c.claim_type_reference_id]
              for c in transformation.input_claims
              if bag.get(c.claim_type_reference_id) not in (None, "", [])}
    missing = [name for name in method.required if name not in inputs]
    if missing:
        claims = [c.claim_type_reference_id for c in transformation.input_claims
                  if c.transformation_claim_type in missing] or missing
        return Applied({}, skipped=f"{transformation.id} not run: no value for "
                                   f"{', '.join(claims)}")
    params = {_canonical(p.id, known_params): p.value for p in transformation.input_parameters}
    env = Env(env.now, env.resolve, transformation.id)
    produced = method.run(inputs, params, env)
    return Applied({c.claim_type_reference_id: produced[name]
                    for c in transformation.output_claims
                    if (name := _canonical(c.transformation_claim_type, known_outputs))
                    in produced})


def apply_all(ids, transformations: Mapping[str, ClaimsTransformation], bag: Mapping[str, Any],
              env: Env, notes: list[str] | None = None) -> dict[str, Any]:
    """Run the transformations ``ids`` in order, each seeing the claims the earlier ones made;
    return every claim they produced.  Skips are added to ``notes``."""
    working = dict(bag)
    produced: dict[str, Any] = {}
    for transformation_id in ids:
        result = apply(transformations[transformation_id], working, env)
        if result.skipped and notes is not None:
            notes.append(result.skipped)
        working.update(result.claims)
        produced.update(result.claims)
    return produced
