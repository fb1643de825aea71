"""Facebook, Google and OpenID Connect providers: add, edit (same page), delete.

Delete: B2C Lab's choice (B2C's own behaviour is unverified) is the API connectors' one: a
provider that user flows tick is deleted only once confirmed, and is then removed from them;
it is refused while a flow would be left with nothing to sign in with (local accounts "None"
and no other provider), naming those flows.

Audit category "Resource", as B2C files identity providers; records never carry the secret.
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from ...extensions import db
from ...models import IDP_KINDS, IdentityProvider, UserFlow
from ...store import identity_providers as store
from ..common import audit_change, get_or_404
from . import bp
from .discovery import document_problem
from .provider_forms import OidcProviderForm, SocialProviderForm

CATEGORY = "Resource"
#: what a sign-up's example shows the provider returning, per mapping field
EXAMPLE_VALUES = {"user_id": "1029384756", "display_name": "Ada Lovelace", "given_name": "Ada",
                  "surname": "Lovelace", "email": "ada@example.com"}


def _form(kind: str, provider: IdentityProvider | None):
    if kind == "oidc":
        data = None
        if provider is not None:
            mapping = store.claims_mapping(provider)
            data = {"display_name": provider.display_name, "client_id": provider.client_id,
                    "metadata_url": provider.metadata_url, "scope": provider.scope,
                    "response_type": provider.response_type,
                    "response_mode": provider.response_mode,
                    "domain_hint": provider.domain_hint,
                    **{f"map_{key}": value for key, value in mapping.items()}}
        return OidcProviderForm(kind, provider, data=data)
    return SocialProviderForm(kind, provider, obj=provider)


@bp.route("/new/<kind>", methods=["GET", "POST"])
def create(kind: str):
    if kind not in IDP_KINDS:
        abort(404)
    if kind in store.ISSUER_NAMES:
        # B2C configures Facebook and Google once per tenant: "Facebook" opens the existing one.
        existing = db.session.scalars(db.select(IdentityProvider).filter_by(kind=kind)).first()
        if existing is not None:
            flash(f"{IDP_KINDS[kind]} is already configured as '{existing.display_name}': "
                  "edit it here.", "success")
            return redirect(url_for(".update_provider", provider_id=existing.id), 303)
    form = _form(kind, None)
    if request.method == "GET" and kind in store.ISSUER_NAMES:
        form.display_name.data = IDP_KINDS[kind]
    if form.validate_on_submit() and _discovered(form):
        provider = IdentityProvider(kind=kind)
        _apply(provider, form)
        db.session.add(provider)
        db.session.flush()
        _audit("Create identity provider", provider)
        db.session.commit()
        flash(f"Identity provider '{provider.display_name}' created. Tick it on a user flow's "
              "Identity providers page to show its button." + _issuer_note(form), "success")
        return redirect(url_for(".update_provider", provider_id=provider.id), 303)
    return _page(form, kind, None, 200 if request.method == "GET" else 400)


@bp.route("/<provider_id>/", methods=["GET", "POST"])
def update_provider(provider_id: str):
    provider = get_or_404(IdentityProvider, provider_id)
    form = _form(provider.kind, provider)
    if form.validate_on_submit() and _discovered(form):
        _apply(provider, form)
        _audit("Update identity provider", provider)
        db.session.commit()
        flash(f"Identity provider '{provider.display_name}' saved." + _issuer_note(form),
              "success")
        return redirect(url_for(".update_provider", provider_id=provider.id), 303)
    return _page(form, provider.kind, provider, 200 if request.method == "GET" else 400)


def _discovered(form) -> bool:
    """On Save of an OpenID Connect provider: fetch its discovery document."""
    if not isinstance(form, OidcProviderForm):
        return True
    document, problem = document_problem(form.metadata_url.data, form.response_type.data)
    if problem:
        form.metadata_url.errors = [*form.metadata_url.errors, problem]
        return False
    form.discovered_issuer = document["issuer"]
    return True


def _issuer_note(form) -> str:
    issuer = getattr(form, "discovered_issuer", None)
    return (f" Its discovery document names the issuer {issuer}: the ID token's iss, which "
            "federated identities record.") if issuer else ""


def _apply(provider: IdentityProvider, form) -> None:
    provider.display_name, provider.client_id = form.display_name.data, form.client_id.data
    if form.client_secret.data:
        store.set_client_secret(provider, form.client_secret.data)
    if isinstance(form, OidcProviderForm):
        provider.metadata_url = form.metadata_url.data
        provider.scope = form.scope.data
        provider.response_type = form.response_type.data
        provider.response_mode = form.response_mode.data
        provider.domain_hint = form.domain_hint.data or None
        provider.claims_mapping = form.mapping()
    else:
        provider.scope = store.DEFAULT_SCOPES[provider.kind]
        provider.response_type, provider.response_mode = "code", "query"
        provider.claims_mapping = dict(store.DEFAULT_MAPPINGS[provider.kind])


def _audit(activity: str, provider: IdentityProvider) -> None:
    audit_change(activity, category=CATEGORY, IdentityProviderId=provider.id,
                 displayName=provider.display_name, identityProviderType=IDP_KINDS[provider.kind],
                 clientId=provider.client_id,
                 metadataUrl=provider.metadata_url if provider.kind == "oidc" else None,
                 claimsMapping=(", ".join(f"{k}={v}" for k, v in provider.claims_mapping.items()
                                          if v) if provider.kind == "oidc" else None))


def mapping_rows(kind: str, mapping: dict[str, str]) -> list[dict]:
    """Each mapping field: its label, the provider's claim, the B2C claim it seeds and, for an
    example sign-in, the value the sign-up starts with."""
    example = {claim: EXAMPLE_VALUES[field] for field, claim in mapping.items() if claim}
    seeded = store.seeded_claims(mapping, example)
    return [{"field": field, "label": label, "provider_claim": mapping.get(field) or "",
             "b2c_claim": store.MAPPED_CLAIMS[field],
             "example": seeded.get(store.MAPPED_CLAIMS[field])}
            for field, label in store.MAPPING_FIELDS.items()]


def _page(form, kind: str, provider: IdentityProvider | None, status: int):
    mapping = store.claims_mapping(provider) if provider is not None else \
        dict(store.DEFAULT_MAPPINGS[kind])
    if isinstance(form, OidcProviderForm) and request.method == "POST":
        mapping = {**store.DEFAULT_MAPPINGS["oidc"], **form.mapping()}
    return render_template(
        "portal/identity_providers/provider.html", form=form, kind=kind, kind_label=IDP_KINDS[kind],
        provider=provider, reply_url=store.reply_url(), rows=mapping_rows(kind, mapping),
        console=store.practice_root(kind) + "/" if kind in store.ISSUER_NAMES else None,
        # OpenID Connect: the ID token's iss, known at sign-in (the flash after Save names it)
        issuer=store.ISSUER_NAMES.get(kind),
        flows=store.flows_using(provider.id) if provider is not None else []), status


def stranded(provider: IdentityProvider, flows: list[UserFlow]) -> list[UserFlow]:
    """The flows that would have nothing to sign in with once ``provider`` is removed."""
    left = []
    for flow in flows:
        others = [p for p in store.providers_for_flow(flow.config) if p.id != provider.id]
        if (flow.config or {}).get("local_account_type") == "none" and not others:
            left.append(flow)
    return left


@bp.post("/<provider_id>/delete")
def delete_provider(provider_id: str):
    provider = get_or_404(IdentityProvider, provider_id)
    flows = store.flows_using(provider.id)
    blocked = stranded(provider, flows)
    if blocked or (flows and request.form.get("confirm") != "yes"):
        return render_template("portal/identity_providers/delete.html", provider=provider,
                               flows=flows, blocked=blocked), 409
    for flow in flows:
        ids = [str(v) for v in flow.config.get("identity_providers") or [] if str(v) != provider.id]
        flow.config = {**flow.config, "identity_providers": ids}
    audit_change("Delete identity provider", category=CATEGORY, IdentityProviderId=provider.id,
                 displayName=provider.display_name, identityProviderType=IDP_KINDS[provider.kind],
                 removedFrom=", ".join(f.name for f in flows) or None)
    db.session.delete(provider)
    db.session.commit()
    flash(f"Identity provider '{provider.display_name}' deleted"
          + (f" and removed from {', '.join(f.name for f in flows)}." if flows else "."),
          "success")
    return redirect(url_for(".index"), 303)
