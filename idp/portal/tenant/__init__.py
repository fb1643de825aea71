"""Portal blade: Export and import (the tenant's configuration as one JSON file, and back)."""
from flask import Blueprint

bp = Blueprint("tenant", __name__)

from . import views  # noqa: E402,F401
