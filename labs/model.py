"""What a lab is, as data: its steps (each a sentence, the actions on screen quoting the exact
labels, and a checkpoint), its troubleshooting list, what differs in real Azure AD B2C, and the
end state the tenant should reach.

One source, three readers: ``labs.readme`` renders the attendee's README from it, the browser
tests in ``tests/labs`` perform the same actions in Chromium, and the instructor tools
(``flask --app app labs check|solve``) compare and apply the end state.  So a README step and its
test cannot drift apart.  Plain data: no import of ``idp``.
"""
from __future__ import annotations

from dataclasses import dataclass, field


# --- actions on screen (placeholders: {base}, {email}, {password}, {webapp_client_id}) -------

@dataclass(frozen=True)
class Go:
    """Open a URL (path relative to the B2C Lab address)."""
    path: str
    words: str = ""


@dataclass(frozen=True)
class Click:
    """Select a link or button by its visible label."""
    label: str
    role: str = "link"        # link | button | tab (a tab of a blade is a link too)
    new_tab: bool = False      # the click opens a new browser tab; later actions happen there
    within: str = ""           # a CSS selector narrowing where the label is (tests only)
    where: str = ""            # the same place in words, for the README


@dataclass(frozen=True)
class PortalTab:
    """Go back to the browser tab where the portal is open."""


@dataclass(frozen=True)
class Nav:
    """Select an entry of the portal's left-hand menu."""
    label: str


@dataclass(frozen=True)
class Fill:
    """Type ``value`` into the field labelled ``label``."""
    label: str
    value: str
    secret: bool = False       # shown as "your password" in the README


@dataclass(frozen=True)
class Choose:
    """Pick ``option`` in the drop-down list labelled ``label`` (``row`` narrows it to a table
    row, as for Tick)."""
    label: str
    option: str
    row: str = ""


@dataclass(frozen=True)
class Tick:
    """Tick the checkbox labelled ``label`` (``row`` narrows it to a table row)."""
    label: str
    row: str = ""


@dataclass(frozen=True)
class MailboxCode:
    """Copy the code the mailbox received for ``address``, into the field ``label``."""
    label: str = "Verification code"
    address: str = "{email}"   # {email2}: a second user's address


@dataclass(frozen=True)
class Upload:
    """Choose ``file`` (a path inside the lab's folder) in the file field labelled ``label``;
    with ``folder``, a file of that folder you downloaded and edited (see ``Download``)."""
    label: str
    file: str
    folder: str = ""


@dataclass(frozen=True)
class See:
    """A checkpoint: the page shows ``text`` (inside ``within``, a CSS selector, if given)."""
    text: str
    within: str = ""


@dataclass(frozen=True)
class Hidden:
    """A checkpoint: the element ``selector`` is on the page but not visible."""
    selector: str
    words: str


Action = Go | PortalTab | Click | Nav | Fill | Choose | Tick | MailboxCode | Upload | See | Hidden


@dataclass(frozen=True)
class Step:
    text: str
    actions: tuple[Action, ...] = ()
    checkpoint: str = ""


# --- the end state, for labs check / solve ---------------------------------------------------

@dataclass(frozen=True)
class CustomAttribute:
    name: str
    data_type: str = "String"


@dataclass(frozen=True)
class AppRegistration:
    name: str
    redirect_uri: str
    implicit_id_tokens: bool = False


@dataclass(frozen=True)
class UserFlow:
    name: str
    collects: tuple[str, ...] = ()
    returns: tuple[str, ...] = ()
    properties: dict = field(default_factory=dict)
    page_layouts: dict = field(default_factory=dict)
    languages: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Lab:
    number: str
    slug: str
    title: str
    minutes: int
    goal: str
    learn: tuple[str, ...]
    steps: tuple[Step, ...]
    troubleshooting: tuple[tuple[str, str], ...]
    real_b2c: tuple[str, ...]
    end_state: tuple[CustomAttribute | AppRegistration | UserFlow, ...] = ()
    before: str = "B2C Lab running (`python b2clab.py run`) and its home page open."


# --- copying a value shown on screen into a later field (client IDs, secrets) ---------------

@dataclass(frozen=True)
class Copy:
    """Copy the value the page shows in ``selector`` (``what`` in the README), to paste it
    later as ``{name}``."""
    selector: str
    name: str
    what: str


@dataclass(frozen=True)
class Paste:
    """Paste the value copied as ``name`` (``what`` in the README) into the field ``label``."""
    label: str
    name: str
    what: str


Action = Action | Copy | Paste


# --- end-state kinds of the API-connector labs (check / solve in idp.labs_admin) -------------

@dataclass(frozen=True)
class AppRole:
    """An enabled app role on the app registration ``app`` (App roles > Create app role)."""
    app: str
    value: str
    display_name: str
    description: str = ""
    member_types: tuple[str, ...] = ("User",)


@dataclass(frozen=True)
class GraphPermissions:
    """A Web app registration ``app`` holding these Microsoft Graph application permissions,
    with admin consent granted."""
    app: str
    permissions: tuple[str, ...]


@dataclass(frozen=True)
class ApiConnector:
    """An API connector (Basic, dummy credentials) attached to ``flow`` at ``step``.  Any
    connector whose URL is ``endpoint_url`` ({base} allowed) or ends with ``path`` counts (the
    lab app may run alone on another port)."""
    display_name: str
    endpoint_url: str
    flow: str
    step: str
    path: str = ""


