"""The per-flow pages: Properties, Identity providers, User attributes, Application claims,
Page layouts, API connectors (Languages: :mod:`.languages`).  Settings the runtime does not
honour yet are saved, shown, and marked "not applied yet" on the page."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from ...engine.page_layouts import ROWS_BY_FLOW_TYPE, uses_custom_page
from ...engine.user_flows import properties as flow_properties
from ...extensions import db
from ...models import IDP_KINDS, UserFlow
from ...store.attributes import tenant_catalogue
from ...store.identity_providers import list_providers
from ..api_connectors.attachments import attachment_update
from ..api_connectors.attachments import tab_context as connector_tab_context
from ..common import audit_change, get_or_404
from . import bp
from .config import APPLIED_PROPERTIES, INPUT_TYPES, PAGE_TYPES, TEMPLATES, \
    attribute_selection, page_layout_update, page_layouts_update
from .forms import FEDERATING_TYPES, LOCAL_ACCOUNTS, FlowIdentityProvidersForm, PropertiesForm


def _save(flow: UserFlow, config: dict, what: str) -> None:
    flow.config = config  # a new dict: the JSON column sees the change
    audit_change("Update user flow", category="Policy", policy=flow.name, changed=what)
    db.session.commit()
    flash(f"{what} of {flow.name} saved. The next run uses them, in every worker.", "success")


def _tab(template: str, flow: UserFlow, **context):
    return render_template(f"portal/user_flows/{template}.html", flow=flow, tab=template,
                           **context)


@bp.route("/<int:flow_id>/properties", methods=["GET", "POST"])
def properties(flow_id: int):
    flow = get_or_404(UserFlow, flow_id)
    props = flow_properties(flow.config)
    form = PropertiesForm(data=_form_data(props))
    if form.validate_on_submit():
        updated = _properties_from(form)
        _save(flow, {**flow.config, "properties": {**flow.config.get("properties", {}),
                                                   **updated}}, "Properties")
        return redirect(url_for(".properties", flow_id=flow.id), 303)
    return _tab("properties", flow, form=form, applied=APPLIED_PROPERTIES)


def _form_data(props: dict) -> dict:
    data = {**props, "require_id_token_in_logout":
            "yes" if props["require_id_token_in_logout"] else "no"}
    custom = props["password_complexity"]
    if isinstance(custom, dict):  # Custom complexity is stored as its settings
        data.update(password_complexity="Custom",
                    custom_character_set=custom.get("character_set", "All"),
                    custom_min_length=custom.get("min_length", 8),
                    custom_max_length=custom.get("max_length", 64),
                    custom_classes_required=str(custom.get("classes_required", 2)))
    return data


def _properties_from(form: PropertiesForm) -> dict:
    updated = {name: field.data for name, field in form._fields.items()
               if name != "csrf_token" and not name.startswith("custom_")}
    updated["require_id_token_in_logout"] = updated["require_id_token_in_logout"] == "yes"
    if updated["password_complexity"] == "Custom":
        numbers = form.custom_character_set.data == "Numbers only"
        updated["password_complexity"] = {
            "character_set": form.custom_character_set.data,
            "min_length": form.custom_min_length.data, "max_length": form.custom_max_length.data,
            "classes_required": 0 if numbers else int(form.custom_classes_required.data)}
    return updated


@bp.route("/<int:flow_id>/identity-providers", methods=["GET", "POST"])
def identity_providers(flow_id: int):
    """Local accounts plus a tick per configured provider (``config["identity_providers"]``:
    provider ids; the sign-in page shows their buttons in this order: the ones already ticked
    keep their place, new ticks follow in the list's order)."""
    flow = get_or_404(UserFlow, flow_id)
    providers = list_providers() if flow.flow_type in FEDERATING_TYPES else []
    ticked = [str(v) for v in flow.config.get("identity_providers") or []]
    form = FlowIdentityProvidersForm(data={
        "local_account_type": flow.config.get("local_account_type", "email"),
        "identity_providers": ticked})
    form.identity_providers.choices = [(p.id, p.display_name) for p in providers]
    if form.validate_on_submit():
        chosen = set(form.identity_providers.data or [])
        order = [i for i in ticked if i in chosen] + [p.id for p in providers
                                                      if p.id in chosen and p.id not in ticked]
        _save(flow, {**flow.config, "local_account_type": form.local_account_type.data,
                     "identity_providers": order}, "Identity providers")
        return redirect(url_for(".identity_providers", flow_id=flow.id), 303)
    status = 400 if request.method == "POST" else 200
    return _tab("identity_providers", flow, form=form, choices=LOCAL_ACCOUNTS,
                providers=providers, kinds=IDP_KINDS,
                federating=flow.flow_type in FEDERATING_TYPES), status


@bp.route("/<int:flow_id>/user-attributes", methods=["GET", "POST"])
def user_attributes(flow_id: int):
    return _attribute_tab(flow_id, "user_attributes", "User attributes")


@bp.route("/<int:flow_id>/application-claims", methods=["GET", "POST"])
def application_claims(flow_id: int):
    return _attribute_tab(flow_id, "application_claims", "Application claims")


def _attribute_tab(flow_id: int, key: str, title: str):
    """Both pages post the whole table; each keeps the other column as it was."""
    flow = get_or_404(UserFlow, flow_id)
    catalogue = tenant_catalogue()
    if request.method == "POST":
        form = dict(request.form)
        if key == "user_attributes":
            form.update({f"return:{c}": "on" for c in flow.config.get("application_claims", [])})
        else:
            form.update({f"collect:{a['claim']}": "on"
                         for a in flow.config.get("user_attributes", [])})
        collected, returned = attribute_selection(form, catalogue,
                                                  flow.config.get("user_attributes", []))
        _save(flow, {**flow.config, "user_attributes": collected,
                     "application_claims": returned}, title)
        return redirect(url_for(f".{key}", flow_id=flow.id), 303)
    return _tab("attributes", flow, key=key, title=title, catalogue=catalogue,
                collected={a["claim"] for a in flow.config.get("user_attributes", [])},
                returned=set(flow.config.get("application_claims", [])))


@bp.route("/<int:flow_id>/page-layouts", methods=["GET", "POST"])
def page_layouts(flow_id: int):
    flow = get_or_404(UserFlow, flow_id)
    rows = ROWS_BY_FLOW_TYPE.get(flow.config.get("type", "signUpOrSignIn"), PAGE_TYPES)
    layouts, errors = flow.config.get("page_layouts", {}), {}
    if request.method == "POST":
        updated, errors = page_layout_update(request.form, flow.config.get("user_attributes", []))
        layouts, row_errors = page_layouts_update(request.form, rows, layouts)
        errors.update(row_errors)
        if not errors:
            _save(flow, {**flow.config, "user_attributes": updated, "page_layouts": layouts},
                  "Page layouts")
            return redirect(url_for(".page_layouts", flow_id=flow.id), 303)
    return _tab("page_layouts", flow, catalogue=tenant_catalogue(), errors=errors, pages=rows,
                templates=TEMPLATES, input_types=INPUT_TYPES, layouts=layouts,
                uses_custom_page=uses_custom_page), 200 if not errors else 400


@bp.route("/<int:flow_id>/api-connectors", methods=["GET", "POST"])
def api_connectors(flow_id: int):
    """Which API connector runs at each step the flow type offers (b2c-reference §1.2)."""
    flow = get_or_404(UserFlow, flow_id)
    errors: list[str] = []
    if request.method == "POST":
        attached, errors = attachment_update(request.form, flow)
        if not errors:
            _save(flow, {**flow.config, "api_connectors": attached}, "API connectors")
            return redirect(url_for(".api_connectors", flow_id=flow.id), 303)
    return _tab("api_connectors", flow, errors=errors,
                **connector_tab_context(flow)), 400 if errors else 200
