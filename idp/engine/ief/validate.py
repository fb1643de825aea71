"""Upload validation: everything B2C (and this emulator) would refuse in a policy and its chain.

:func:`validate_upload` merges the uploaded file with the policies already in the tenant and
returns every problem found, each precise enough to fix without guessing: a missing base policy
(named), an Id referenced but defined nowhere in the chain (what, and where: the element, file
and line), a key container that does not exist, a relying-party output claim no step produces,
an input claim no earlier step outputs (:mod:`.flow`), anything :mod:`.support` does not list
as running ("... is not supported by this emulator yet"), and last whatever else keeps the
compiler (:mod:`.compile`) from building the journey, so nothing accepted fails at sign-in.
Reference and key checks cover the whole merged policy, as B2C's do; the others cover what a
relying party's journeys can reach (a base may define a Facebook profile that a local-accounts
journey never runs).
"""
from __future__ import annotations

from collections.abc import Collection, Mapping

from . import support as default_support
from .flow import unproduced_inputs, unproduced_outputs
from .merge import merge_chain
from .model import NAMESPACE, MergedPolicy, PolicyError, PolicyFile, PolicyProblem
from .reach import reachable
from .references import NAMED, REFERENCES, reference_value, text_references
from .schema import ELEMENTS as SCHEMA_ELEMENTS

_NS = f"{{{NAMESPACE}}}"
_YET = "is not supported by this emulator yet"


def validate_upload(new: PolicyFile, existing: Mapping[str, PolicyFile],
                    key_containers: Collection[str], support=default_support,
                    ) -> list[PolicyProblem]:
    """Every reason to refuse ``new`` given the tenant's ``existing`` policies (by PolicyId)
    and its policy key ``key_containers``; an empty list means accepted.

    ``support`` is the registry of what runs (:mod:`.support`; tests may pass another).
    """
    files = {p.policy_id.lower(): p for p in existing.values()}
    files[new.policy_id.lower()] = new
    missing = _missing_base(new, files)
    if missing:
        return [missing]
    try:
        merged = merge_chain(files, new.policy_id)
    except PolicyError as error:
        return [PolicyProblem("invalid", error.message, error.where)]
    problems = _undefined(merged) + _missing_keys(merged, key_containers)
    if merged.relying_party is not None and not problems:
        problems += _relying_party(merged)
    if merged.relying_party is not None and not problems:
        problems += (_unsupported(merged, support) + unproduced_outputs(merged)
                     + unproduced_inputs(merged))
    if merged.relying_party is not None and not problems:
        from .compile import compile_problems   # the executor's own refusals, found now
        problems += compile_problems(merged)
    return problems


def _missing_base(new: PolicyFile, files: Mapping[str, PolicyFile]) -> PolicyProblem | None:
    current, seen = new, set()
    while current.base_policy_id and current.policy_id.lower() not in seen:
        seen.add(current.policy_id.lower())
        base = files.get(current.base_policy_id.lower())
        if base is None:
            how = "" if current is new else f" (through '{current.policy_id}')"
            # the first sentence is B2C's (starter pack issue #113), the rest says what to do
            return PolicyProblem(
                "base_missing",
                f"Policy with 'policyId': {current.base_policy_id} cannot be found in the "
                f"directory. Policy '{new.policy_id}' inherits from base policy "
                f"'{current.base_policy_id}'{how}, which has not been uploaded. Upload the "
                f"base policies first: Base, Localization, Extensions, then the relying party.",
                f"BasePolicy of {current.policy_id}")
        current = base
    return None


def _undefined(merged: MergedPolicy) -> list[PolicyProblem]:
    """Each reference whose target the chain does not define, in B2C's words (as quoted in
    public issues, e.g. azure-ad-b2c/samples #53)."""
    defined = {kind: set() for kind in NAMED}   # B2C compares Ids without regard to case
    for kind in NAMED:
        for element in merged.root.iter(f"{_NS}{kind}"):
            if element.get("Id") is not None:
                defined[kind].add(element.get("Id").lower())
    problems, seen = [], set()
    for element, owner in _walk(merged, merged.root, None):
        tag = _local(element.tag)
        targets = [(REFERENCES[(tag, attribute)], element.get(attribute))
                   for t, attribute in REFERENCES if t == tag and element.get(attribute)]
        targets += [(kind, reference_value(holder, attribute))
                    for kind, holder, attribute in text_references(element, tag)]
        for kind, ident in targets:
            if ident.lower() in defined.get(kind, ()) or (kind, ident, owner) in seen:
                continue
            seen.add((kind, ident, owner))
            problems.append(PolicyProblem(
                "undefined",
                f'Policy "{merged.policy_id}" of tenant "{merged.tenant_id}" makes a reference '
                f'to {kind} with id "{ident}" but neither the policy nor any of its base '
                "policies contain such an element.",
                _where(merged, owner, element, f"{tag} '{ident}'")))
    return problems + _exchange_selections(merged)


