"""``labs check|solve`` for lab 06's end-state kinds (``labs.model``): an OpenID Connect
identity provider holding a practice provider's credentials, a user flow showing it, and a
user who signed in with it.

The practice provider's credentials are read from its folder (``instance/practice/<kind>``,
where ``practice_idps`` keeps the secret they derive from), not over HTTP: ``labs solve`` runs
from the command line, also while B2C Lab is stopped.
"""
from __future__ import annotations

from pathlib import Path

import click
from flask import current_app

from labs import model
from practice_idps import credentials, personas

from .extensions import db
from .models import IdentityProvider, UserFlow, UserIdentity
from .store.identity_providers import claims_mapping, client_secret, set_client_secret


def practice_credentials(kind: str) -> credentials.AppCredentials:
    """The client ID and secret shown on the practice provider's developer console."""
    folder = Path(current_app.instance_path) / "practice" / kind
    return credentials.app_credentials(kind, credentials.secret_key(folder))


def _base(value: str) -> str:
    return value.replace("{base}", current_app.config["IDP_PUBLIC_URL"])


def _provider(name: str) -> IdentityProvider | None:
    return db.session.execute(db.select(IdentityProvider).filter_by(
        display_name=name)).scalar_one_or_none()


def _flow(name: str) -> UserFlow | None:
    return db.session.execute(db.select(UserFlow).filter_by(
        name_key=name.lower())).scalar_one_or_none()


def _secret_matches(provider: IdentityProvider, wanted: str) -> bool:
    try:
        return client_secret(provider) == wanted
    except ValueError:  # sealed with another SECRET_KEY
        return False


def check_oidc_provider(item: model.OidcIdentityProvider, item_class):
    provider = _provider(item.display_name)
    creds = practice_credentials(item.practice)
    ok = (provider is not None and provider.kind == "oidc"
          and provider.metadata_url == _base(item.metadata_url)
          and provider.client_id == creds.client_id and _secret_matches(provider,
                                                                        creds.client_secret)
          and all(claims_mapping(provider).get(k) == v for k, v in item.claims_mapping.items()))
    mapping = ", ".join(f"{k} = {v}" for k, v in item.claims_mapping.items())
    return item_class(
        f"OpenID Connect identity provider {item.display_name} ({_base(item.metadata_url)}) "
        f"with the practice {item.practice.title()}'s client ID and secret", ok,
        f"Identity providers > + New OpenID Connect provider: Name {item.display_name}, "
        f"Metadata url {_base(item.metadata_url)}, the Client ID and Client secret of the "
        f"practice {item.practice.title()}'s developer console, claims mapping {mapping}.")


def solve_oidc_provider(item: model.OidcIdentityProvider) -> None:
    creds = practice_credentials(item.practice)
    provider = _provider(item.display_name) or IdentityProvider(
        kind="oidc", display_name=item.display_name)
    provider.kind, provider.metadata_url = "oidc", _base(item.metadata_url)
    provider.client_id, provider.scope = creds.client_id, item.scope
    provider.response_type, provider.response_mode = "code", "form_post"
    provider.claims_mapping = dict(item.claims_mapping)
    set_client_secret(provider, creds.client_secret)
    db.session.add(provider)


def _ticked(item: model.FlowIdentityProviders) -> tuple[UserFlow | None, list[str], list]:
    flow = _flow(item.flow)
    ticked = list((flow.config if flow else {}).get("identity_providers") or [])
    return flow, ticked, [_provider(name) for name in item.providers]


def check_flow_providers(item: model.FlowIdentityProviders, item_class):
    flow, ticked, providers = _ticked(item)
    ok = flow is not None and all(p is not None and p.id in ticked for p in providers)
    return item_class(f"user flow {item.flow} shows {', '.join(item.providers)} on its "
                      "sign-in page", ok,
                      f"User flows > {item.flow} > Identity providers: tick "
                      f"{', '.join(item.providers)} and Save.")


def solve_flow_providers(item: model.FlowIdentityProviders) -> None:
    db.session.flush()  # a provider solved just before has its id
    flow, ticked, providers = _ticked(item)
    if flow is None or None in providers:
        raise click.ClickException(f"No user flow {item.flow} or identity provider "
                                   f"{', '.join(item.providers)}: solve the lab from the start.")
    flow.config = {**flow.config, "identity_providers": list(dict.fromkeys(
        [*ticked, *(p.id for p in providers)]))}


DISCOVERY_SUFFIX = "/.well-known/openid-configuration"


def _issuer(provider: IdentityProvider | None) -> str | None:
    """The issuer of an OpenID Connect provider, read off its metadata URL: OpenID Connect
    Discovery (§4.3) requires the issuer to be that URL without the well-known suffix, and
    B2C Lab checks it on Save, so no request to the provider is needed."""
    url = provider.metadata_url if provider is not None else None
    return url[:-len(DISCOVERY_SUFFIX)] if url and url.endswith(DISCOVERY_SUFFIX) else None


def _federated_identity(issuer: str | None) -> UserIdentity | None:
    if issuer is None:
        return None
    return db.session.execute(db.select(UserIdentity).filter_by(
        sign_in_type="federated", issuer=issuer)).scalars().first()


def check_federated_user(item: model.FederatedUser, item_class):
    found = _federated_identity(_issuer(_provider(item.provider)))
    return item_class(f"a user who signed in with {item.provider}", found is not None,
                      f"Run the user flow, choose {item.provider}, sign in there and finish "
                      "the sign-up page: B2C Lab then holds the user and its federated "
                      "identity (Users shows it).")


def solve_federated_user(item: model.FederatedUser) -> None:
    from .store.directory import SqlDirectory
    from .store.tenant import current_tenant

    db.session.flush()  # a provider solved just before is readable
    issuer = _issuer(_provider(item.provider))
    if issuer is None:
        raise click.ClickException(f"No OpenID Connect identity provider {item.provider}: "
                                   "solve the lab from the start.")
    persona = next(p for p in personas.SEEDED[item.practice] if p.email == item.email)
    directory = SqlDirectory(current_tenant().domain)
    if directory.find_federated_account(issuer, persona.id) is None:
        directory.create_federated_account(
            issuer=issuer, issuer_user_id=persona.id, email=persona.email,
            attributes={"displayName": persona.name, "givenName": persona.given_name,
                        "surname": persona.family_name})


def kinds(item_class) -> dict:
    """``{kind: (check, solve)}`` for ``labs_admin.EXTRA_KINDS``; checks build
    ``item_class`` (labs_admin's ``Item``)."""
    return {model.OidcIdentityProvider: (lambda item: check_oidc_provider(item, item_class),
                                         solve_oidc_provider),
            model.FlowIdentityProviders: (lambda item: check_flow_providers(item, item_class),
                                          solve_flow_providers),
            model.FederatedUser: (lambda item: check_federated_user(item, item_class),
                                  solve_federated_user)}
