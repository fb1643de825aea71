"""Journeys: ordered orchestration steps, each run by a technical profile, over a claims bag.

This is the Identity Experience Framework's model in miniature (UserJourney, OrchestrationStep,
Precondition, TechnicalProfile, ClaimsExchange).  User flows compile into it
(:mod:`.user_flows`); custom policies will load into the same classes.  :func:`advance` runs a
journey until it needs the user (a page), finishes (SendClaims) or stops (an error for the app).
"""
from __future__ import annotations

import copy
from dataclasses import asdict, dataclass, field
from typing import Any, Mapping

from .errors import B2CError
from .languages import LanguageSettings

#: claims that are never stored in the bag, the transaction or the trace.
TRANSIENT_CLAIMS = frozenset({"password", "newPassword", "reenterPassword", "currentPassword"})
#: claims kept for the token but never shown in the trace (a provider's access token)
HIDDEN_IN_TRACE = frozenset({"identityProviderAccessToken"})


@dataclass(frozen=True)
class Precondition:
    """Skip the step when the condition holds (IEF ``SkipThisOrchestrationStep``).

    ``kind`` is ``ClaimsExist`` (values: the claim) or ``ClaimEquals`` (claim, value);
    ``execute_action_if_true=False`` inverts it, as the IEF attribute does.
    """

    kind: str
    values: tuple[str, ...]
    execute_action_if_true: bool = True

    def skip_reason(self, bag: Mapping[str, Any]) -> str | None:
        claim = self.values[0]
        if self.kind == "ClaimsExist":
            holds = bag.get(claim) not in (None, "", [])
            described = f"{claim} exists" if holds else f"{claim} does not exist"
        elif self.kind == "ClaimEquals":
            value = bag.get(claim)
            # a boolean claim equals "true"/"false" whatever the case (custom policies write
            # <Value>true</Value>; the bag holds True)
            holds = (str(value).lower() == self.values[1].lower() if isinstance(value, bool)
                     else str(value) == self.values[1])
            described = f"{claim} {'equals' if holds else 'does not equal'} '{self.values[1]}'"
        else:
            raise ValueError(f"unknown precondition {self.kind}")
        return f"precondition {self.kind}: {described}" if holds == self.execute_action_if_true \
            else None


@dataclass(frozen=True)
class ClaimRef:
    """A claim a technical profile reads or writes, with its page settings when shown."""

    claim: str
    #: the label set in the flow (Page layouts) or the custom attribute's name; "" lets the
    #: page use ``label_id`` or the built-in attribute's name, in the page's language
    label: str = ""
    input_type: str = "TextBox"
    required: bool = True
    requires_verification: bool = False
    readonly: bool = False
    partner_claim: str | None = None
    data_type: str = "String"            # String | Boolean | Int (validated on submit)
    #: the options of DropdownSingleSelect, RadioSingleSelect and CheckboxMultiSelect
    choices: tuple[str, ...] = ()
    label_id: str = ""                   # a page StringId for the label (``password``...)
    #: a regular expression the value must match (a custom policy ClaimType's Restriction
    #: Pattern); the page shows the claim's PatternHelpText when it does not
    pattern: str = ""


@dataclass(frozen=True)
class TechnicalProfile:
    """What runs a step: ``handler`` names the protocol (SelfAsserted, DirectoryRead...)."""

    id: str
    handler: str
    display_name: str = ""
    metadata: Mapping[str, Any] = field(default_factory=dict)
    input_claims: tuple[ClaimRef, ...] = ()
    output_claims: tuple[ClaimRef, ...] = ()
    validation_profiles: tuple[str, ...] = ()
    #: skip the step when the SSO session already covers it (IEF's session management).
    sso_skippable: bool = False


