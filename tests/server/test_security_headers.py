"""Every response carries the security headers of its kind of page (server/security_headers.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import Headers

COMMON_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}
CAMERA_FOR_SELF = "camera=(self)"
NO_CAMERA = "camera=()"


def directives(policy: str) -> dict[str, list[str]]:
    """A Content-Security-Policy as {directive: [sources]}."""
    parsed: dict[str, list[str]] = {}
    for directive in filter(None, (part.strip() for part in policy.split(";"))):
        name, *sources = directive.split()
        parsed[name] = sources
    return parsed


def answer_to(client: FlaskClient, path: str) -> tuple[int, Headers]:
    """Status and headers of a GET (the response is closed: file responses stream)."""
    with client.get(path) as response:
        return response.status_code, response.headers


@pytest.fixture
def field_app_client(configured_app: Callable[..., Flask], tmp_path: Path) -> FlaskClient:
    """The server with a built field app (a stand-in dist/: shell, bundle, manifest, worker)."""
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "index.html").write_text('<!doctype html><script type="module" src="app.js"></script>')
    (dist / "app-ABCDEFGH.js").write_text("export {};")
    (dist / "sw.js").write_text("self.addEventListener('fetch', () => {});")
    (dist / "manifest.webmanifest").write_text('{"name": "Roundbook"}')
    return configured_app(PWA_DIST_DIR=str(dist)).test_client()


FIELD_APP = {"script": ["'self'", "'wasm-unsafe-eval'"], "permissions": CAMERA_FOR_SELF}
PAGE = {"script": ["'self'"], "permissions": NO_CAMERA}
API = {"script": None, "permissions": NO_CAMERA}


@pytest.mark.parametrize(
    ("path", "status", "kind"),
    [
        # the field app: its shell, a hashed bundle, the manifest, the service worker, a
        # file it does not have, and /app sent on to /app/
        ("/app/", 200, FIELD_APP),
        ("/app/app-ABCDEFGH.js", 200, FIELD_APP),
        ("/app/manifest.webmanifest", 200, FIELD_APP),
        ("/app/sw.js", 200, FIELD_APP),
        ("/app/missing.js", 404, FIELD_APP),
        ("/app", 308, FIELD_APP),
        # back-office pages: the start page, its stylesheet, a page that does not exist
        ("/", 200, PAGE),
        ("/static/home/start.css", 200, PAGE),
        ("/no-such-page", 404, PAGE),
        # the API docs: Swagger UI's page and the script that starts it
        ("/api/docs", 200, PAGE),
        ("/static/api-docs/swagger-ui-init.js", 200, PAGE),
        # the API: JSON answers, its description, refusals and unknown routes
        ("/api/health", 200, API),
        ("/api/openapi.json", 200, API),
        ("/api/sites", 401, API),
        ("/api/no-such-route", 404, API),
        ("/api/docs/assets/swagger-ui-bundle.js", 200, API),
    ],
)
def test_response_carries_the_headers_of_its_kind_when_served(
    field_app_client: FlaskClient, path: str, status: int, kind: dict[str, object]
) -> None:
    answered, headers = answer_to(field_app_client, path)

    assert answered == status
    policy = directives(headers["Content-Security-Policy"])
    if kind["script"] is None:
        assert policy == {"default-src": ["'none'"], "frame-ancestors": ["'none'"]}
    else:
        assert policy["script-src"] == kind["script"]
        assert policy["style-src"] == ["'self'"]
        assert policy["object-src"] == ["'none'"]
        assert policy["base-uri"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"]
    assert headers["Permissions-Policy"].startswith(str(kind["permissions"]))
    for name, value in COMMON_HEADERS.items():
        assert headers[name] == value, name


def test_field_app_policy_allows_what_the_app_uses_when_served(
    field_app_client: FlaskClient,
) -> None:
    _, headers = answer_to(field_app_client, "/app/")

    policy = directives(headers["Content-Security-Policy"])
    assert policy["img-src"] == ["'self'", "blob:", "data:"]  # photos taken on the phone
    assert policy["connect-src"] == ["'self'"]  # sync and uploads: this server only
    assert policy["worker-src"] == ["'self'"]
    assert policy["manifest-src"] == ["'self'"]


def test_no_page_allows_inline_scripts_or_eval_when_served(
    field_app_client: FlaskClient,
) -> None:
    policies = [
        answer_to(field_app_client, path)[1]["Content-Security-Policy"]
        for path in ("/app/", "/", "/api/docs", "/api/health")
    ]

    for policy in policies:
        assert "'unsafe-inline'" not in policy
        assert "'unsafe-eval'" not in policy


def test_start_page_has_no_inline_style_or_script_when_rendered(client: FlaskClient) -> None:
    page = client.get("/").get_data(as_text=True)

    assert "<style" not in page
    assert "<script" not in page
    assert " style=" not in page
    assert 'href="/static/home/start.css"' in page


def test_api_docs_start_swagger_ui_from_a_file_when_rendered(client: FlaskClient) -> None:
    page = client.get("/api/docs").get_data(as_text=True)

    scripts = page.count("<script")
    assert page.count("<script src=") == scripts == 3
    assert '<script src="/static/api-docs/swagger-ui-init.js">' in page
    assert 'data-spec-url="/api/openapi.json"' in page


def test_unexpected_error_carries_the_api_headers_when_answered_500(
    configured_app: Callable[..., Flask],
) -> None:
    app = configured_app(PROPAGATE_EXCEPTIONS=False)

    @app.before_request
    def broken() -> None:
        raise RuntimeError("a bug")

    response = app.test_client().get("/api/health")

    assert response.status_code == 500
    assert response.headers["Content-Security-Policy"] == (
        "default-src 'none'; frame-ancestors 'none'"
    )
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_hsts_is_sent_when_the_server_is_behind_https(
    configured_app: Callable[..., Flask],
) -> None:
    behind_https = configured_app(SESSION_COOKIE_SECURE=True).test_client()

    response = behind_https.get("/api/health")

    assert response.headers["Strict-Transport-Security"] == "max-age=15552000"


def test_hsts_is_not_sent_when_served_over_plain_http(client: FlaskClient) -> None:
    response = client.get("/api/health")

    assert "Strict-Transport-Security" not in response.headers
