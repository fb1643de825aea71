"""Drawing a user-flow page with its Page layouts row (b2c-reference §6.1-§6.4).

Every page template extends ``flows/_layout.html``, which extends the chosen layout:
Ocean Blue, Slate Gray or Classic (full pages), or ``fragment`` (the ``#api`` content alone,
to merge into a custom page).  Company branding reaches the Ocean Blue and Slate Gray layouts
as ``branding`` URLs, and custom pages through their ``data-tenant-branding-*`` hooks.
"""
from __future__ import annotations

from typing import Any, Mapping

from flask import make_response, render_template, request

from ..engine.page_layouts import (PageLayout, custom_page_url, page_type,
                                   resolve_layout)
from ..engine.user_flows import properties
from ..models import Tenant
from ..store.branding import branding_urls
from .custom_page import (CustomPageError, custom_page_csp, fetch_custom_page,
                          no_api_error)
from .html_merge import NoApiElement, merge_custom_page

#: pageFlavor -> the layout template
LAYOUT_FILES = {"oceanBlue": "flows/layouts/ocean_blue.html",
                "slateGray": "flows/layouts/slate_gray.html",
                "classic": "flows/layouts/classic.html"}
FRAGMENT = "flows/layouts/fragment.html"
EXCEPTION_HEADING = "Sorry, but we're having trouble signing you in."


def render_flow_page(template: str, view: Mapping[str, Any], *, tenant: Tenant, policy: str,
                     config: Mapping[str, Any], profile_id: str | None = None,
                     status: int = 200, allow_custom: bool = True, **context: Any):
    """The response for one page: ``template`` (a page extending ``flows/_layout.html``) in
    the layout its row chooses, or merged into the row's custom page."""
    layout = resolve_layout(config, page_type(view, profile_id), request.args.get("pageFlavor"))
    common = {"view": view, "tenant": tenant, "policy": policy,
              "branding": branding_urls(tenant), "page_row": layout.row, **context}
    if layout.custom_page_uri and allow_custom:
        return _custom_page(template, layout, common, config, status)
    html = render_template(template, layout_template=LAYOUT_FILES[layout.flavor],
                           page_flavor=layout.flavor, **common)
    return make_response(html, status)


def _custom_page(template: str, layout: PageLayout, common: dict, config, status: int):
    view = common["view"]
    language = view.get("language", "en")
    url = custom_page_url(layout.custom_page_uri or "", language)
    javascript = bool(properties(config).get("javascript_enabled"))
    try:
        page = fetch_custom_page(url, layout.row)
        fragment = render_template(template, layout_template=FRAGMENT, page_flavor="custom",
                                   **common)
        merged = merge_custom_page(page, fragment, allow_scripts=javascript, language=language,
                                   branding=common["branding"], page_name=view["contract"])
    except NoApiElement:
        return _fallback_error(no_api_error(url, layout.row), common, config)
    except CustomPageError as error:
        return _fallback_error(error, common, config)
    response = make_response(merged.html, status)
    # security.py only sets its policy when none is set: this one adds the page's origin.
    response.headers["Content-Security-Policy"] = custom_page_csp(
        url, javascript=javascript, script_hashes=merged.script_hashes,
        style_hashes=merged.style_hashes)
    return response


def _fallback_error(error: CustomPageError, common: dict, config):
    from ..protocol.errors import correlation  # the protocol layer imports this module

    # allow_custom=False: the Error page's own custom page may be the one that failed.
    return render_exception(error, tenant=common["tenant"], policy=common["policy"],
                            config=config, status=error.status, allow_custom=False,
                            **correlation())


def render_exception(error, *, tenant: Tenant, policy: str, config: Mapping[str, Any],
                     status: int, details: Mapping[str, Any] | None = None,
                     allow_custom: bool = True, **info: Any):
    """B2C's error page (``globalexception``) in the flow's Error page layout."""
    view = {"contract": "globalexception", "content_definition": "api.error",
            "heading": EXCEPTION_HEADING}
    return render_flow_page("flows/exception.html", view, tenant=tenant, policy=policy,
                            config=config, status=status, allow_custom=allow_custom,
                            error=error, details=details or {}, **info)