@dataclass(frozen=True)
class OrchestrationStep:
    """One step.  ``exchanges`` are (ClaimsExchange Id, technical profile id) pairs; the first
    is used unless an earlier page selected another (ClaimsProviderSelection)."""

    order: int
    type: str                      # CombinedSignInAndSignUp | ClaimsExchange | SendClaims
    exchanges: tuple[tuple[str, str], ...] = ()
    preconditions: tuple[Precondition, ...] = ()
    #: exchanges a page of this step may select for the next step ("Sign up now").
    selections: tuple[str, ...] = ()


@dataclass(frozen=True)
class RelyingParty:
    """What the app receives: bag claim -> token claim, and the subject claim."""

    output_claims: tuple[tuple[str, str], ...]
    subject_claim: str = "objectId"


@dataclass(frozen=True)
class Journey:
    id: str
    steps: tuple[OrchestrationStep, ...]
    profiles: Mapping[str, TechnicalProfile]
    relying_party: RelyingParty
    #: the flow's Languages settings (enabled, default, per-page overrides)
    localization: LanguageSettings = field(default_factory=LanguageSettings)


@dataclass
class RunState:
    """Where a run is; persisted as JSON in the transaction between requests."""

    step: int = 0
    bag: dict[str, Any] = field(default_factory=dict)
    selected: str | None = None
    scratch: dict[str, Any] = field(default_factory=dict)
    trace: list[dict[str, Any]] = field(default_factory=list)
    sso: bool = False

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "RunState":
        # A deep copy: the caller's dict must not change under it (the ORM compares old and
        # new values to decide what to write).
        return cls(**copy.deepcopy(dict(data)))


# --- what a handler returns, and what advance() returns -------------------------------------

@dataclass
class Continue:
    """The step is done; merge ``claims`` into the bag."""

    claims: dict[str, Any] = field(default_factory=dict)
    note: str = ""


@dataclass
class Stay:
    """Show the same page again (validation errors, a code was sent...)."""

    view: dict[str, Any]


@dataclass
class Select:
    """The page chose the exchange the next step will run (ClaimsProviderSelection)."""

    exchange: str


@dataclass
class ShowPage:
    step: OrchestrationStep
    profile: TechnicalProfile
    view: dict[str, Any]


@dataclass
class Completed:
    """SendClaims was reached: the bag is ready for the token issuer."""

    bag: dict[str, Any]


@dataclass
class Halted:
    """The run ends with an error returned to the app (cancel, forgot password...)."""

    error: B2CError


@dataclass
class StepContext:
    """What a handler may use: the run, the profile, the authorize request and the ports."""

    journey: Journey
    state: RunState
    profile: TechnicalProfile
    request: Mapping[str, Any]
    ports: Any
    now: float
    events: list[dict[str, Any]]
    #: API connector calls made while running this step (shown in the trace)
    calls: list[dict[str, Any]] = field(default_factory=list)

    def profile_by_id(self, profile_id: str) -> TechnicalProfile:
        return self.journey.profiles[profile_id]

    def event(self, activity: str, result: str = "success", **details: Any) -> None:
        """Record an audit-worthy event; the caller writes it to the audit log."""
        self.events.append({"activity": activity, "result": result, **details})


def _public(bag: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in bag.items() if k not in TRANSIENT_CLAIMS}


def _trace(state: RunState, step: OrchestrationStep, status: str, now: float, *,
           profile: str | None = None, reason: str = "", added: Mapping[str, Any] = (),
           calls: list | None = None) -> None:
    shown = {k: "(hidden: a token)" if k in HIDDEN_IN_TRACE else v
             for k, v in _public(state.bag).items()}
    entry = {"order": step.order, "type": step.type, "profile": profile, "status": status,
             "reason": reason, "claims_added": sorted(added), "bag": shown,
             "at": now}
    if calls:
        entry["calls"] = list(calls)
    state.trace.append(entry)


def _finish_step(state: RunState) -> None:
    state.step += 1
    state.scratch = {}


