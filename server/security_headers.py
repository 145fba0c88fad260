"""Security headers on every response: a Content-Security-Policy per kind of page, and the rest.

Set in one after_request hook, so no view can forget them (error pages and 404s included). A
header a view set itself is left alone. Each policy allows only what its pages use, so a script
injected through a record (a finding title, a location name) cannot run or send data anywhere.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, request

FIELD_APP_PREFIX = "/app"
API_PREFIX = "/api/"
API_DOCS_PATH = "/api/docs"


def _policy(*directives: str) -> str:
    return "; ".join(directives)


# Every policy: no plugins, no <base> rewriting relative URLs, no framing (clickjacking of the
# big pass/fail buttons or of a sign-in form).
_EVERY_DOCUMENT = ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'")

# The field app (/app/: its shell, bundles, manifest and service worker; pwa/).
FIELD_APP_POLICY = _policy(
    "default-src 'self'",
    # Our esbuild bundles only; no inline script and no eval. 'wasm-unsafe-eval' lets zxing-wasm
    # compile its WebAssembly QR decoder (used where the browser has no BarcodeDetector); it does
    # not allow eval() or new Function() of JavaScript.
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self'",
    # Photos taken on the phone are shown from the IndexedDB copy before upload: blob: URLs
    # (URL.createObjectURL) or data: URLs (FileReader, also how the export writes them).
    "img-src 'self' blob: data:",
    # Sync, sign-in, photo upload and the decoder's .wasm: the same origin only, never a CDN.
    "connect-src 'self'",
    # The service worker (precache, Background Sync) is our own /app/sw.js.
    "worker-src 'self'",
    "manifest-src 'self'",
    # The sign-in form posts nowhere else (it is sent by fetch, but a form without JS must not
    # leak the password to another site either).
    "form-action 'self'",
    *_EVERY_DOCUMENT,
)

# Back-office pages (/ and what the server renders outside /app/ and /api/): server-rendered
# HTML with their scripts and styles in files under server/static/.
PAGE_POLICY = _policy(
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "form-action 'self'",
    *_EVERY_DOCUMENT,
)

# Swagger UI at /api/docs, served from the swagger-ui-bundle package (server/docs_assets.py)
# and started by server/static/swagger-ui-init.js rather than flask-smorest's inline script
# (server/templates/swagger_ui.html). Its stylesheet draws icons as data: SVG images; "Try it
# out" calls the API on the same origin.
API_DOCS_POLICY = PAGE_POLICY

# JSON (and photo bytes) from the API: never a document that should run or load anything.
API_POLICY = _policy("default-src 'none'", "frame-ancestors 'none'")

# Only the field app may use the camera (QR labels; photos come through a file input), and only
# from this origin; nothing of ours needs the microphone, location, payments or USB.
FIELD_APP_PERMISSIONS = "camera=(self), microphone=(), geolocation=(), payment=(), usb=()"
OTHER_PERMISSIONS = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

COMMON_HEADERS = {
    # A response is what its Content-Type says (an uploaded "photo" is never run as a script).
    "X-Content-Type-Options": "nosniff",
    # frame-ancestors for browsers that predate CSP level 2.
    "X-Frame-Options": "DENY",
    # Our URLs carry site and record ids: our own pages may see where a request came from,
    # other sites get nothing.
    "Referrer-Policy": "same-origin",
    # No other site's window keeps a handle on ours, and no other site embeds our responses
    # (photos of wards, API answers) through <img> or <script>.
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}

# Sent only over HTTPS (SESSION_COOKIE_SECURE=1 says the server is behind it): browsers then
# refuse plain HTTP to this host for 180 days. No includeSubDomains: other hosts of the
# hospital's domain may still be plain HTTP.
HSTS = "max-age=15552000"


def policy_for(path: str) -> tuple[str, str]:
    """The Content-Security-Policy and Permissions-Policy for a request path."""
    if path == FIELD_APP_PREFIX or path.startswith(f"{FIELD_APP_PREFIX}/"):
        return FIELD_APP_POLICY, FIELD_APP_PERMISSIONS
    if path == API_DOCS_PATH:
        return API_DOCS_POLICY, OTHER_PERMISSIONS
    if path.startswith(API_PREFIX):
        return API_POLICY, OTHER_PERMISSIONS
    return PAGE_POLICY, OTHER_PERMISSIONS


def add_security_headers(response: Response) -> Response:
    """Add the headers of the request's kind of page, keeping any a view set itself."""
    content_policy, permissions = policy_for(request.path)
    response.headers.setdefault("Content-Security-Policy", content_policy)
    response.headers.setdefault("Permissions-Policy", permissions)
    for name, value in COMMON_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure or current_app.config.get("SESSION_COOKIE_SECURE"):
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def install_security_headers(app: Flask) -> None:
    """Register the hook that adds the security headers to every response."""
    app.after_request(add_security_headers)
