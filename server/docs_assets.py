"""Serves Swagger UI's files from the swagger-ui-bundle package, so /api/docs works offline."""

from __future__ import annotations

from flask import Flask, Response, send_from_directory
from swagger_ui_bundle import swagger_ui_path


def register_docs_assets(app: Flask) -> None:
    """Add /api/docs/assets/<file> (the hospital network may have no internet)."""

    def docs_asset(filename: str) -> Response:
        return send_from_directory(swagger_ui_path, filename, max_age=86400)

    app.add_url_rule("/api/docs/assets/<path:filename>", "docs_asset", docs_asset)
