"""Which API connector runs at which step of a user flow: ``flow.config["api_connectors"]`` is
``{step: connector_id}`` (b2c-reference §1.2).  Used by the user flow's API connectors tab and
by Delete here (a connector in use is detached from its flows only after confirming).
"""
from __future__ import annotations

from collections.abc import Mapping

from ...engine.connectors import STEP_LABELS, STEPS_BY_FLOW_TYPE
from ...engine.user_flows import FLOW_TYPES
from ...extensions import db
from ...models import AUTH_TYPES, ApiConnector, UserFlow

#: what the tab says about a step beside its label
STEP_NOTES = {
    "PostFederationSignup": "Runs only for social sign-ups (arrives with social identity "
                            "providers): B2C does not call it for local-account sign-up.",
    "PostAttributeCollection": "Runs after the attribute collection page, before the account "
                               "is written. May answer Continue, ShowBlockPage or "
                               "ValidationError.",
    "PreTokenIssuance": "Runs when a token is about to be issued, on sign-up and sign-in "
                        "(not on refresh). May only answer Continue.",
}


def steps_for(flow: UserFlow) -> tuple[str, ...]:
    """The steps a flow of this type offers (none for profile editing, password reset, ROPC)."""
    return STEPS_BY_FLOW_TYPE.get(flow.flow_type, ())


def no_steps_message(flow: UserFlow) -> str:
    label = FLOW_TYPES.get(flow.flow_type, flow.flow_type)
    return (f"{label} user flows have no API connector steps in B2C: API connectors run only "
            "in Sign up and sign in, Sign up, and Sign in user flows.")


def all_connectors() -> list[ApiConnector]:
    return db.session.execute(db.select(ApiConnector).order_by(
        db.func.lower(ApiConnector.display_name))).scalars().all()


def flows_using(connector_id: str) -> list[UserFlow]:
    flows = db.session.execute(db.select(UserFlow).order_by(UserFlow.name)).scalars()
    return [f for f in flows if connector_id in (f.config.get("api_connectors") or {}).values()]


def detach(connector_id: str, flows: list[UserFlow]) -> None:
    """Remove the connector from every step of ``flows`` (new dicts: the JSON column sees it)."""
    for flow in flows:
        attached = {step: cid for step, cid in (flow.config.get("api_connectors") or {}).items()
                    if cid != connector_id}
        flow.config = {**flow.config, "api_connectors": attached}


def attachment_update(form: Mapping[str, str],
                      flow: UserFlow) -> tuple[dict[str, str], list[str]]:
    """The ``{step: connector_id}`` the tab's form asks for, and why it cannot be saved.

    Each step's select posts a connector id, or "" for None; steps the flow type does not offer
    are dropped.  An unknown id (a connector deleted meanwhile, a forged form) is an error.
    """
    if not steps_for(flow):
        return {}, [no_steps_message(flow)]
    known_ids = set(db.session.execute(db.select(ApiConnector.id)).scalars())
    attached, errors = {}, []
    for step in steps_for(flow):
        connector_id = (form.get(step) or "").strip()
        if not connector_id:
            continue
        if connector_id not in known_ids:
            errors.append(f"The API connector chosen for '{STEP_LABELS[step]}' does not exist "
                          "(it may have been deleted). Choose one from the list, or None.")
        else:
            attached[step] = connector_id
    return attached, errors


def tab_context(flow: UserFlow) -> dict:
    """What the user flow's API connectors tab shows."""
    return {"steps": steps_for(flow), "connectors": all_connectors(),
            "attached": flow.config.get("api_connectors") or {}, "labels": STEP_LABELS,
            "notes": STEP_NOTES, "auth_types": AUTH_TYPES, "no_steps": no_steps_message(flow)}
