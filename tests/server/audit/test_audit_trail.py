"""Every change to site data leaves who, when, and from what to what in the audit trail."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from server.audit.models import AuditEntry
from server.auth.models import Role
from server.extensions import db
from tests.factories import bearer_headers, make_location, make_site, make_user


def _entries_for(entity_id: object) -> list[AuditEntry]:
    statement = select(AuditEntry).where(AuditEntry.entity_id == str(entity_id))
    return list(db.session.scalars(statement.order_by(AuditEntry.id)))


def test_audit_records_actor_and_old_and_new_values_when_location_is_edited(
    client: FlaskClient,
) -> None:
    site = make_site()
    inspector = make_user(site, Role.INSPECTOR)
    location = make_location(site)

    client.patch(
        f"/api/locations/{location.id}",
        json={"notes": "走廊灯不亮"},
        headers=bearer_headers(inspector),
    )

    update = _entries_for(location.id)[-1]
    assert update.action == "update"
    assert update.actor_id == inspector.id
    assert update.site_id == site.id
    assert update.changes == {"notes": ["", "走廊灯不亮"]}


def test_audit_records_creation_without_actor_when_done_by_system(app: Flask) -> None:
    site = make_site()

    entries = _entries_for(site.id)

    assert [e.action for e in entries] == ["create"]
    assert entries[0].actor_id is None
    assert entries[0].changes["code"] == [None, site.code]


def test_audit_never_contains_password_hash_when_user_is_created(app: Flask) -> None:
    user = make_user()

    entry = _entries_for(user.id)[0]

    assert entry.changes["password_hash"] == [None, "***"]
    assert user.password_hash not in str(entry.changes)


def test_audit_api_lists_changes_of_a_record_when_reviewer_asks(client: FlaskClient) -> None:
    site = make_site()
    reviewer = make_user(site, Role.REVIEWER)
    location = make_location(site)

    response = client.get(
        f"/api/audit?site_id={site.id}&entity_id={location.id}", headers=bearer_headers(reviewer)
    )

    assert response.status_code == 200
    assert [entry["action"] for entry in response.json] == ["create"]


def test_audit_api_returns_403_when_inspector_asks(client: FlaskClient) -> None:
    site = make_site()
    inspector = make_user(site, Role.INSPECTOR)

    response = client.get(f"/api/audit?site_id={site.id}", headers=bearer_headers(inspector))

    assert response.status_code == 403
