"""The claims transformation methods (``TransformationMethod``), each with its input claims,
input parameters and output claims named as Microsoft's reference names them
(string-transformations, stringcollection-transformations, boolean-transformations,
date-transformations, general-transformations in the Azure AD B2C custom policy reference).

A method is ``run(inputs, params, env) -> outputs``, all by those names; :mod:`.transformations`
maps them to and from the policy's claims.  Bag values keep JSON types: strings,
``True``/``False``, ints, lists for ``stringCollection``, ``dateTime`` as ISO 8601 text in UTC
(``2026-11-22T01:32:46Z``); ``None`` sets a claim to null (NullClaim).
"""
from __future__ import annotations

import base64
import datetime as dt
import random
import re
import secrets
import uuid
from dataclasses import dataclass
from typing import Any, Callable, Mapping

#: the B2C string ids of the assertions' refusals and their default texts (the custom policy
#: reference's "Claims transformations error messages"); a page may override them
ASSERTION_MESSAGES = {
    "UserMessageIfClaimsTransformationBooleanValueIsNotEqual":
        'Boolean claim value comparison failed for claim type "inputClaim".',
    "DateTimeGreaterThan":
        "Claim value comparison failed: The provided left operand is greater than the right "
        "operand.",
    "UserMessageIfClaimsTransformationStringsAreNotEqual":
        'Claim value comparison failed using StringComparison "OrdinalIgnoreCase".',
}


class AssertionFailed(Exception):
    """An ``Assert...`` method refused the claims: the page shows ``string_id``'s text."""

    def __init__(self, string_id: str, transformation: str) -> None:
        super().__init__(ASSERTION_MESSAGES[string_id])
        self.string_id = string_id
        self.message = ASSERTION_MESSAGES[string_id]
        self.transformation = transformation


class TransformationError(Exception):
    """The policy asked for something the method cannot do (a bad parameter value...):
    ``message`` names the transformation and what to fix."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Method:
    """One TransformationMethod: ``run(inputs, params, env) -> outputs``; inputs in
    ``required`` must have a value, or the transformation does not run."""

    run: Callable[[dict, dict, "Env"], dict]
    required: tuple[str, ...] = ()


@dataclass(frozen=True)
class Env:
    """What a method may need beyond its claims: the time, and claim resolvers
    (``{RelyingPartyTenantId}``...) for parameter values."""

    now: float
    resolve: Callable[[str], str] = lambda value: value
    transformation: str = ""


# -- helpers ----------------------------------------------------------------------------------

def _bool(value: Any, name: str, env: Env) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "false"):
        return text == "true"
    raise TransformationError(f"Claims transformation '{env.transformation}': {name} must be "
                              f"true or false, not '{value}'.")


def _int(value: Any, name: str, env: Env) -> int:
    try:
        return int(str(value).strip())
    except ValueError:
        raise TransformationError(f"Claims transformation '{env.transformation}': {name} must be "
                                  f"a whole number, not '{value}'.") from None


def _param(params: Mapping[str, Any], name: str, env: Env) -> str:
    if name not in params:
        raise TransformationError(f"Claims transformation '{env.transformation}' needs the "
                                  f"input parameter '{name}'.")
    return params[name]


_FORMAT_RE = re.compile(r"\{\{|\}\}|\{(\d+)\}")


def format_string(template: str, *args: Any) -> str:
    """C#'s ``String.Format`` for ``{0}``... with ``{{``/``}}`` escapes; other braces (claim
    resolvers already resolved) are left as they are."""
    def replace(match: re.Match) -> str:
        if match.group(0) in ("{{", "}}"):
            return match.group(0)[0]
        index = int(match.group(1))
        if index >= len(args):
            raise IndexError(index)
        value = args[index]
        return ("True" if value else "False") if isinstance(value, bool) else str(value)
    return _FORMAT_RE.sub(replace, template)


def _format(template: str, args: tuple, env: Env) -> str:
    try:
        return format_string(env.resolve(template), *args)
    except IndexError as index:
        raise TransformationError(f"Claims transformation '{env.transformation}': the string "
                                  f"format '{template}' uses {{{index}}} but only "
                                  f"{len(args)} value(s) are given.") from None


def iso_utc(moment: dt.datetime) -> str:
    """A dateTime claim's text: ISO 8601 in UTC, whole seconds, ``Z``."""
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


