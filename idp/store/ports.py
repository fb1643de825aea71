"""The engine's ports, built over the database for the current tenant."""
from __future__ import annotations

import time

import requests

from ..engine.lockout import LockoutPolicy
from ..engine.ports import ConnectorResponse, Ports
from ..extensions import db
from ..models import ApiConnector, Tenant
from .attributes import extensions_app_id, tenant_catalogue
from . import policy_keys
from .connector_client import MAX_RESPONSE_BYTES, _read_capped, call
from .directory import COLUMNS, SqlDirectory
from .federation import SqlFederation
from .hashing import new_token
from .mailer import MailboxMailer
from .tenant import tenant_settings


class SqlConnectors:
    """The engine's Connectors port: look the connector up, call it over HTTP."""

    def call(self, connector_id: str, body: dict) -> ConnectorResponse:
        # Commit what the run has written so far (at sign-up: the new account) before the
        # call: the connector may read it back (lab 05 asks Graph for the user), and an open
        # SQLite write would block that read until the call timed out.
        db.session.commit()
        connector = db.session.get(ApiConnector, connector_id)
        if connector is None:
            return ConnectorResponse(None, "", 0, 0, "the API connector attached to this step "
                                                     "was deleted")
        result = call(connector, body)
        return ConnectorResponse(result.status, result.body, result.latency_ms,
                                 result.attempts, result.error)


class AadSqlDirectory(SqlDirectory):
    """The directory with the Azure AD technical profile's side too (custom policies,
    :class:`idp.engine.ief.aad.AadDirectory`): accounts by Graph attribute names."""

    def find_user(self, identifier: str, value: str) -> str | None:
        value = (value or "").strip()
        if identifier == "objectId":
            user = self._user(value) if value else None
            return user.object_id if user is not None else None
        if identifier == "userPrincipalName":  # B2C Lab's UPN is {objectId}@{tenant domain}
            local, _, domain = value.partition("@")
            return self.find_user("objectId", local) if domain.lower() == self.issuer else None
        types = {"signInNames.emailAddress": ("emailAddress",),
                 "signInNames.userName": ("userName",),
                 "signInNames": ("emailAddress", "userName")}[identifier]
        for sign_in_type in types:
            account = self.find_local_account(sign_in_type, value)
            if account is not None:
                return account.object_id
        return None

    def read_user(self, object_id: str) -> dict:
        user = self._user(object_id)
        if user is None:
            return {}
        values = {k: v for k, v in user.attributes.items()}
        values.update({claim: getattr(user, column) for claim, column in COLUMNS.items()
                       if getattr(user, column)})
        values.update(objectId=user.object_id, accountEnabled=bool(user.account_enabled),
                      userPrincipalName=f"{user.object_id}@{self.issuer}")
        for identity in user.identities:
            if identity.issuer == self.issuer and identity.sign_in_type in ("emailAddress",
                                                                            "userName"):
                values[f"signInNames.{identity.sign_in_type}"] = identity.issuer_assigned_id
        return values

    def create_user(self, *, sign_in_type: str, sign_in_name: str, password: str | None,
                    attributes: dict) -> str:
        extra = {k: v for k, v in attributes.items() if k != "accountEnabled"}
        object_id = self.create_local_account(
            sign_in_type=sign_in_type, sign_in_name=sign_in_name,
            email=sign_in_name if sign_in_type == "emailAddress" else None,
            # no password persisted: an account nobody can sign in to with one
            password=password or new_token(), attributes=extra)
        if attributes.get("accountEnabled") is False:
            self._user(object_id).account_enabled = False
        return object_id

    def update_user(self, object_id: str, attributes: dict, password: str | None = None) -> None:
        rest = dict(attributes)
        if "accountEnabled" in rest:
            self._user(object_id).account_enabled = bool(rest.pop("accountEnabled"))
        if rest:
            self.update_attributes(object_id, rest)
        if password:
            self.set_password(object_id, password)

    def delete_attributes(self, object_id: str, names: list) -> None:
        self.update_attributes(object_id, {name: None for name in names})

    def delete_user(self, object_id: str) -> None:
        user = self._user(object_id)
        if user is not None:
            db.session.delete(user)
            self._held.pop(object_id, None)


class HttpRest:
    """The RESTful technical profile's HTTP client (custom policies): the request as the
    engine built it, the timeout always applied, one retry when there is no answer, no
    redirects followed, a 1 MB cap on the answer; never raises for network trouble."""

    def send(self, rest) -> ConnectorResponse:
        db.session.commit()  # as SqlConnectors: the API may read back what the run wrote
        start = time.monotonic()
        attempts, error = 0, None
        while attempts <= rest.retries:
            attempts += 1
            try:
                with requests.request(rest.method, rest.url, headers=dict(rest.headers),
                                      json=rest.json,
                                      data=list(rest.form) if rest.form is not None else None,
                                      params=list(rest.query), timeout=rest.timeout,
                                      allow_redirects=False, stream=True) as response:
                    text = _read_capped(response)
                return ConnectorResponse(response.status_code, text,
                                         int((time.monotonic() - start) * 1000), attempts)
            except requests.Timeout:
                error = f"there was no answer within {rest.timeout:g} s"
            except requests.ConnectionError as refused:
                error = f"the connection failed ({refused.__class__.__name__})"
            except ValueError:
                return ConnectorResponse(None, "", int((time.monotonic() - start) * 1000),
                                         attempts, f"the response is larger than "
                                                   f"{MAX_RESPONSE_BYTES // 1024} KB")
        return ConnectorResponse(None, "", int((time.monotonic() - start) * 1000), attempts,
                                 f"{error}, after {attempts} attempt{'s' * (attempts > 1)}")


class PolicyKeySecrets:
    """Policy key containers' secrets for the RESTful profile's authentication."""

    def secret(self, name: str) -> str:
        try:
            return policy_keys.secret_value(name)
        except ValueError as problem:  # PolicyKeyError, or sealed under another SECRET_KEY
            raise LookupError(str(problem)) from None


def make_ports(tenant: Tenant, attributes: dict | None = None,
               transaction_id: str = "") -> Ports:
    """The ports over the database; ``attributes`` is the tenant's catalogue when the caller
    has read it already; ``transaction_id`` the run the federation port's state names."""
    settings = tenant_settings(tenant)
    return Ports(AadSqlDirectory(tenant.domain), MailboxMailer(), tenant.name,
                 LockoutPolicy(settings["lockout_threshold"],
                               settings["lockout_duration_seconds"]),
                 connectors=SqlConnectors(),
                 attributes=tenant_catalogue() if attributes is None else attributes,
                 extensions_app_id=extensions_app_id(), tenant_domain=tenant.domain,
                 federation=SqlFederation(transaction_id),
                 rest=HttpRest(), policy_keys=PolicyKeySecrets(), tenant_id=tenant.tenant_id)
