"""Claims flow: what a relying party's journey produces, checked against what it needs.

Two checks of :func:`.validate.validate_upload`: each relying-party output claim must be output
by some step (or have a DefaultValue), and each input claim of a profile an orchestration step
runs must be output by an earlier step (B2C's own data-flow check, in its words).
"""
from __future__ import annotations

from .model import NAMESPACE, MergedPolicy, PolicyProblem
from .reach import reachable, reachable_profile

_NS = f"{{{NAMESPACE}}}"


def unproduced_outputs(merged: MergedPolicy) -> list[PolicyProblem]:
    """A relying-party output claim that no step of its journey outputs (and no DefaultValue
    supplies) would silently never reach the token: name it."""
    party = merged.relying_party
    produced = reachable(merged, journeys=(party.default_user_journey,)).produced
    problems = []
    for claim in party.technical_profile.output_claims:
        if claim.default_value is None and claim.claim_type_reference_id not in produced:
            problems.append(PolicyProblem(
                "unproduced_claim",
                f"The relying party's OutputClaim '{claim.claim_type_reference_id}' is not "
                f"produced by any step of UserJourney '{party.default_user_journey}': no "
                "technical profile or claims transformation it runs outputs it, and it has no "
                "DefaultValue. Add it to the OutputClaims of a technical profile the journey "
                "runs, or give it a DefaultValue.",
                f"RelyingParty of {merged.policy_id}, OutputClaim "
                f"'{claim.claim_type_reference_id}'"))
    return problems


#: profiles whose input claims only prefill a page, so may be absent (choice: B2C accepts the
#: starter pack, whose sign-up page takes ``email`` as input before any step outputs it)
_PREFILL = "Web.TPEngine.Providers.SelfAssertedAttributeProvider"


def unproduced_inputs(merged: MergedPolicy) -> list[PolicyProblem]:
    """B2C's data-flow check: an input claim of a profile an orchestration step runs must be
    output by an earlier step (or have a DefaultValue, or come from the profile's own input
    claims transformations).  Message in B2C's words (MicrosoftDocs/azure-docs #30477)."""
    problems = []
    party = merged.relying_party
    for journey_id in reachable(merged).journeys:
        available = {c.claim_type_reference_id for c in party.technical_profile.input_claims}
        for step in merged.user_journeys[journey_id].steps:
            produced = set()
            for exchange in step.claims_exchanges:
                profile = merged.technical_profiles.get(exchange.technical_profile_reference_id)
                if profile is None:
                    continue
                reach = reachable_profile(merged, profile)
                produced |= reach.produced
                if (profile.protocol_handler or "").startswith(_PREFILL):
                    continue
                own = _transformation_outputs(merged, profile.input_claims_transformations)
                for claim in profile.input_claims:
                    name = claim.claim_type_reference_id
                    if claim.default_value is None and name not in available | own:
                        problems.append(PolicyProblem(
                            "unproduced_claim",
                            f'Claim type "{name}" is the input claim of technical profile '
                            f'"{profile.id}" in step "{step.order}" of user journey '
                            f'"{journey_id}" but it is not an output claim in any of the '
                            "previous steps. Output it in an earlier step, or give the "
                            "InputClaim a DefaultValue.",
                            merged.where(f"TechnicalProfile '{profile.id}'",
                                         _input_claim(profile, name))
                            + f", InputClaim '{name}'"))
            available |= produced
    return list(dict.fromkeys(problems))


def _input_claim(profile, name: str):
    return next((e for e in profile.element.iter(f"{_NS}InputClaim")
                 if e.get("ClaimTypeReferenceId") == name), profile.element)


def _transformation_outputs(merged: MergedPolicy, ids) -> set[str]:
    return {c.claim_type_reference_id for i in ids if i in merged.transformations
            for c in merged.transformations[i].output_claims}
