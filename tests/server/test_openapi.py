"""The OpenAPI document is valid and describes every API route."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from openapi_spec_validator import validate

UNDOCUMENTED = {"/api/openapi.json", "/api/docs", "/api/docs/assets/<path:filename>"}


def test_openapi_document_is_valid_when_served(client: FlaskClient) -> None:
    response = client.get("/api/openapi.json")

    assert response.status_code == 200
    validate(response.json)


def test_openapi_document_lists_every_api_route_when_served(
    app: Flask, client: FlaskClient
) -> None:
    documented = set(client.get("/api/openapi.json").json["paths"])
    routes = {
        re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/") and rule.rule not in UNDOCUMENTED
    }

    assert routes - documented == set()


def test_api_docs_page_loads_its_assets_locally_when_opened(client: FlaskClient) -> None:
    page = client.get("/api/docs")
    with client.get("/api/docs/assets/swagger-ui-bundle.js") as bundle:
        bundle_status = bundle.status_code

    assert page.status_code == 200
    assert b"/api/docs/assets/swagger-ui-bundle.js" in page.data
    assert bundle_status == 200