@dataclass(frozen=True)
class LabAppSettings:
    """The lab app's ``settings.json`` in ``{instance}/labs/<mount>/`` holds the client id and
    a valid client secret of the app registration ``app`` (``extra``: other keys to write)."""
    mount: str
    app: str
    extra: dict = field(default_factory=dict)


# --- end-state kinds of lab 04 (check / solve in idp.labs_admin) ------------------------------

@dataclass(frozen=True)
class LabAppConnectorSettings:
    """The lab app's ``settings.json`` in ``{instance}/labs/<mount>/`` also holds the
    b2c-extensions-app's client id, and the Basic username and password of the API connector
    attached to ``flow`` at ``step`` (the lab app checks them on each call)."""
    mount: str
    flow: str
    step: str = "PostAttributeCollection"


@dataclass(frozen=True)
class UserWithAttributes:
    """A directory user whose attributes (claims-bag names, e.g. ``extension_CompanyId``) have
    these values; solve creates one as ``sign_in_name`` (a local account, random password)."""
    attributes: dict
    sign_in_name: str
    display_name: str


@dataclass(frozen=True)
class OptionalAttributes:
    """On ``flow``'s Local account sign up page these collected attributes are Optional (Page
    layouts; a field hidden by a custom page must be)."""
    flow: str
    claims: tuple[str, ...]


# --- end-state kinds of lab 06 (check / solve in idp.labs_social) ----------------------------

@dataclass(frozen=True)
class OidcIdentityProvider:
    """An OpenID Connect identity provider named ``display_name`` whose metadata URL is
    ``metadata_url`` ({base} allowed), with the credentials of the practice provider
    ``practice`` (its developer console's) and this claims mapping."""
    display_name: str
    metadata_url: str
    practice: str
    claims_mapping: dict
    scope: str = "openid profile email"


@dataclass(frozen=True)
class FlowIdentityProviders:
    """The user flow ``flow`` shows these identity providers (by name) on its sign-in page."""
    flow: str
    providers: tuple[str, ...]


@dataclass(frozen=True)
class FederatedUser:
    """A directory user who signed in with the identity provider ``provider`` (by name): a
    ``federated`` identity whose issuer is the provider's.  Solve creates the seeded persona
    of the practice provider ``practice`` whose e-mail is ``email``, as that sign-in would."""
    provider: str
    practice: str
    email: str
# --- files the attendee downloads and edits outside the browser (lab 07) ---------------------
# The README words each edit; the browser walk and ``labs solve`` apply the same edits to a copy
# of ``Download.fixture`` (``labs.files``), so what the attendee pastes is what is tested.

@dataclass(frozen=True)
class Download:
    """Download ``url`` and keep its folder ``folder`` as your working copy.  External: the
    walk and ``labs solve`` copy ``fixture`` instead (the same files, read from outside the
    project: a path relative to the project's parent folder)."""
    url: str
    folder: str
    fixture: str
    words: str


@dataclass(frozen=True)
class ReplaceAll:
    """In each of ``files`` (of the working folder), replace every ``old`` with ``new`` (a
    value copied earlier: ``{name}``), ``what`` in the README."""
    files: tuple[str, ...]
    old: str
    new: str
    what: str


@dataclass(frozen=True)
class PasteSnippet:
    """In ``file``, paste ``snippet`` (XML shown in the README; ``{base}`` is B2C Lab's
    address) just after the text ``anchor`` (or just before it, with ``before``)."""
    file: str
    snippet: str
    anchor: str
    before: bool = False


@dataclass(frozen=True)
class DeleteLines:
    """In ``file``, delete ``text`` (matched whatever its indentation); ``why`` in the README."""
    file: str
    text: str
    why: str


FileEdit = ReplaceAll | PasteSnippet | DeleteLines
Action = Action | Download | FileEdit


# --- end-state kinds of lab 07 (check / solve in idp.labs_ief) -------------------------------

@dataclass(frozen=True)
class PolicyKeyContainer:
    """A policy key container ``name`` (with its B2C_1A_ prefix) holding a generated RSA key
    for ``usage`` (sig or enc)."""
    name: str
    usage: str


@dataclass(frozen=True)
class StarterPackPolicy:
    """The custom policy ``policy_id`` uploaded from the starter pack's ``file`` with its
    placeholders replaced.  ``edits`` are the lab's edits of that file, in order: solve uploads
    the file with all of them applied (``fixture``: where solve reads the pack)."""
    policy_id: str
    file: str
    fixture: str
    edits: tuple = ()


@dataclass(frozen=True)
class TransformedClaim:
    """The relying party ``policy_id`` returns ``claim``, made by a ``method`` claims
    transformation that a technical profile of its journey runs.  Solve uploads ``uploads``
    (StarterPackPolicy items) with the lab's edits."""
    policy_id: str
    claim: str
    method: str
    uploads: tuple = ()


@dataclass(frozen=True)
class RestValidation:
    """In ``policy_id``, the self-asserted profile ``page`` validates with a RESTful profile
    whose ServiceUrl ends with ``path``, before ``before`` (so a refusal writes nothing), and
    the relying party returns the REST answer's ``claim``.  Solve uploads ``uploads``."""
    policy_id: str
    page: str
    path: str
    before: str
    claim: str
    uploads: tuple = ()