def _exchange_selections(merged: MergedPolicy) -> list[PolicyProblem]:
    """A ClaimsProviderSelection must name a ClaimsExchange of the same journey."""
    problems = []
    for journey in merged.user_journeys.values():
        exchanges = {x.id for step in journey.steps for x in step.claims_exchanges}
        for step in journey.steps:
            for index, selection in enumerate(step.claims_provider_selections):
                for attribute, value in (
                        ("TargetClaimsExchangeId", selection.target_claims_exchange_id),
                        ("ValidationClaimsExchangeId", selection.validation_claims_exchange_id)):
                    if value and value not in exchanges:
                        element = step.element.findall(
                            f"{_NS}ClaimsProviderSelections/{_NS}ClaimsProviderSelection")[index]
                        problems.append(PolicyProblem(
                            "undefined",
                            f"ClaimsProviderSelection {attribute} '{value}' names no "
                            f"ClaimsExchange of UserJourney '{journey.id}'.",
                            _where(merged, f"UserJourney '{journey.id}', OrchestrationStep "
                                           f"{step.order}", element,
                                   "ClaimsProviderSelection")))
    return problems


def _missing_keys(merged: MergedPolicy, key_containers: Collection[str]) -> list[PolicyProblem]:
    """Each key container the chain names that the tenant lacks, once, in B2C's words (as
    quoted in MicrosoftDocs/azure-docs #27602), with where it is first named."""
    have = {name.lower() for name in key_containers}
    uses: dict[str, list[str]] = {}
    for element, owner in _walk(merged, merged.root, None):
        if _local(element.tag) == "Key" and element.get("StorageReferenceId"):
            name = element.get("StorageReferenceId")
            if name.lower() not in have:
                uses.setdefault(name, []).append(
                    _where(merged, owner, element, f"Key '{element.get('Id')}'"))
    return [PolicyProblem(
        "key_container",
        f'Tenant "{merged.tenant_id}" does not have CryptographicKey referenced by '
        f'storageReferenceId "{name}". Create the key container under Identity Experience '
        "Framework > Policy keys, then upload again.",
        wheres[0] + (f" (and {len(wheres) - 1} more)" if len(wheres) > 1 else ""))
        for name, wheres in uses.items()]


def _relying_party(merged: MergedPolicy) -> list[PolicyProblem]:
    """The relying party names its journey and, in its technical profile, the protocol and
    the claims of the token; the emulator issues OpenID Connect tokens only."""
    party, where = merged.relying_party, f"RelyingParty of {merged.policy_id}"
    problems = []
    if not party.default_user_journey:
        problems.append(PolicyProblem("invalid", "The RelyingParty has no DefaultUserJourney: "
                                      "add <DefaultUserJourney ReferenceId=\"...\" /> naming "
                                      "the user journey apps run.", where))
    profile = party.technical_profile
    if not profile.id:
        problems.append(PolicyProblem("invalid", "The RelyingParty has no TechnicalProfile: "
                                      "add one with <Protocol Name=\"OpenIdConnect\" /> and the "
                                      "OutputClaims the token carries.", where))
    elif profile.protocol_name != "OpenIdConnect":
        problems.append(PolicyProblem(
            "unsupported", f"The relying party's protocol '{profile.protocol_name or '(none)'}' "
                           f"{_YET}: use <Protocol Name=\"OpenIdConnect\" />.",
            f"{where}, TechnicalProfile '{profile.id}'"))
    return problems


