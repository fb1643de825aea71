"""Compiling a merged custom policy into the engine's :class:`~idp.engine.journey.Journey`, the
same class user flows compile to, run by the same :func:`~idp.engine.journey.advance`.

- Each orchestration step becomes an :class:`~idp.engine.journey.OrchestrationStep` with its
  claims exchanges and preconditions (ClaimsExist, ClaimEquals; SkipThisOrchestrationStep).
  A ClaimsProviderSelection with one choice selects it without a page (our choice: B2C's
  picker with a single button is not documented as skipped).
- Each technical profile a step runs becomes a :class:`~idp.engine.journey.TechnicalProfile`
  whose ``handler`` names its protocol in :mod:`.handlers` (``IefSelfAsserted``, ``IefAad``,
  ``IefRestful``...) and whose metadata keeps the IEF definition (``ief``) and the policy's
  building blocks (``runtime``).  A self-asserted profile is shaped as the user-flow pages are
  (fields as :class:`~idp.engine.journey.ClaimRef`, page metadata), so the same
  :class:`~idp.engine.self_asserted.SelfAsserted` page and templates draw it.
- A profile whose session management is ``DefaultSSOSessionProvider`` (``SM-AAD``) is skipped
  when the run has an SSO session, as user flows' sign-in page is.
- Content definitions choose the page template (``unifiedssp`` or ``selfasserted``) and bring
  their localized resources (:class:`~idp.engine.languages.LanguageSettings` overrides).

:raise PolicyError: for what this emulator cannot run (named, "not supported ... yet").
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from ..journey import (ClaimRef, Journey, OrchestrationStep, Precondition, RelyingParty,
                       TechnicalProfile)
from ..languages import LanguageSettings
from .model import (MergedPolicy, PolicyError, PolicyProblem, PreconditionDef,
                    TechnicalProfileDef)
from .pages import page_profile
from .checks import check_insecure_restful, check_transformations, used_profiles
from .runtime import PolicyRuntime, handler_kind

STEP_TYPES = ("ClaimsExchange", "CombinedSignInAndSignUp", "ClaimsProviderSelection",
              "SendClaims")
PRECONDITION_TYPES = ("ClaimsExist", "ClaimEquals")
JWT_ISSUER = "JwtIssuer"


@dataclass(frozen=True)
class CompiledPolicy:
    """A relying-party policy ready to run: ``journey`` (its DefaultUserJourney),
    ``refresh_journey`` (the ``Token`` endpoint's journey, if any), the building blocks the
    handlers read (``runtime``), the token issuer's profile and its signing key container."""

    policy_id: str
    journey: Journey
    runtime: PolicyRuntime
    issuer_profile: TechnicalProfileDef | None = None
    signing_key_container: str | None = None
    refresh_journey: Journey | None = None
    #: content definition id -> page contract (unifiedssp, selfasserted...)
    page_contracts: Mapping[str, str] = field(default_factory=dict)


def _precondition(pre: PreconditionDef, where: str) -> Precondition:
    if pre.type not in PRECONDITION_TYPES:
        raise PolicyError(f"The precondition type '{pre.type}' is not supported by this "
                          f"emulator yet (it runs ClaimsExist and ClaimEquals).", where)
    if pre.action != "SkipThisOrchestrationStep":
        raise PolicyError(f"The precondition action '{pre.action}' is not supported here: an "
                          "orchestration step's precondition skips the step "
                          "(SkipThisOrchestrationStep).", where)
    needed = 1 if pre.type == "ClaimsExist" else 2
    if len(pre.values) < needed:
        raise PolicyError(f"A {pre.type} precondition needs {needed} Value element(s).", where)
    return Precondition(pre.type, tuple(pre.values[:needed]), pre.execute_actions_if)


def _session_skippable(tp: TechnicalProfileDef, merged: MergedPolicy) -> bool:
    session = merged.technical_profiles.get(tp.use_technical_profile_for_session_management or "")
    return session is not None and handler_kind(session) == "SessionDefault"


def _profile(tp: TechnicalProfileDef, merged: MergedPolicy, runtime: PolicyRuntime,
             content_definition: str | None, targets: tuple[str, ...],
             where: str) -> TechnicalProfile:
    kind = handler_kind(tp)
    where = f"{where}, TechnicalProfile '{tp.id}'"
    if kind is None or kind.startswith("Session"):
        protocol = (tp.protocol_handler or "").split(",")[0].strip() or tp.protocol_name
        raise PolicyError(f"The protocol '{protocol}' of technical profile '{tp.id}' is not "
                          "supported by this emulator yet as an orchestration step.", where)
    if kind == "IefSelfAsserted":
        return page_profile(tp, runtime, content_definition, targets, where,
                            sso_skippable=_session_skippable(tp, merged))
    return TechnicalProfile(
        tp.id, kind, tp.display_name or tp.id, metadata={"ief": tp, "runtime": runtime},
        input_claims=tuple(ClaimRef(runtime.claim(c.claim_type_reference_id), required=False)
                           for c in tp.input_claims),
        output_claims=tuple(ClaimRef(runtime.claim(c.claim_type_reference_id), required=False)
                            for c in tp.output_claims),
        sso_skippable=_session_skippable(tp, merged))


def _technical_profile(merged: MergedPolicy, profile_id: str, where: str) -> TechnicalProfileDef:
    tp = merged.technical_profiles.get(profile_id)
    if tp is None:
        raise PolicyError(f"The technical profile '{profile_id}' is not defined in the policy "
                          "or its base policies.", where)
    return tp


def compile_journey(merged: MergedPolicy, journey_id: str, runtime: PolicyRuntime) -> Journey:
    """The user journey ``journey_id`` of ``merged`` as a :class:`Journey`."""
    definition = merged.user_journeys.get(journey_id)
    if definition is None:
        raise PolicyError(f"The user journey '{journey_id}' is not defined in the policy or its "
                          "base policies.", "RelyingParty DefaultUserJourney")
    profiles: dict[str, TechnicalProfile] = {}
    steps = []
    for step in definition.steps:
        where = f"UserJourney '{journey_id}', OrchestrationStep {step.order}"
        if step.type not in STEP_TYPES:
            raise PolicyError(f"The orchestration step type '{step.type}' is not supported by "
                              "this emulator yet.", where)
        preconditions = tuple(_precondition(p, where) for p in step.preconditions)
        targets = tuple(s.target_claims_exchange_id for s in step.claims_provider_selections
                        if s.target_claims_exchange_id)
        exchanges: list[tuple[str, str]] = []
        if step.type == "SendClaims":
            issuer = (step.cpim_issuer_technical_profile_reference_id
                      or definition.default_cpim_issuer_technical_profile_reference_id
                      or JWT_ISSUER)
            tp = _technical_profile(merged, issuer, where)
            profiles[tp.id] = TechnicalProfile(tp.id, "JwtIssuer", tp.display_name,
                                               metadata={"ief": tp, "runtime": runtime})
            exchanges.append((tp.id, tp.id))
        elif step.type == "ClaimsProviderSelection":
            if len(targets) != 1:
                raise PolicyError("A ClaimsProviderSelection step with more than one choice "
                                  "(an identity provider picker) is not supported by this "
                                  "emulator yet: it runs local accounts only.", where)
            selector = f"ClaimsProviderSelection-{step.order}"
            profiles[selector] = TechnicalProfile(
                selector, "IefProviderSelection", "Claims provider selection",
                metadata={"target": targets[0]})
            exchanges.append((targets[0], selector))
        else:
            if not step.claims_exchanges:
                raise PolicyError(f"A {step.type} step needs at least one ClaimsExchange.",
                                  where)
            for exchange in step.claims_exchanges:
                exchange_where = f"{where}, ClaimsExchange '{exchange.id}'"
                tp = _technical_profile(merged, exchange.technical_profile_reference_id,
                                        exchange_where)
                if tp.id not in profiles:
                    profiles[tp.id] = _profile(tp, merged, runtime,
                                               step.content_definition_reference_id, targets,
                                               exchange_where)
                    for validator in profiles[tp.id].validation_profiles:
                        profiles[validator] = TechnicalProfile(
                            validator, "IefValidation", f"{tp.id}: validation",
                            metadata={"page": tp, "runtime": runtime})
                exchanges.append((exchange.id, tp.id))
        steps.append(OrchestrationStep(step.order, step.type, tuple(exchanges), preconditions,
                                       targets))
    used = used_profiles(merged, profiles.values())
    check_insecure_restful(merged, used, f"UserJourney '{journey_id}'")
    check_transformations(merged, used)
    if not steps or steps[-1].type != "SendClaims":
        raise PolicyError("The user journey must end with a SendClaims step (the token "
                          "issuer).", f"UserJourney '{journey_id}'")
    return Journey(merged.policy_id, tuple(steps), profiles, _relying_party(merged, runtime),
                   _languages(merged, runtime))


def _relying_party(merged: MergedPolicy, runtime: PolicyRuntime) -> RelyingParty:
    """The relying party's output claims as (bag claim, token claim); the token claim is the
    PartnerClaimType, else the ClaimType's OpenIdConnect partner claim type, else its Id."""
    rp = merged.relying_party
    pairs = []
    for claim in rp.technical_profile.output_claims:
        name = runtime.claim(claim.claim_type_reference_id)
        claim_type = runtime.claim_types.get(name)
        partner = claim_type.default_partner_claim_types.get("OpenIdConnect") if claim_type \
            else None
        pairs.append((name, claim.partner_claim_type or partner or name))
    subject_token_claim = rp.technical_profile.subject_naming_info or "sub"
    subject = next((bag for bag, token in pairs if token == subject_token_claim), "objectId")
    return RelyingParty(tuple(pairs), subject)


def _languages(merged: MergedPolicy, runtime: PolicyRuntime) -> LanguageSettings:
    """The policy's Localization as the flows' LanguageSettings: per language and content
    definition, the ClaimTypes' own texts first, then the LocalizedResources it references
    (later entries win)."""
    localization = merged.localization
    languages = localization.supported_languages if localization else ("en",)
    default = localization.default_language if localization else "en"
    resources = localization.localized_resources if localization else {}
    overrides: dict[str, dict[str, list]] = {}
    for language in languages:
        per_page = overrides.setdefault(language, {})
        for definition in merged.content_definitions.values():
            entries = list(runtime.claim_type_texts)
            for ref_language, resource_id in definition.localized_resources_references:
                resource = resources.get(resource_id)
                if ref_language.lower() != language.lower() or resource is None:
                    continue
                entries.extend({"ElementType": s.element_type, "ElementId": s.element_id,
                                "StringId": s.string_id, "Value": s.text, "Override": True}
                               for s in resource.strings)
            per_page[definition.id] = entries
    return LanguageSettings(bool(localization and localization.enabled), default,
                            tuple(languages), overrides)


def compile_policy(merged: MergedPolicy) -> CompiledPolicy:
    """Compile a relying-party policy (see the module docstring).

    :raise PolicyError: a base policy (no RelyingParty), or what this emulator cannot run.
    """
    if merged.relying_party is None:
        raise PolicyError(f"'{merged.policy_id}' has no RelyingParty: only a relying-party "
                          "policy can run.")
    runtime = PolicyRuntime.of(merged)
    journey = compile_journey(merged, merged.relying_party.default_user_journey, runtime)
    refresh_id = next((journey_id for endpoint, journey_id
                       in merged.relying_party.endpoints.items()
                       if endpoint.lower() == "token"), None)
    refresh = None
    if refresh_id:
        try:
            refresh = compile_journey(merged, refresh_id, runtime)
        except PolicyError:  # the refresh grant then reissues without a journey
            refresh = None
    issuer = journey.profiles[journey.steps[-1].exchanges[0][1]].metadata["ief"]
    return CompiledPolicy(
        merged.policy_id, journey, runtime, issuer,
        issuer.cryptographic_keys.get("issuer_secret"), refresh,
        {d.id: runtime.contract(d.id) for d in merged.content_definitions.values()})


def compile_problems(merged: MergedPolicy) -> list[PolicyProblem]:
    """What keeps a relying-party policy from compiling, as upload problems (empty when it
    compiles), so an upload can be refused before a sign-in meets it."""
    if merged.relying_party is None:
        return []
    try:
        compile_policy(merged)
    except PolicyError as error:
        kind = "unsupported" if "not supported" in error.message else "invalid"
        return [PolicyProblem(kind, error.message, error.where)]
    return []


def describe(compiled: CompiledPolicy) -> list[dict[str, Any]]:
    """The journey's steps as plain data (order, type, exchanges with their handlers,
    preconditions), for the portal's "view as journey" and the run trace."""
    rows = []
    for step in compiled.journey.steps:
        rows.append({"order": step.order, "type": step.type,
                     "exchanges": [{"id": ex, "profile": pid,
                                    "handler": compiled.journey.profiles[pid].handler}
                                   for ex, pid in step.exchanges],
                     "preconditions": [{"type": p.kind, "values": list(p.values),
                                        "execute_actions_if": p.execute_action_if_true}
                                       for p in step.preconditions]})
    return rows
