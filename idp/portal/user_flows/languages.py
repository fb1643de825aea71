"""User flow > Languages (b2c-reference §6.5): enable language customization, choose the
enabled languages and the default, and per language and page the page-level resources files
(Download defaults, Download overrides, Upload overrides).  Settings live in
``flow.config["languages"]``; the checks of an uploaded file are in
:mod:`idp.engine.localized_strings`."""
from __future__ import annotations

import json

from flask import Response, abort, flash, redirect, render_template, request, url_for

from ...engine.languages import B2C_LANGUAGES, SUPPORTED, LanguageSettings
from ...engine.localized_strings import (PAGES, LocalizedStringsError, defaults_document,
                                         flow_pages, overrides_document, page_claims,
                                         parse_localized_strings)
from ...engine.user_flows import compile_user_flow
from ...extensions import db
from ...models import UserFlow
from ...store.attributes import tenant_catalogue
from ...store.federation import social_providers
from ..common import audit_change, get_or_404
from . import bp
from .forms import LanguagesForm, LocalizedStringsForm

MAX_UPLOAD_BYTES = 1024 * 1024


def _journey(flow: UserFlow):
    try:
        # with its identity providers, so the social sign-up page's strings are listed too
        return compile_user_flow(flow.name, flow.config, tenant_catalogue(),
                                 social_providers(flow.config))
    except ValueError:  # ROPC, or no identity provider: the flow shows no pages
        return None


def _save(flow: UserFlow, languages: dict, what: str) -> None:
    flow.config = {**flow.config, "languages": languages}  # a new dict: the JSON column sees it
    audit_change("Update user flow", category="Policy", policy=flow.name, changed=what)
    db.session.commit()
    flash(f"{what} of {flow.name} saved. The next run uses them, in every worker.", "success")


def _page(flow: UserFlow, form: LanguagesForm, status: int = 200):
    journey = _journey(flow)
    settings = LanguageSettings.from_config(flow.config)
    return render_template(
        "portal/user_flows/languages.html", flow=flow, tab="languages", form=form,
        settings=settings, all_languages=B2C_LANGUAGES, supported=SUPPORTED,
        pages=[(p, PAGES[p].name) for p in (flow_pages(journey) if journey else [])],
        max_upload=MAX_UPLOAD_BYTES), status


@bp.route("/<int:flow_id>/languages", methods=["GET", "POST"])
def languages(flow_id: int):
    flow = get_or_404(UserFlow, flow_id)
    form = LanguagesForm(data=_form_data(flow))
    if form.validate_on_submit():
        _save(flow, {**flow.config.get("languages", {}), "enabled": form.enabled.data,
                     "default": form.default_language.data,
                     "enabled_languages": form.enabled_languages.data}, "Languages")
        return redirect(url_for(".languages", flow_id=flow.id), 303)
    return _page(flow, form, 400 if form.errors else 200)


def _flow_page(flow_id: int, language: str, page: str):
    """The flow, its journey, and the page's claims; 404 for a language or page it lacks."""
    flow = get_or_404(UserFlow, flow_id)
    journey = _journey(flow)
    if language not in SUPPORTED or journey is None or page not in flow_pages(journey):
        abort(404)
    return flow, page_claims(journey, page)


def _json_download(document: dict, filename: str) -> Response:
    return Response(json.dumps(document, ensure_ascii=False, indent=2), mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/<int:flow_id>/languages/<language>/<page>/defaults")
def download_defaults(flow_id: int, language: str, page: str):
    flow, claims = _flow_page(flow_id, language, page)
    return _json_download(defaults_document(page, language, claims),
                          f"{flow.name}.{page}.{language}.defaults.json")


@bp.get("/<int:flow_id>/languages/<language>/<page>/overrides")
def download_overrides(flow_id: int, language: str, page: str):
    flow, _claims = _flow_page(flow_id, language, page)
    entries = LanguageSettings.from_config(flow.config).overrides.get(language, {}).get(page)
    return _json_download(overrides_document(entries),
                          f"{flow.name}.{page}.{language}.overrides.json")


@bp.post("/<int:flow_id>/languages/<language>/<page>/overrides")
def upload_overrides(flow_id: int, language: str, page: str):
    flow, _claims = _flow_page(flow_id, language, page)
    form = LocalizedStringsForm()
    try:
        if (request.content_length or 0) > MAX_UPLOAD_BYTES:
            raise LocalizedStringsError("The file is larger than 1 MB.")
        if not form.validate_on_submit():
            raise LocalizedStringsError(next(iter(form.errors.values()))[0])
        entries = parse_localized_strings(form.file.data.read(MAX_UPLOAD_BYTES + 1), page,
                                          tenant_catalogue().keys())
    except LocalizedStringsError as problem:
        flash(f"{PAGES[page].name} ({language}): {problem} Nothing was saved.", "error")
        return _page(flow, LanguagesForm(formdata=None, data=_form_data(flow)), 400)
    _store_overrides(flow, language, page, entries, f"Language overrides ({language}, {page})")
    return redirect(url_for(".languages", flow_id=flow.id), 303)


@bp.post("/<int:flow_id>/languages/<language>/<page>/overrides/delete")
def delete_overrides(flow_id: int, language: str, page: str):
    flow, _claims = _flow_page(flow_id, language, page)
    _store_overrides(flow, language, page, None, f"Language overrides ({language}, {page}) "
                                                 "removal")
    return redirect(url_for(".languages", flow_id=flow.id), 303)


def _form_data(flow: UserFlow) -> dict:
    settings = LanguageSettings.from_config(flow.config)
    return {"enabled": settings.enabled, "default_language": settings.default,
            "enabled_languages": list(settings.languages)}


def _store_overrides(flow: UserFlow, language: str, page: str, entries: list | None,
                     what: str) -> None:
    current = dict(flow.config.get("languages", {}))
    overrides = {lang: dict(pages) for lang, pages in current.get("overrides", {}).items()}
    by_page = overrides.setdefault(language, {})
    if entries is None:
        by_page.pop(page, None)
    else:
        by_page[page] = entries
    _save(flow, {**current, "overrides": overrides}, what)
