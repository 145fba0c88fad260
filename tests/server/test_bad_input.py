"""Bad input to any endpoint gets a 4xx JSON error naming the field at fault, never a 500.

The cases are generated from the OpenAPI document, so a new endpoint is covered the day it lands.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from server import create_app
from server.config import TestConfig
from tests.factories import bearer_headers, make_user

WRITE_METHODS = ("post", "put", "patch")


def _spec() -> dict[str, Any]:
    app = create_app(TestConfig())
    with app.test_request_context():
        return dict(app.extensions["flask-smorest"]["apis"][""]["ext_obj"].spec.to_dict())


SPEC = _spec()


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return SPEC["components"]["schemas"][name]
    return schema


def _json_body_operations() -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in SPEC["paths"].items():
        for method in WRITE_METHODS:
            operation = item.get(method)
            content = (operation or {}).get("requestBody", {}).get("content", {})
            if "application/json" in content:
                yield path, method, _resolve(content["application/json"]["schema"])


def _wrong_value(prop: dict[str, Any]) -> Any:
    """A value of the wrong type for a property of the given JSON schema."""
    prop = _resolve(prop) if "$ref" in prop else prop
    if "enum" in prop:
        return "no-such-choice"
    kind = prop.get("type")
    kind = kind[0] if isinstance(kind, list) else kind
    return {
        "string": 12345,
        "integer": "not a number",
        "number": "not a number",
        "boolean": "perhaps",
        "array": "not a list",
        "object": "not an object",
    }.get(kind, "not an object")


def _concrete(path: str) -> str:
    """The path with a well-formed, unknown value for each parameter (per its OpenAPI type)."""
    types = {
        parameter["name"]: parameter.get("schema", {}).get("type")
        for parameter in SPEC["paths"][path].get("parameters", [])
    }

    def value(match: re.Match[str]) -> str:
        if types.get(match.group(1)) == "integer":
            return "999999"
        if match.group(1) == "sha256":
            return uuid.uuid4().hex * 2
        return str(uuid.uuid4())

    return re.sub(r"\{(\w+)\}", value, path)


OPERATIONS = sorted(_json_body_operations(), key=lambda op: (op[0], op[1]))
OPERATION_IDS = [f"{method.upper()} {path}" for path, method, _ in OPERATIONS]


@pytest.fixture
def super_admin_headers(app: Flask) -> dict[str, str]:
    """A signed-in super admin, so that validation, not permission, is what answers."""
    return bearer_headers(make_user(is_super_admin=True))


@pytest.mark.parametrize(("path", "method", "schema"), OPERATIONS, ids=OPERATION_IDS)
def test_write_returns_422_naming_each_field_when_every_field_has_the_wrong_type(
    client: FlaskClient,
    super_admin_headers: dict[str, str],
    path: str,
    method: str,
    schema: dict[str, Any],
) -> None:
    writable = {
        name: prop
        for name, prop in schema.get("properties", {}).items()
        if not prop.get("readOnly")
    }
    body = {name: _wrong_value(prop) for name, prop in writable.items()}

    response = client.open(_concrete(path), method=method, json=body, headers=super_admin_headers)

    assert response.status_code == 422, response.json
    assert response.json["code"] == "validation_failed"
    assert set(writable) <= set(response.json["fields"])


# Not JSON: broken syntax, NaN (which Python's json module would take), bytes not UTF-8.
NOT_JSON = {"syntax": b"{not json", "nan": b'{"value": NaN}', "not utf-8": b'"\xff"'}


@pytest.mark.parametrize("body", NOT_JSON.values(), ids=NOT_JSON.keys())
@pytest.mark.parametrize(("path", "method", "schema"), OPERATIONS, ids=OPERATION_IDS)
def test_write_returns_400_invalid_json_when_body_is_not_json(
    client: FlaskClient,
    super_admin_headers: dict[str, str],
    path: str,
    method: str,
    schema: dict[str, Any],
    body: bytes,
) -> None:
    response = client.open(
        _concrete(path),
        method=method,
        data=body,
        content_type="application/json",
        headers=super_admin_headers,
    )

    assert response.status_code == 400
    assert response.json["code"] == "invalid_json"


@pytest.mark.parametrize(("path", "method", "schema"), OPERATIONS, ids=OPERATION_IDS)
def test_write_returns_4xx_json_when_body_is_a_json_list(
    client: FlaskClient,
    super_admin_headers: dict[str, str],
    path: str,
    method: str,
    schema: dict[str, Any],
) -> None:
    response = client.open(_concrete(path), method=method, json=[1, 2], headers=super_admin_headers)

    assert 400 <= response.status_code < 500
    assert response.json["code"] in {"validation_failed", "bad_request"}


def _get_paths_with_ids() -> list[str]:
    return sorted(p for p, item in SPEC["paths"].items() if "get" in item and "{" in p)


@pytest.mark.parametrize("path", _get_paths_with_ids())
def test_read_returns_404_not_found_when_id_does_not_exist(
    client: FlaskClient, super_admin_headers: dict[str, str], path: str
) -> None:
    required_query = {
        parameter["name"]: str(uuid.uuid4())
        for parameter in SPEC["paths"][path]["get"].get("parameters", [])
        if parameter["in"] == "query" and parameter.get("required")
    }

    response = client.get(_concrete(path), query_string=required_query, headers=super_admin_headers)

    assert response.status_code == 404, response.json
    assert response.json["code"] == "not_found"


def test_unknown_url_returns_404_json_when_requested(client: FlaskClient) -> None:
    response = client.get("/api/no-such-thing")

    assert response.status_code == 404
    assert response.json["code"] == "not_found"


def test_wrong_method_returns_405_json_when_route_exists(
    client: FlaskClient, super_admin_headers: dict[str, str]
) -> None:
    response = client.delete("/api/sites", headers=super_admin_headers)

    assert response.status_code == 405
    assert response.json["code"] == "method_not_allowed"


def test_malformed_id_in_url_returns_404_json_when_not_a_uuid(
    client: FlaskClient, super_admin_headers: dict[str, str]
) -> None:
    response = client.get("/api/locations/not-a-uuid", headers=super_admin_headers)

    assert response.status_code == 404
    assert response.json["code"] == "not_found"


PAGINATION_ARGS = {"page", "page_size"}  # parsed by flask-smorest in a second pass


def _query_operations() -> list[tuple[str, list[dict[str, Any]]]]:
    operations = []
    for path, item in SPEC["paths"].items():
        parameters = [
            p
            for p in item.get("get", {}).get("parameters", [])
            if p["in"] == "query" and p["name"] not in PAGINATION_ARGS
        ]
        typed = [
            p
            for p in parameters
            if p.get("schema", {}).get("type") != "string"
            or p.get("schema", {}).get("format")
            or "enum" in p.get("schema", {})
        ]
        if typed:
            operations.append((path, typed))
    return sorted(operations, key=lambda op: op[0])


QUERY_OPERATIONS = _query_operations()


@pytest.mark.parametrize(
    ("path", "parameters"), QUERY_OPERATIONS, ids=[path for path, _ in QUERY_OPERATIONS]
)
def test_read_returns_422_naming_each_query_arg_when_every_arg_has_the_wrong_type(
    client: FlaskClient,
    super_admin_headers: dict[str, str],
    path: str,
    parameters: list[dict[str, Any]],
) -> None:
    query = {p["name"]: "%%not-valid%%" for p in parameters}

    response = client.get(_concrete(path), query_string=query, headers=super_admin_headers)

    assert response.status_code == 422, response.json
    assert {p["name"] for p in parameters} <= set(response.json["fields"])


PAGINATED_PATHS = sorted(
    path
    for path, item in SPEC["paths"].items()
    if any(p["name"] == "page" for p in item.get("get", {}).get("parameters", []))
)


@pytest.mark.parametrize("path", PAGINATED_PATHS)
def test_read_returns_422_when_page_size_is_over_the_limit(
    client: FlaskClient, super_admin_headers: dict[str, str], path: str
) -> None:
    response = client.get(path, query_string={"page_size": 100000}, headers=super_admin_headers)

    assert response.status_code == 422
    assert "page_size" in response.json["fields"]
