"""The lab app's settings: what the sample keeps in ``appsettings.json`` (the management app's
client id and secret, the b2c-extensions-app's client id, the user flow) plus the dummy Basic
credentials its API connector is called with.  Stored in ``DATA_DIR/settings.json``; the
secrets are never shown back on the Settings page.
"""
from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, fields
from pathlib import Path

FILE_NAME = "settings.json"
DEFAULT_USER_FLOW = "B2C_1_lab04"


@dataclass
class LabSettings:
    user_flow: str = DEFAULT_USER_FLOW
    client_id: str = ""
    client_secret: str = ""
    extensions_app_client_id: str = ""
    connector_username: str = ""
    connector_password: str = ""

    @property
    def extension_prefix(self) -> str:
        """``extension_<b2c-extensions-app id without dashes>_`` (the Graph and API names)."""
        return f"extension_{self.extensions_app_client_id.replace('-', '')}_"

    def graph_name(self, attribute: str) -> str:
        return self.extension_prefix + attribute

    @property
    def can_call_graph(self) -> bool:
        return bool(self.client_id and self.client_secret and self.extensions_app_client_id)

    @property
    def can_sign_in(self) -> bool:
        return bool(self.client_id and self.client_secret and self.user_flow)

    def missing(self) -> list[str]:
        labels = {"client_id": "Application (client) ID", "client_secret": "Client secret",
                  "extensions_app_client_id": "b2c-extensions-app client ID"}
        return [label for name, label in labels.items() if not getattr(self, name)]


def load(folder: str | Path) -> LabSettings:
    """The saved settings, or the defaults (a damaged file counts as none)."""
    path = Path(folder) / FILE_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return LabSettings()
    if not isinstance(data, dict):
        return LabSettings()
    names = {f.name for f in fields(LabSettings)}
    return LabSettings(**{k: str(v) for k, v in data.items() if k in names and v is not None})


def save(folder: str | Path, settings: LabSettings) -> None:
    path = Path(folder) / FILE_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(asdict(settings), indent=2), encoding="utf-8")
    os.replace(temporary, path)
