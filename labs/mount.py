"""Mount the labs' own web apps (API connectors, management apps) under ``/labs/<name>``.

A lab that has a web app puts it in ``labs/labNN_name/web.py`` with ``MOUNT = "invitations"``
(the path under /labs) and ``create_app(settings)``.  ``settings`` gives what such an app may
know of its surroundings, all reached over HTTP: the B2C Lab address, the tenant, and a folder
of its own for files.  Each app can also run alone on another port (see its README), so the
connector call is a real network call.
"""
from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

LABS_DIR = Path(__file__).resolve().parent


def lab_web_modules() -> list:
    modules = []
    for info in pkgutil.iter_modules([str(LABS_DIR)]):
        if info.name.startswith("lab") and info.name[3:5].isdigit():
            try:
                modules.append(importlib.import_module(f"labs.{info.name}.web"))
            except ModuleNotFoundError as missing:
                if missing.name != f"labs.{info.name}.web":
                    raise
    return modules


def lab_apps(*, idp_url: str, tenant: str, instance_path: Path, public_url: str) -> dict:
    """``{"/labs/<MOUNT>": wsgi_app}`` for every lab with a web app."""
    apps = {}
    for module in lab_web_modules():
        folder = Path(instance_path) / "labs" / module.MOUNT
        folder.mkdir(parents=True, exist_ok=True)
        apps[f"/labs/{module.MOUNT}"] = module.create_app({
            "IDP_URL": idp_url, "TENANT": tenant, "DATA_DIR": str(folder),
            "PUBLIC_URL": f"{public_url}/labs/{module.MOUNT}"})
    return apps
