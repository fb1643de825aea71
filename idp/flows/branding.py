"""Company branding assets for the sign-in pages: ``/branding/banner-logo``,
``/branding/background-image`` and ``/branding/colors.css``.  Part of the IdP, not the portal:
anonymous sign-in pages load them.  The URLs carry ``?v=<version>``, so they may be cached."""
from __future__ import annotations

from flask import abort, make_response, request

from ..store import branding
from ..store.tenant import current_tenant
from . import bp

CACHE = "public, max-age=86400"


@bp.get("/branding/<kind>", endpoint="branding")
def branding_asset(kind: str):
    tenant = current_tenant()
    if kind == "colors.css":
        body, content_type, etag = branding.colors_css(tenant), "text/css", None
        if not body:
            abort(404)
    else:
        found = branding.image(tenant, kind)
        if found is None:
            abort(404)
        body, content_type, etag = found
    response = make_response(body)
    response.headers["Content-Type"] = content_type
    response.headers["Cache-Control"] = CACHE  # set before security.py's no-store default
    if etag:
        response.set_etag(etag)
        response.make_conditional(request)
    return response
