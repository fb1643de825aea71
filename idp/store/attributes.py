"""The tenant's attribute catalogue: B2C's built-ins plus the custom attributes defined in the
portal, as the engine's AttributeDef (so user flows can collect and return them)."""
from __future__ import annotations

from ..engine.attributes import AttributeDef, catalogue, custom_attribute
from ..extensions import db
from ..models import AppRegistration, UserAttribute

EXTENSIONS_APP_PREFIX = "b2c-extensions-app"


def custom_attributes() -> tuple[AttributeDef, ...]:
    rows = db.session.execute(db.select(UserAttribute).order_by(UserAttribute.name)).scalars()
    return tuple(custom_attribute(r.name, r.data_type, r.description) for r in rows)


def tenant_catalogue() -> dict[str, AttributeDef]:
    """Every attribute the tenant knows, by claims-bag name."""
    return catalogue(custom_attributes())


def extensions_app_id() -> str:
    """The client id of the ``b2c-extensions-app`` (custom attributes' Graph names use it)."""
    app = db.session.execute(db.select(AppRegistration).filter(
        AppRegistration.name.startswith(EXTENSIONS_APP_PREFIX))).scalars().first()
    return app.client_id if app else "00000000-0000-0000-0000-000000000000"
