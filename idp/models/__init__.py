"""SQLAlchemy models: data only (decisions live in ``idp.engine``, HTTP in the blueprints)."""
from .admin_account import AdminAccount
from .api_connector import AUTH_TYPES, ApiConnector
from .app_registration import PLATFORMS, AppRegistration, ClientSecret
from .app_role_assignment import AppRoleAssignment
from .audit_record import AuditRecord
from .custom_policy import KEY_TYPES, KEY_USAGES, CustomPolicy, PolicyKey
from .directory_user import DirectoryUser, UserIdentity
from .flow_transaction import FlowTransaction
from .grant import AuthorizationCode, RefreshToken
from .identity_provider import KINDS as IDP_KINDS, IdentityProvider
from .mail_message import MailMessage
from .signing_key import SigningKey
from .sso_session import SsoSession
from .tenant import Tenant
from .user_attribute import DATA_TYPES, UserAttribute
from .user_flow import UserFlow

__all__ = [
    "AdminAccount", "ApiConnector", "AUTH_TYPES", "AppRegistration", "AppRoleAssignment", "DATA_TYPES", "AuditRecord", "AuthorizationCode", "ClientSecret",
    "CustomPolicy", "IDP_KINDS", "IdentityProvider", "KEY_TYPES", "KEY_USAGES", "PolicyKey",
    "DirectoryUser", "FlowTransaction", "MailMessage", "PLATFORMS", "RefreshToken",
    "SigningKey", "SsoSession", "Tenant", "UserAttribute", "UserFlow", "UserIdentity",
]
