"""What a relying party's journeys can reach: the profiles (and in which roles), claims
transformations, claim types and content definitions a run may use, and the claims it outputs.

:mod:`.validate` checks support only over this, since a base policy may define profiles (say,
Facebook's) that a local-accounts journey never runs; refusing those would refuse the
starter pack itself.  References that do not resolve are skipped here (the validator reports
them separately).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .model import MergedPolicy


@dataclass
class Reach:
    journeys: list[str] = field(default_factory=list)
    #: TechnicalProfile Id -> roles: "exchange", "issuer", "validation", "session"
    profiles: dict[str, set[str]] = field(default_factory=dict)
    transformations: set[str] = field(default_factory=set)
    claim_types: set[str] = field(default_factory=set)
    content_definitions: set[str] = field(default_factory=set)
    display_controls: set[str] = field(default_factory=set)
    #: claims some reachable profile or transformation outputs
    produced: set[str] = field(default_factory=set)

    def elements(self, merged: MergedPolicy):
        """Yield (element, where) for every element under what is reachable."""
        parts = [(f"UserJourney '{i}'", merged.user_journeys[i].element) for i in self.journeys]
        parts += [(f"TechnicalProfile '{i}'", merged.technical_profiles[i].element)
                  for i in self.profiles]
        parts += [(f"ClaimsTransformation '{i}'", merged.transformations[i].element)
                  for i in sorted(self.transformations) if i in merged.transformations]
        parts += [(f"ClaimType '{i}'", merged.claim_types[i].element)
                  for i in sorted(self.claim_types) if i in merged.claim_types]
        parts += [(f"ContentDefinition '{i}'", merged.content_definitions[i].element)
                  for i in sorted(self.content_definitions) if i in merged.content_definitions]
        controls = {e.get("Id"): e for e in merged.root.iter(
            merged.root.tag.replace("TrustFrameworkPolicy", "DisplayControl"))}
        parts += [(f"DisplayControl '{i}'", controls.get(i))
                  for i in sorted(self.display_controls)]
        resources = {e.get("Id"): e for e in merged.root.iter(
            merged.root.tag.replace("TrustFrameworkPolicy", "LocalizedResources"))}
        parts += [(f"LocalizedResources '{ref}'", resources.get(ref))
                  for i in sorted(self.content_definitions) if i in merged.content_definitions
                  for _, ref in merged.content_definitions[i].localized_resources_references]
        if merged.relying_party is not None:
            rp = merged.root.find(merged.root.tag.replace("TrustFrameworkPolicy",
                                                          "RelyingParty"))
            parts.append(("RelyingParty", rp))
        for what, root in parts:
            if root is None:
                continue
            for element in root.iter():
                if isinstance(element.tag, str):
                    yield element, merged.where(what, element)


def reachable(merged: MergedPolicy, journeys: tuple[str, ...] | None = None) -> Reach:
    """Walk from the relying party's journeys (default journey and Endpoints, or the given
    ``journeys``) through steps, validation profiles and session providers."""
    party = merged.relying_party
    if journeys is None:
        journeys = (party.default_user_journey, *party.endpoints.values()) if party else ()
    reach = Reach(journeys=[j for j in dict.fromkeys(journeys) if j in merged.user_journeys])
    pending: list[tuple[str, str]] = []
    for journey_id in reach.journeys:
        journey = merged.user_journeys[journey_id]
        for step in journey.steps:
            pending += [(x.technical_profile_reference_id, "exchange")
                        for x in step.claims_exchanges]
            issuer = step.cpim_issuer_technical_profile_reference_id or (
                journey.default_cpim_issuer_technical_profile_reference_id
                if step.type == "SendClaims" else None)
            if issuer:
                pending.append((issuer, "issuer"))
            if step.content_definition_reference_id:
                reach.content_definitions.add(step.content_definition_reference_id)
            reach.claim_types.update(c.values[0] for c in step.preconditions if c.values)
    while pending:
        ident, role = pending.pop()
        profile = merged.technical_profiles.get(ident)
        if profile is None or role in reach.profiles.get(ident, set()):
            continue
        reach.profiles.setdefault(ident, set()).add(role)
        pending += [(v.reference_id, "validation") for v in profile.validation_technical_profiles]
        if profile.use_technical_profile_for_session_management:
            pending.append((profile.use_technical_profile_for_session_management, "session"))
        _collect(merged, profile, reach)
    if party is not None:
        reach.claim_types.update(c.claim_type_reference_id
                                 for c in party.technical_profile.output_claims)
    return reach


def reachable_profile(merged: MergedPolicy, profile) -> Reach:
    """What one profile reaches: itself, its validation profiles and their transformations
    (``produced`` is every claim running it can output)."""
    reach = Reach()
    pending = [profile.id]
    while pending:
        current = merged.technical_profiles.get(pending.pop())
        if current is None or current.id in reach.profiles:
            continue
        reach.profiles[current.id] = {"exchange"}
        pending += [v.reference_id for v in current.validation_technical_profiles]
        _collect(merged, current, reach)
    return reach


def _collect(merged: MergedPolicy, profile, reach: Reach) -> None:
    claims = (*profile.input_claims, *profile.display_claims, *profile.persisted_claims,
              *profile.output_claims)
    reach.claim_types.update(c.claim_type_reference_id for c in claims
                             if c.claim_type_reference_id)
    reach.produced.update(c.claim_type_reference_id for c in profile.output_claims)
    reach.display_controls.update(c.display_control_reference_id for c in profile.display_claims
                                  if c.display_control_reference_id)
    if "ContentDefinitionReferenceId" in profile.metadata:
        reach.content_definitions.add(profile.metadata["ContentDefinitionReferenceId"])
    for ident in (*profile.input_claims_transformations, *profile.output_claims_transformations):
        reach.transformations.add(ident)
        transformation = merged.transformations.get(ident)
        if transformation is not None:
            reach.claim_types.update(c.claim_type_reference_id
                                     for c in (*transformation.input_claims,
                                               *transformation.output_claims))
            reach.produced.update(c.claim_type_reference_id
                                  for c in transformation.output_claims)
