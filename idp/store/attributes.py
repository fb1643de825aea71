"""The tenant's attribute catalogue: B2C's built-ins plus the custom attributes defined in the
portal, as the engine's AttributeDef (so user flows can collect and return them)."""
from __future__ import annotations

import sqlalchemy as sa

from ..engine.attributes import AttributeDef, catalogue, custom_attribute
from ..extensions import db
from ..models import AppRegistration, UserAttribute

EXTENSIONS_APP_PREFIX = "b2c-extensions-app"
# Built once (see idp/store/tenant.py): the flow pages read these on every request.
_CUSTOM = sa.select(UserAttribute.name, UserAttribute.data_type,
                    UserAttribute.description).order_by(UserAttribute.name)
_EXTENSIONS_APP = sa.select(AppRegistration.client_id).where(
    AppRegistration.name.startswith(EXTENSIONS_APP_PREFIX)).limit(1)


def custom_attributes() -> tuple[AttributeDef, ...]:
    rows = db.session.execute(_CUSTOM)
    return tuple(custom_attribute(name, data_type, description)
                 for name, data_type, description in rows)


def tenant_catalogue() -> dict[str, AttributeDef]:
    """Every attribute the tenant knows, by claims-bag name."""
    return catalogue(custom_attributes())


def extensions_app_id() -> str:
    """The client id of the ``b2c-extensions-app`` (custom attributes' Graph names use it)."""
    client_id = db.session.execute(_EXTENSIONS_APP).scalar()
    return client_id or "00000000-0000-0000-0000-000000000000"