def _unsupported(merged: MergedPolicy, support) -> list[PolicyProblem]:
    reach = reachable(merged)
    problems = []

    def refuse(message, where):
        problems.append(PolicyProblem("unsupported", f"{message} {_YET}.", where))

    for ident, profile in merged.technical_profiles.items():   # in document order
        roles = reach.profiles.get(ident)
        if not roles:
            continue
        where = merged.where(f"TechnicalProfile '{ident}'", profile.element)
        name = profile.protocol_name
        if (profile.enabled_for_user_journeys or "").lower().startswith("on") and not any(
                key.lower() == "claimtypeonwhichtoenable" for key in profile.metadata):
            problems.append(PolicyProblem(
                "invalid", f"TechnicalProfile '{ident}' is EnabledForUserJourneys "
                           f"{profile.enabled_for_user_journeys} but has no metadata item "
                           "ClaimTypeOnWhichToEnable naming the claim it depends on.", where))
        if not name:
            problems.append(PolicyProblem("invalid", f"TechnicalProfile '{ident}' has no "
                                          "Protocol (nor an IncludeTechnicalProfile that "
                                          "gives one).", where))
        elif name == "Proprietary":
            handler = support.handler_name(profile.protocol_handler)
            if handler not in support.HANDLERS:
                refuse(f"TechnicalProfile '{ident}' uses the handler '{handler}', which", where)
        elif name == "OpenIdConnect":
            for role in sorted(roles - set(support.OPENID_CONNECT_ROLES)):
                refuse(f"TechnicalProfile '{ident}' uses the OpenIdConnect protocol as "
                       f"{_ROLE_WORDS.get(role, role)}, which", where)
        elif name not in support.PROTOCOLS:
            refuse(f"TechnicalProfile '{ident}' uses the protocol '{name}', which", where)
    for ident in sorted(reach.transformations):
        transformation = merged.transformations.get(ident)
        if transformation and transformation.method not in support.TRANSFORMATION_METHODS:
            refuse(f"ClaimsTransformation '{ident}' uses the TransformationMethod "
                   f"'{transformation.method}', which",
                   merged.where(f"ClaimsTransformation '{ident}'", transformation.element))
    for journey_id in reach.journeys:
        journey = merged.user_journeys[journey_id]
        for step in journey.steps:
            where = merged.where(f"UserJourney '{journey_id}', OrchestrationStep {step.order}",
                                 step.element)
            if step.type not in support.STEP_TYPES:
                refuse(f"OrchestrationStep Type '{step.type}'", where)
            for condition in step.preconditions:
                if condition.type not in support.PRECONDITION_TYPES:
                    refuse(f"Precondition Type '{condition.type}'", where)
    for element, where in reach.elements(merged):
        tag = _local(element.tag)
        if tag in SCHEMA_ELEMENTS and tag not in support.ELEMENTS \
                and tag not in support.IGNORED_ELEMENTS:
            refuse(f"The element <{tag}>", where)
        elif not _allowed_value(element, support.ELEMENT_VALUES.get(tag)):
            refuse(f"<{tag}>{(element.text or '').strip()}</{tag}>", where)
    return _dedupe(problems)


def _allowed_value(element, allowed) -> bool:
    if allowed is None:
        return True
    value = (element.text or "").strip()
    return any(value.lower().startswith(a[:-1].lower()) if a.endswith("*")
               else value.lower() == a.lower() for a in allowed)


_ROLE_WORDS = {"exchange": "an orchestration step (federation with an external OpenID "
                           "Connect provider)",
               "validation": "a validation technical profile",
               "issuer": "the token issuer of a SendClaims step",
               "session": "an SSO session provider"}


def _walk(merged: MergedPolicy, element, owner):
    """Yield (element, owner) for every element: ``owner`` describes the nearest named element
    above it ("TechnicalProfile 'X'", "UserJourney 'J', OrchestrationStep 2")."""
    for child in element:
        if not isinstance(child.tag, str):
            continue
        tag = _local(child.tag)
        here = owner
        if tag in NAMED and child.get("Id"):
            here = f"{tag} '{child.get('Id')}'"
        elif tag == "OrchestrationStep":
            here = f"{owner}, OrchestrationStep {child.get('Order')}"
        elif tag == "RelyingParty":
            here = "RelyingParty"
        yield child, here
        yield from _walk(merged, child, here)


def _where(merged: MergedPolicy, owner: str | None, element, what: str) -> str:
    policy_id, line = merged.origins.get(id(element), (merged.policy_id, None))
    at = f" in {policy_id}" + (f" (line {line})" if line else "")
    return f"{owner}{at}, {what}" if owner else f"{what}{at}"


def _dedupe(problems: list[PolicyProblem]) -> list[PolicyProblem]:
    seen, out = set(), []
    for problem in problems:
        if (problem.message, problem.where) not in seen:
            seen.add((problem.message, problem.where))
            out.append(problem)
    return out


def _local(tag) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""
