"""Static hosting of the field app (pwa/dist, built by `make pwa`) under /app/."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Blueprint, Response, current_app, redirect, send_from_directory
from werkzeug.exceptions import NotFound

bp = Blueprint("pwa_host", __name__, url_prefix="/app")

# esbuild names bundles `<name>-<8 char hash>.js|css`: their content never changes, cache them.
HASHED_NAME = re.compile(r"-[A-Z0-9]{8}\.(?:js|css)$")
LONG_CACHE = "public, max-age=31536000, immutable"
# Everything else (the shell, the manifest, the service worker) is revalidated on every load,
# so a new version is seen at once; the service worker serves them offline from its precache.
REVALIDATE = "no-cache"
CONTENT_TYPES = {".webmanifest": "application/manifest+json", ".wasm": "application/wasm"}
NOT_BUILT = "The field app is not built: run `make pwa`.\n"


def _dist_dir() -> Path:
    configured = current_app.config.get("PWA_DIST_DIR")
    return Path(configured) if configured else Path(current_app.root_path).parent / "pwa" / "dist"


def _serve(filename: str) -> Response:
    dist = _dist_dir()
    if not (dist / "index.html").is_file():
        return Response(NOT_BUILT, status=503, mimetype="text/plain")
    suffix = Path(filename).suffix
    response = send_from_directory(dist, filename, mimetype=CONTENT_TYPES.get(suffix))
    response.headers["Cache-Control"] = LONG_CACHE if HASHED_NAME.search(filename) else REVALIDATE
    if filename == "sw.js":
        response.headers["Service-Worker-Allowed"] = "/app/"
    return response


@bp.get("")
def app_root() -> Response:
    """Send /app to /app/ so relative URLs and the service worker scope line up."""
    return redirect("/app/", code=308)  # type: ignore[return-value]


@bp.get("/")
def app_shell() -> Response:
    """The app shell (index.html)."""
    return _serve("index.html")


@bp.get("/<path:filename>")
def app_file(filename: str) -> Response:
    """A file of the built app (bundles, icons, manifest, service worker, decoder wasm)."""
    try:
        return _serve(filename)
    except NotFound:
        return Response("Not found\n", status=404, mimetype="text/plain")
