"""Turning the user-flow pages' forms into the flow's configuration document (plain data in,
plain data out), and what the runtime does not apply yet."""
from __future__ import annotations

import re
from typing import Any, Mapping

from ...engine.attributes import AttributeDef
from ...engine.page_layouts import DEFAULT_TEMPLATE, MAX_URI_LENGTH
from ...engine.page_layouts import PAGE_TYPES as PAGE_CONTENT_DEFINITIONS
from ...engine.page_layouts import TEMPLATES as TEMPLATE_FLAVORS
from ...engine.page_layouts import custom_page_uri_problem

NAME_RE = re.compile(r"^[A-Za-z0-9_-]{1,100}$")
PREFIX = "B2C_1_"
INPUT_TYPES = ("TextBox", "DropdownSingleSelect", "RadioSingleSelect", "CheckboxMultiSelect",
               "DateTimeDropdown", "EmailBox", "Paragraph", "Readonly")
#: the Page layouts rows; each row's content definition(s) are in the one mapping the runtime
#: also uses, :data:`idp.engine.page_layouts.PAGE_TYPES`.
PAGE_TYPES = tuple(PAGE_CONTENT_DEFINITIONS)
TEMPLATES = tuple(TEMPLATE_FLAVORS)
FLOW_TYPE_LABELS = {"signUpOrSignIn": "Sign up and sign in", "signUp": "Sign up",
                    "signIn": "Sign in", "profileUpdate": "Profile editing",
                    "passwordReset": "Password reset",
                    "resourceOwner": "Sign in using resource owner password credentials (ROPC)"}
#: flow types the runtime can run today
RUNNABLE_TYPES = ("signUpOrSignIn", "signUp", "signIn", "profileUpdate", "passwordReset")


def full_name(short: str) -> str:
    """``susi`` -> ``B2C_1_susi``; a name typed with the prefix keeps it once."""
    short = short.strip()
    return short if short.upper().startswith(PREFIX.upper()) else PREFIX + short


def name_problem(short: str) -> str | None:
    name = short.strip()
    if name.upper().startswith(PREFIX.upper()):
        name = name[len(PREFIX):]
    if not NAME_RE.match(name):
        return ("Use letters, digits, '-' and '_' only (no spaces), up to 100 characters; "
                "B2C_1_ is added for you.")
    return None


def attribute_selection(form: Mapping[str, Any], catalogue: Mapping[str, AttributeDef],
                        previous: list[dict]) -> tuple[list[dict], list[str]]:
    """The Collect attribute / Return claim table: ``collect:<claim>`` and ``return:<claim>``
    checkboxes.  Page settings of attributes already collected are kept."""
    kept = {a["claim"]: a for a in previous}
    collected, returned = [], []
    for claim, attribute in catalogue.items():
        if attribute.collectable and attribute.claim != "email" and form.get(f"collect:{claim}"):
            collected.append(kept.get(claim, {"claim": claim}))
        if attribute.returnable and form.get(f"return:{claim}"):
            returned.append(claim)
    for order, item in enumerate(collected, start=1):
        item["order"] = item.get("order", order)
    return collected, returned


def page_layout_update(form: Mapping[str, Any], user_attributes: list[dict]) -> tuple[list[dict], dict[str, str]]:
    """Per-attribute label / optional / input type / order of the sign-up page."""
    errors: dict[str, str] = {}
    updated = []
    for item in user_attributes:
        claim = item["claim"]
        label = (form.get(f"label:{claim}") or "").strip()
        input_type = form.get(f"input_type:{claim}") or "TextBox"
        order = (form.get(f"order:{claim}") or "").strip()
        if len(label) > 100:
            errors[claim] = "The label can be at most 100 characters."
        if input_type not in INPUT_TYPES:
            errors[claim] = f"Unknown user input type '{input_type}'."
        if not order.isdigit() or not 1 <= int(order) <= 99:
            errors[claim] = "The order must be a number from 1 to 99."
        choices = [c.strip() for c in (form.get(f"choices:{claim}") or "").split(",")
                   if c.strip()]
        problem = _choices_problem(input_type, choices)
        if problem:
            errors[claim] = problem
        updated.append({**item, "label": label or None, "input_type": input_type,
                        "optional": form.get(f"optional:{claim}") == "yes",
                        "order": int(order) if order.isdigit() else item.get("order", 1),
                        "choices": choices})
    return sorted(updated, key=lambda a: a["order"]), errors


CHOICE_TYPES = ("DropdownSingleSelect", "RadioSingleSelect", "CheckboxMultiSelect")


def _choices_problem(input_type: str, choices: list[str]) -> str | None:
    """B2C takes the options from LocalizedCollections; here they are typed in the row."""
    if input_type in CHOICE_TYPES and len(choices) < 2:
        return f"{input_type} needs at least two choices, separated by commas."
    if len(choices) != len(set(choices)):
        return "Each choice can appear only once."
    if any(len(c) > 100 for c in choices) or len(choices) > 50:
        return "At most 50 choices of at most 100 characters each."
    return None


def page_layouts_update(form: Mapping[str, Any], rows: tuple[str, ...],
                        previous: Mapping[str, Any]) -> tuple[dict[str, dict], dict[str, str]]:
    """The Page layouts table: per row, its template, Use custom page content and Custom page
    URI.  Rows this flow type does not show keep what they had."""
    errors: dict[str, str] = {}
    layouts = {row: dict(value) for row, value in previous.items() if isinstance(value, Mapping)}
    for row in rows:
        template = form.get(f"template:{row}") or DEFAULT_TEMPLATE
        use = form.get(f"custom:{row}") == "yes"
        uri = (form.get(f"uri:{row}") or "").strip()
        problem = (custom_page_uri_problem(uri) if use else
                   f"The Custom page URI can be at most {MAX_URI_LENGTH} characters."
                   if len(uri) > MAX_URI_LENGTH else None)
        if template not in TEMPLATES:
            problem = "Choose Ocean Blue, Slate Gray or Classic."
        if problem:
            errors[f"page:{row}"] = problem
        layouts[row] = {"template": template, "use_custom_page": use, "custom_page_uri": uri}
    return layouts, errors


#: properties the runtime honours today; the pages mark every other setting "not applied yet".
APPLIED_PROPERTIES = {
    "token_lifetime_minutes", "refresh_token_lifetime_days", "refresh_token_sliding_window",
    "refresh_token_sliding_window_days", "issuer_style", "subject", "user_flow_claim",
    "session_lifetime_minutes", "session_timeout", "sso_scope", "require_id_token_in_logout",
    "password_complexity", "self_service_password_reset", "javascript_enabled", "mfa_method",
    "mfa_enforcement",
}