def current_profile(journey: Journey, state: RunState) -> TechnicalProfile:
    """The technical profile the current step runs (the selected exchange, or the first)."""
    step = journey.steps[state.step]
    by_exchange = dict(step.exchanges)
    profile_id = by_exchange.get(state.selected or "", step.exchanges[0][1])
    return journey.profiles[profile_id]


def rewind_to_selection(journey: Journey, state: RunState, now: float) -> bool:
    """Go back to the page where the current step's exchange was chosen (the browser came back
    from an identity provider without an answer: Back, or the page opened again), so that page
    shows instead of sending the browser to the provider again.  False when nothing chose it."""
    chosen = state.selected
    for index in range(state.step - 1, -1, -1):
        if chosen and chosen in journey.steps[index].selections:
            _trace(state, journey.steps[state.step], "abandoned", now,
                   profile=current_profile(journey, state).id,
                   reason="the browser came back without an answer from the provider")
            state.step, state.selected, state.scratch = index, None, {}
            return True
    return False


def advance(journey: Journey, state: RunState, *, handlers: Mapping[str, Any],
            request: Mapping[str, Any], ports: Any, now: float,
            submission: Mapping[str, Any] | None = None,
            events: list[dict[str, Any]] | None = None) -> ShowPage | Completed | Halted:
    """Run ``journey`` from ``state`` until it needs a page, completes or halts.

    ``submission`` is the form posted on the current step's page, if any; it is consumed by
    that step only.  ``state`` is updated in place (the caller persists it).
    """
    events = events if events is not None else []
    while state.step < len(journey.steps):
        step = journey.steps[state.step]
        reason = next(filter(None, (p.skip_reason(state.bag) for p in step.preconditions)), None)
        if reason:
            _trace(state, step, "skipped", now, reason=reason)
            _finish_step(state)
            continue
        if step.type == "SendClaims":
            _trace(state, step, "ran", now, profile=step.exchanges[0][1] if step.exchanges else None,
                   reason="claims sent to the token issuer")
            state.step = len(journey.steps)
            return Completed(_public(state.bag))
        profile = current_profile(journey, state)
        if profile.sso_skippable and state.sso:
            _trace(state, step, "skipped", now, profile=profile.id,
                   reason="satisfied by the single sign-on session")
            _finish_step(state)
            continue
        handler = handlers[profile.handler]
        ctx = StepContext(journey, state, profile, request, ports, now, events)
        reason = handler.skip(ctx) if hasattr(handler, "skip") else None
        if reason:  # the profile itself decides the step is not needed (conditional MFA)
            _trace(state, step, "skipped", now, profile=profile.id, reason=reason)
            _finish_step(state)
            continue
        try:
            if getattr(handler, "interactive", False):
                chosen = handler.auto_select(ctx) if submission is None and hasattr(
                    handler, "auto_select") else None
                if chosen:  # the request chose for the user (domain_hint: direct sign-in)
                    result = Select(chosen)
                elif submission is None:
                    return ShowPage(step, profile, handler.render(ctx))
                else:
                    result = handler.submit(ctx, submission)
                    submission = None
            else:
                result = handler.run(ctx)
        except B2CError as error:
            _trace(state, step, "halted", now, profile=profile.id, reason=error.description,
                   calls=ctx.calls)
            return Halted(error)
        if isinstance(result, Stay):
            if ctx.calls:  # a connector refused the page (ValidationError): keep its record
                _trace(state, step, "page shown again", now, profile=profile.id,
                       reason="validation refused the page", calls=ctx.calls)
            return ShowPage(step, profile, result.view)
        if isinstance(result, Select):
            state.selected = result.exchange
            _trace(state, step, "ran", now, profile=profile.id,
                   reason=f"the user chose {result.exchange}")
            _finish_step(state)
            continue
        added = _public(result.claims)
        state.bag.update(added)
        state.selected = None
        _trace(state, step, "ran", now, profile=profile.id, reason=result.note, added=added,
               calls=ctx.calls)
        _finish_step(state)
    raise RuntimeError(f"journey {journey.id} has no SendClaims step")