_FRACTION_RE = re.compile(r"(\.\d{6})\d+")


def parse_datetime(value: Any) -> dt.datetime | None:
    """An ISO 8601 date/time (``Z``, an offset, or none = UTC; up to 7 fraction digits as .NET
    writes them), or None when it is not one."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return dt.datetime.fromtimestamp(value, dt.timezone.utc)
    text = _FRACTION_RE.sub(r"\1", str(value).strip())
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def _equal(a: Any, b: Any, ignore_case: bool) -> bool:
    a, b = str(a), str(b)
    return a.casefold() == b.casefold() if ignore_case else a == b


def _operator(params, env: Env) -> bool:
    """True for ``EQUAL``, False for ``NOT EQUAL`` (any case, as the reference's examples mix)."""
    value = " ".join(str(_param(params, "operator", env)).upper().split())
    if value not in ("EQUAL", "NOT EQUAL"):
        raise TransformationError(f"Claims transformation '{env.transformation}': operator "
                                  f"must be EQUAL or NOT EQUAL, not '{params['operator']}'.")
    return value == "EQUAL"


# -- the methods ------------------------------------------------------------------------------

def _change_case(inputs, params, env):
    to_case = str(_param(params, "toCase", env)).upper()
    if to_case not in ("LOWER", "UPPER"):
        raise TransformationError(f"Claims transformation '{env.transformation}': toCase must "
                                  f"be LOWER or UPPER, not '{params['toCase']}'.")
    value = str(inputs["inputClaim1"])
    return {"outputClaim": value.lower() if to_case == "LOWER" else value.upper()}


def _compare_claims(inputs, params, env):
    same = _equal(inputs["inputClaim1"], inputs["inputClaim2"],
                  _bool(params.get("ignoreCase", "false"), "ignoreCase", env))
    return {"outputClaim": same if _operator(params, env) else not same}


def _compare_claim_to_value(inputs, params, env):
    same = _equal(inputs["inputClaim1"], env.resolve(_param(params, "compareTo", env)),
                  _bool(params.get("ignoreCase", "false"), "ignoreCase", env))
    return {"outputClaim": same if _operator(params, env) else not same}


def _create_random_string(inputs, params, env):
    kind = str(_param(params, "randomGeneratorType", env)).upper()
    if kind == "GUID":
        value: Any = str(uuid.uuid4())
    elif kind == "INTEGER":
        # .NET's Random.Next(max): 0 <= n < max; without a maximum, up to int.MaxValue.
        maximum = _int(params.get("maximumNumber", 2**31 - 1), "maximumNumber", env)
        if maximum < 1:
            raise TransformationError(f"Claims transformation '{env.transformation}': "
                                      "maximumNumber must be at least 1.")
        if "seed" in params:  # the same seed gives the same number, as the reference says
            value = random.Random(_int(params["seed"], "seed", env)).randrange(maximum)
        else:
            value = secrets.randbelow(maximum)
    else:
        raise TransformationError(f"Claims transformation '{env.transformation}': "
                                  f"randomGeneratorType must be GUID or INTEGER, not "
                                  f"'{params['randomGeneratorType']}'.")
    text = _format(params["stringFormat"], (value,), env) if params.get("stringFormat") \
        else str(value)
    if _bool(params.get("base64", "false"), "base64", env):
        text = base64.b64encode(text.encode("utf-8")).decode("ascii")
    return {"outputClaim": text}


def _assert_boolean(inputs, params, env):
    expected = _bool(_param(params, "valueToCompareTo", env), "valueToCompareTo", env)
    value = inputs.get("inputClaim")
    # A missing claim fails the assertion (our choice: B2C does not document it; failing
    # closed keeps a disabled account from resetting its password).
    if value is None or _bool(value, "inputClaim", env) != expected:
        raise AssertionFailed("UserMessageIfClaimsTransformationBooleanValueIsNotEqual",
                              env.transformation)
    return {}


def _assert_date_time_is_greater_than(inputs, params, env):
    """leftOperand must be later than rightOperand.  The two boolean parameters say whether
    the assertion *passes* when the operands are equal / the right one is missing, as the
    reference's table words them (the starter pack: equal within 5 minutes fails, a missing
    right operand passes)."""
    refuse = AssertionFailed("DateTimeGreaterThan", env.transformation)
    left = parse_datetime(inputs["leftOperand"]) if inputs.get("leftOperand") else None
    if left is None:
        raise refuse
    right = parse_datetime(inputs["rightOperand"]) if inputs.get("rightOperand") else None
    if right is None:
        if not _bool(params.get("AssertIfRightOperandIsNotPresent", "false"),
                     "AssertIfRightOperandIsNotPresent", env):
            raise refuse
        return {}
    tolerance = _int(params.get("TreatAsEqualIfWithinMillseconds", 0),
                     "TreatAsEqualIfWithinMillseconds", env)
    difference_ms = (left - right).total_seconds() * 1000
    if abs(difference_ms) <= tolerance:
        if not _bool(params.get("AssertIfEqualTo", "false"), "AssertIfEqualTo", env):
            raise refuse
        return {}
    if difference_ms < 0:
        raise refuse
    return {}


def _assert_strings_equal(inputs, params, env):
    comparison = str(params.get("stringComparison", "Ordinal")).lower()
    if comparison not in ("ordinal", "ordinalignorecase"):
        raise TransformationError(f"Claims transformation '{env.transformation}': "
                                  "stringComparison must be Ordinal or OrdinalIgnoreCase.")
    if not _equal(inputs["inputClaim1"], inputs["inputClaim2"],
                  comparison == "ordinalignorecase"):
        raise AssertionFailed("UserMessageIfClaimsTransformationStringsAreNotEqual",
                              env.transformation)
    return {}


def _add_item(inputs, params, env):
    collection = list(inputs.get("collection") or [])
    return {"collection": collection + [str(inputs["item"])]}


def _add_parameter(inputs, params, env):
    collection = list(inputs.get("collection") or [])
    return {"collection": collection + [env.resolve(str(_param(params, "item", env)))]}


def _boolean_op(op):
    def run(inputs, params, env):
        return {"outputClaim": op(_bool(inputs["inputClaim1"], "inputClaim1", env),
                                  _bool(inputs["inputClaim2"], "inputClaim2", env))}
    return run


METHODS: dict[str, Method] = {
    "ChangeCase": Method(_change_case, ("inputClaim1",)),
    "CreateStringClaim": Method(
        lambda i, p, env: {"createdClaim": env.resolve(str(_param(p, "value", env)))}),
    "CompareClaims": Method(_compare_claims, ("inputClaim1", "inputClaim2")),
    "CompareClaimToValue": Method(_compare_claim_to_value, ("inputClaim1",)),
    "CreateRandomString": Method(_create_random_string),
    "FormatStringClaim": Method(
        lambda i, p, env: {"outputClaim": _format(_param(p, "stringFormat", env),
                                                  (i["inputClaim"],), env)}, ("inputClaim",)),
    "FormatStringMultipleClaims": Method(
        lambda i, p, env: {"outputClaim": _format(_param(p, "stringFormat", env),
                                                  (i.get("inputClaim1", ""),
                                                   i.get("inputClaim2", "")), env)}),
    "CopyClaim": Method(lambda i, p, env: {"outputClaim": i["inputClaim"]}, ("inputClaim",)),
    "AddItemToStringCollection": Method(_add_item, ("item",)),
    "AddParameterToStringCollection": Method(_add_parameter),
    "GetCurrentDateTime": Method(
        lambda i, p, env: {"currentDateTime": iso_utc(dt.datetime.fromtimestamp(
            env.now, dt.timezone.utc))}),
    "NullClaim": Method(lambda i, p, env: {"claim_to_null": None}),
    "DoesClaimExist": Method(
        lambda i, p, env: {"outputClaim": i.get("inputClaim") not in (None, "", [])}),
    "AssertBooleanClaimIsEqualToValue": Method(_assert_boolean),
    "AssertDateTimeIsGreaterThan": Method(_assert_date_time_is_greater_than),
    "AssertStringClaimsAreEqual": Method(_assert_strings_equal, ("inputClaim1", "inputClaim2")),
    "CompareBooleanClaimToValue": Method(
        lambda i, p, env: {"compareResult": _bool(i["inputClaim"], "inputClaim", env) == _bool(
            _param(p, "valueToCompareTo", env), "valueToCompareTo", env)}, ("inputClaim",)),
    "AndClaims": Method(_boolean_op(lambda a, b: a and b), ("inputClaim1", "inputClaim2")),
    "OrClaims": Method(_boolean_op(lambda a, b: a or b), ("inputClaim1", "inputClaim2")),
    "NotClaims": Method(lambda i, p, env: {"outputClaim": not _bool(i["inputClaim"],
                                                                    "inputClaim", env)},
                        ("inputClaim",)),
}
"""Every TransformationMethod this emulator runs (support.py lists these names)."""

#: each method's TransformationClaimTypes and InputParameter Ids, as the reference names them:
#: (input claims, input parameters, output claims)
SIGNATURES: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "ChangeCase": (("inputClaim1",), ("toCase",), ("outputClaim",)),
    "CreateStringClaim": ((), ("value",), ("createdClaim",)),
    "CompareClaims": (("inputClaim1", "inputClaim2"), ("operator", "ignoreCase"),
                      ("outputClaim",)),
    "CompareClaimToValue": (("inputClaim1",), ("compareTo", "operator", "ignoreCase"),
                            ("outputClaim",)),
    "CreateRandomString": ((), ("randomGeneratorType", "stringFormat", "base64",
                                "maximumNumber", "seed"), ("outputClaim",)),
    "FormatStringClaim": (("inputClaim",), ("stringFormat",), ("outputClaim",)),
    "FormatStringMultipleClaims": (("inputClaim1", "inputClaim2"), ("stringFormat",),
                                   ("outputClaim",)),
    "CopyClaim": (("inputClaim",), (), ("outputClaim",)),
    "AddItemToStringCollection": (("item", "collection"), (), ("collection",)),
    "AddParameterToStringCollection": (("collection",), ("item",), ("collection",)),
    "GetCurrentDateTime": ((), (), ("currentDateTime",)),
    "NullClaim": ((), (), ("claim_to_null",)),
    "DoesClaimExist": (("inputClaim",), (), ("outputClaim",)),
    "AssertBooleanClaimIsEqualToValue": (("inputClaim",), ("valueToCompareTo",), ()),
    "AssertDateTimeIsGreaterThan": (("leftOperand", "rightOperand"),
                                    ("AssertIfEqualTo", "AssertIfRightOperandIsNotPresent",
                                     "TreatAsEqualIfWithinMillseconds"), ()),
    "AssertStringClaimsAreEqual": (("inputClaim1", "inputClaim2"), ("stringComparison",), ()),
    "CompareBooleanClaimToValue": (("inputClaim",), ("valueToCompareTo",), ("compareResult",)),
    "AndClaims": (("inputClaim1", "inputClaim2"), (), ("outputClaim",)),
    "OrClaims": (("inputClaim1", "inputClaim2"), (), ("outputClaim",)),
    "NotClaims": (("inputClaim",), (), ("outputClaim",)),
}
