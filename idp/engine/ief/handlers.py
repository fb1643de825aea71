"""The custom-policy technical profiles on the engine's handler interface (registered in
:data:`idp.engine.handlers.HANDLERS` under the names :mod:`.compile` gives them).

- ``IefSelfAsserted``: the user flows' :class:`~idp.engine.self_asserted.SelfAsserted` page,
  prefilled from the profile's input claims (after its input claims transformations); on
  submit its validation technical profiles run as one validator, :func:`validate_page`.
- ``IefAad``, ``IefRestful``, ``IefClaimsTransformation``, ``IefNone``,
  ``IefLocalCredential``: a claims exchange without a page (:func:`.pipeline.run_profile`).
- ``IefProviderSelection``: a ClaimsProviderSelection step with one choice.
"""
from __future__ import annotations

from typing import Any, Mapping

from ..errors import B2CError
from ..journey import Continue, Precondition, Select, StepContext
from ..self_asserted import SelfAsserted, build_view
from ..validation_profiles import FieldError
from .pipeline import (PolicyRunError, Refused, claim_resolving, collect_input_claims,
                       default_value, disabled_reason, message_for, run_profile,
                       run_resolvers, transform)


def _parts(ctx: StepContext, key: str = "ief"):
    return ctx.profile.metadata[key], ctx.profile.metadata["runtime"]


def _skip(ctx: StepContext) -> str | None:
    tp, runtime = _parts(ctx)
    return disabled_reason(tp, runtime, ctx.state.bag)


class IefSelfAsserted(SelfAsserted):
    """A self-asserted page of a custom policy (see the module docstring)."""

    def skip(self, ctx: StepContext) -> str | None:
        """EnabledForUserJourneys may leave the page out."""
        return _skip(ctx)

    def render(self, ctx: StepContext) -> dict[str, Any]:
        tp, runtime = _parts(ctx)
        resolvers = run_resolvers(ctx, runtime)
        working = dict(ctx.state.bag)
        try:
            working.update(transform(ctx, runtime, tp.input_claims_transformations, working,
                                      resolvers, []))
        except Refused as refused:  # an assertion among the input claims transformations
            raise B2CError(None, error="server_error", message=refused.message) from None
        values = {name: value for name, _partner, value
                  in collect_input_claims(tp, runtime, working,
                                          claim_resolving(tp, resolvers))}
        return build_view(ctx, values)

    def _continue(self, ctx: StepContext, values: dict[str, Any]):
        """The user flows' submit, with the validation profiles' story in the trace's note."""
        result = super()._continue(ctx, values)
        story = ctx.state.scratch.pop(STORY, None)
        if isinstance(result, Continue) and story:
            result.note = f"page submitted and validated: {'; '.join(story)}"
        return result


#: where validate_page leaves what each validation profile did, for the trace
STORY = "ief_validation"


def _skipped(ref, bag: Mapping[str, Any]) -> str | None:
    """Why a validation technical profile's preconditions skip it (Action
    SkipThisValidationTechnicalProfile), or None."""
    for pre in ref.preconditions:
        needed = 1 if pre.type == "ClaimsExist" else 2
        if pre.type not in ("ClaimsExist", "ClaimEquals") or len(pre.values) < needed:
            raise PolicyRunError(f"The precondition '{pre.type}' of validation technical "
                                 f"profile '{ref.reference_id}' is not supported by this "
                                 "emulator yet (ClaimsExist, ClaimEquals).")
        reason = Precondition(pre.type, tuple(pre.values[:needed]),
                              pre.execute_actions_if).skip_reason(bag)
        if reason:
            return reason
    return None


def validate_page(ctx: StepContext, profile: Any, claims: dict) -> dict:
    """The page's validation technical profiles, in order, then its output claims' default
    values and its output claims transformations; returns the claims for the bag.

    :raise FieldError: a refusal, shown on the page (unless ContinueOnError says go on).
    """
    page, runtime = profile.metadata["page"], profile.metadata["runtime"]
    working = {**ctx.state.bag, **claims}
    produced: dict[str, Any] = {}
    notes: list[str] = []
    story = ctx.state.scratch[STORY] = []
    for ref in page.validation_technical_profiles:
        vtp = runtime.technical_profiles.get(ref.reference_id)
        if vtp is None:
            raise PolicyRunError(f"The validation technical profile '{ref.reference_id}' of "
                                 f"'{page.id}' is not defined in the policy.")
        reason = _skipped(ref, working) or disabled_reason(vtp, runtime, working)
        if reason:
            story.append(f"{vtp.id} skipped ({reason})")
            continue
        try:
            out = run_profile(ctx, vtp, runtime, working, notes)
        except (Refused, FieldError) as refused:
            if ref.continue_on_error:
                story.append(f"{vtp.id} refused, ContinueOnError")
                continue
            if isinstance(refused, FieldError) and refused.string_id:
                raise FieldError(message_for(ctx, refused.string_id, refused.message,
                                             profiles=(vtp,))) from None
            raise FieldError(refused.message) from None
        working.update(out)
        produced.update(out)
        story.append(f"{vtp.id} ran")
        if not ref.continue_on_success:
            story.append("ContinueOnSuccess is false: the rest did not run")
            break
    resolvers = run_resolvers(ctx, runtime)
    page_resolvers = claim_resolving(page, resolvers)
    for claim in page.output_claims:
        name = runtime.claim(claim.claim_type_reference_id)
        if claim.default_value is not None and (claim.always_use_default_value
                                                or working.get(name) in (None, "", [])):
            working[name] = produced[name] = default_value(claim, runtime, page_resolvers)
    try:
        produced.update(transform(ctx, runtime, page.output_claims_transformations, working,
                                   resolvers, notes))
    except Refused as refused:  # an assertion among the page's output transformations
        raise FieldError(refused.message) from None
    return produced


class IefExchange:
    """A claims exchange without a page.  A refusal ends the run with the error for the app
    (our choice of ``server_error``: B2C documents that the user goes back to the app with
    the error message, not the OAuth error code)."""

    interactive = False

    def skip(self, ctx: StepContext) -> str | None:
        """EnabledForUserJourneys may leave the exchange out."""
        return _skip(ctx)

    def run(self, ctx: StepContext) -> Continue:
        tp, runtime = _parts(ctx)
        notes: list[str] = []
        try:
            claims = run_profile(ctx, tp, runtime, ctx.state.bag, notes)
        except (Refused, FieldError) as refused:
            raise B2CError(None, error="server_error", message=refused.message) from None
        return Continue(claims, note="; ".join(notes) or f"{tp.id} ran")


class IefProviderSelection:
    """A ClaimsProviderSelection step with a single choice: chosen without a page."""

    interactive = False

    def run(self, ctx: StepContext) -> Select:
        return Select(ctx.profile.metadata["target"])


HANDLERS = {
    "IefSelfAsserted": IefSelfAsserted(),
    "IefAad": IefExchange(),
    "IefRestful": IefExchange(),
    "IefClaimsTransformation": IefExchange(),
    "IefNone": IefExchange(),
    "IefLocalCredential": IefExchange(),
    "IefProviderSelection": IefProviderSelection(),
}
