"""Static hosting of the PWA under /app/ (filled by the field-app work)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("pwa_host", __name__, url_prefix="/app")
