"""A user of site A can read or write nothing of site B, through any endpoint.

The routes come from the app's URL map, so an endpoint added later is covered the day it lands
(and this test fails until the other site's record for its URL parameter is known below).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from server.audit.models import AuditEntry
from server.auth.models import Role
from server.auth.services import register_device
from server.extensions import db
from server.photos.services import expect_photos
from server.sync_api.models import SyncConflict
from tests.factories import bearer_headers, make_location, make_site, make_user
from tests.server.assets.factories import make_extinguisher
from tests.server.findings.factories import make_finding
from tests.server.inspections.factories import make_inspection, make_schedule, make_template

PUBLIC_OR_SELF = {
    "/api/health",
    "/api/openapi.json",
    "/api/docs",
    "/api/docs/assets/<path:filename>",
    "/api/auth/session",
    "/api/auth/token",
    "/api/users/me",
}
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


@dataclass
class OtherSite:
    """Site B: one record of every kind, and the values that name them in URLs."""

    url_values: dict[str, str]

    @property
    def ids(self) -> set[str]:
        """Every id of site B, as it would appear in a response body."""
        return set(self.url_values.values()) - {"1"}


def _build_site_b() -> OtherSite:
    site = make_site()
    location = make_location(site)
    admin = make_user(site, Role.SITE_ADMIN)
    device = register_device(admin, "site B phone").device
    extinguisher = make_extinguisher(site, location=location)
    template = make_template(site)
    schedule = make_schedule(template, locations=[location])
    inspection = make_inspection(
        template, admin, datetime(2026, 11, 2, 9, tzinfo=UTC), location=location
    )
    photo_sha256 = "e" * 64  # expected by the inspection, not uploaded: listed as missing
    expect_photos(site.id, inspection.id, [photo_sha256])
    finding = make_finding(location, admin, inspection=inspection)
    conflict = SyncConflict(
        site_id=str(site.id),
        record_type="finding",
        record_id=str(uuid.uuid4()),
        field="title",
        kept_value="kept",
        lost_value="lost",
        lost_hlc="000001732400000000-0000-phone",
        lost_device_id="phone",
        reason="concurrent_edit",
    )
    db.session.add(conflict)
    db.session.commit()
    values = {
        "site_id": site.id,
        "location_id": location.id,
        "department_id": location.department_id,
        "building_id": location.floor.building_id,
        "user_id": admin.id,
        "device_id": device.id,
        "asset_id": extinguisher.id,
        "token": extinguisher.qr_token,
        "template_id": template.id,
        "number": 1,
        "schedule_id": schedule.id,
        "inspection_id": inspection.id,
        "sha256": photo_sha256,
        "conflict_id": conflict.id,
        "finding_id": finding.id,
    }
    return OtherSite({name: str(value) for name, value in values.items()})


@pytest.fixture
def site_b(app: Flask) -> OtherSite:
    """Another hospital, full of records."""
    return _build_site_b()


@pytest.fixture
def site_a_admin_headers(app: Flask) -> dict[str, str]:
    """The most powerful user of site A (who has no role on site B)."""
    return bearer_headers(make_user(make_site(), Role.SITE_ADMIN))


def _api_routes(app: Flask) -> list[tuple[str, str]]:
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/") or rule.rule in PUBLIC_OR_SELF:
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            routes.append((rule.rule, method))
    return routes


def _fill(rule: str, values: dict[str, str]) -> str:
    names = re.findall(r"<(?:\w+:)?(\w+)>", rule)
    missing = [name for name in names if name not in values]
    assert not missing, f"site B has no record for {missing} of {rule}: add it to _build_site_b"
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values[m.group(1)], rule)


def _site_b_audit_count(site_b: OtherSite) -> int:
    statement = select(func.count()).select_from(AuditEntry)
    site_id = uuid.UUID(site_b.url_values["site_id"])
    return int(db.session.scalar(statement.where(AuditEntry.site_id == site_id)) or 0)


def test_site_a_user_gets_not_found_for_every_site_b_record_when_addressed_by_id(
    app: Flask, client: FlaskClient, site_b: OtherSite, site_a_admin_headers: dict[str, str]
) -> None:
    answers = {}
    for rule, method in _api_routes(app):
        if "<" not in rule:
            continue
        body = {} if method in WRITE_METHODS else None
        response = client.open(
            _fill(rule, site_b.url_values), method=method, json=body, headers=site_a_admin_headers
        )
        answers[f"{method} {rule}"] = response.status_code

    # A write whose body fails validation (422) never reaches site B either; the audit check
    # in the next test proves nothing was written.
    leaks = {call: status for call, status in answers.items() if status not in {404, 422}}
    assert leaks == {}


def test_site_a_user_sees_no_site_b_ids_when_listing_with_site_b_as_filter(
    app: Flask, client: FlaskClient, site_b: OtherSite, site_a_admin_headers: dict[str, str]
) -> None:
    exposed = {}
    for rule, method in _api_routes(app):
        if "<" in rule or method != "GET":
            continue
        response = client.get(
            rule,
            query_string={"site_id": site_b.url_values["site_id"]},
            headers=site_a_admin_headers,
        )
        leaked = {i for i in site_b.ids if i in response.get_data(as_text=True)}
        if response.status_code == 200 and leaked:
            exposed[rule] = leaked

    assert exposed == {}


def test_site_a_user_changes_nothing_of_site_b_when_writing_to_every_endpoint(
    app: Flask, client: FlaskClient, site_b: OtherSite, site_a_admin_headers: dict[str, str]
) -> None:
    audit_before = _site_b_audit_count(site_b)
    body_pointing_at_b = {name: value for name, value in site_b.url_values.items()}

    for rule, method in _api_routes(app):
        if method in WRITE_METHODS:
            client.open(
                _fill(rule, site_b.url_values),
                method=method,
                json=body_pointing_at_b,
                headers=site_a_admin_headers,
            )

    assert _site_b_audit_count(site_b) == audit_before
