"""A user's Properties: the built-in columns and attributes, and the tenant's custom attributes
(``extension_<Name>`` in ``DirectoryUser.attributes``), with the Graph ``modifiedProperties``
list an "Update user" audit record carries."""
from __future__ import annotations

import json
from typing import Any

from ...extensions import db
from ...models import DirectoryUser, UserAttribute
from .forms import PROPERTY_FIELDS, UserPropertiesForm, properties_form

#: form field -> (DirectoryUser column, Graph property name as modifiedProperties shows it)
COLUMNS = {"display_name": "DisplayName", "given_name": "GivenName", "surname": "Surname"}
#: Graph name -> label on the user's page.
LABELS = {**{name: label for name, label, _size in PROPERTY_FIELDS}, "otherMails": "Other emails"}


def custom_claims(user: DirectoryUser | None = None) -> list[tuple[str, str]]:
    """``[(claim, data type)]``: the tenant's custom attributes, then any other
    ``extension_*`` value the user holds (an attribute deleted since, say) as String."""
    defined = [(f"extension_{r.name}", r.data_type) for r in db.session.execute(
        db.select(UserAttribute).order_by(UserAttribute.name)).scalars()]
    known = {claim for claim, _ in defined}
    extra = sorted(k for k in (user.attributes if user else {}) or {}
                   if k.startswith("extension_") and k not in known)
    return defined + [(k, "String") for k in extra]


def edit_form(user: DirectoryUser) -> UserPropertiesForm:
    attributes = user.attributes or {}
    data: dict[str, Any] = {field: getattr(user, field) for field in COLUMNS}
    data.update({name: attributes.get(name) for name, _label, _size in PROPERTY_FIELDS})
    custom = custom_claims(user)
    for claim, data_type in custom:
        value = attributes.get(claim)
        data[claim] = bool(value) if data_type == "Boolean" else (
            "" if value is None else str(value))
    return properties_form(custom, data=data)


def _typed(value: Any, data_type: str) -> Any:
    if data_type == "Boolean":
        return bool(value)
    value = (value or "").strip()
    if not value:
        return None
    return int(value) if data_type == "Int" else value


def apply_properties(user: DirectoryUser, form: UserPropertiesForm) -> list[dict]:
    """Copy the form onto ``user``; return the modifiedProperties (empty: nothing changed)."""
    old: dict[str, Any] = {label: getattr(user, field) for field, label in COLUMNS.items()}
    new: dict[str, Any] = {label: (getattr(form, field).data or "").strip() or None
                           for field, label in COLUMNS.items()}
    attributes = dict(user.attributes or {})
    typed = [(name, "String") for name, _label, _size in PROPERTY_FIELDS] + custom_claims(user)
    for name, data_type in typed:
        old[name] = attributes.get(name)
        new[name] = _typed(getattr(form, name).data, data_type)
        if new[name] is False and old[name] is None:
            new[name] = None  # an unticked box on a never-set Boolean: leave it unset
        if new[name] is None:
            attributes.pop(name, None)
        else:
            attributes[name] = new[name]
    for field, label in COLUMNS.items():
        setattr(user, field, new[label])
    user.attributes = attributes
    return modified(old, new)


def _graph_value(value: Any) -> str:
    return "[]" if value is None else json.dumps([value])


def modified(old: dict[str, Any], new: dict[str, Any]) -> list[dict]:
    """Graph ``modifiedProperty`` entries for the keys whose value changed; values are
    JSON arrays in strings, as Graph writes them (``"[\\"Seattle\\"]"``)."""
    return [{"displayName": key, "oldValue": _graph_value(old.get(key)),
             "newValue": _graph_value(value)}
            for key, value in new.items() if old.get(key) != value]
