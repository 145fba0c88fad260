"""POST /api/sync/push end to end: idempotency, per-change results, facts, merges, clocks."""

import uuid
from datetime import UTC, datetime

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from server.auth.models import Role, SiteMembership
from server.auth.services import principal_for
from server.checklists.models import ChecklistTemplateVersion, VersionStatus
from server.extensions import db
from server.findings.models import Finding, FindingStatus
from server.inspections.models import Inspection
from server.inspections.services import find_latest_inspection
from server.sync_api import bulk
from server.sync_api.models import SyncConflict, SyncReceipt
from tests.factories import make_location, make_site, make_user
from tests.server.inspections.factories import make_template
from tests.server.sync_api.factories import (
    BASE_MS,
    Phone,
    finding_fields,
    inspection_fields,
    statuses,
)

HOUR_MS = 3_600_000


@pytest.fixture
def ward(client: FlaskClient):
    site = make_site()
    location = make_location(site)
    template = make_template(site)
    return site, location, template.versions[0].id


def _inspection_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Inspection))


def test_push_applies_once_when_same_batch_is_pushed_twice(client, ward) -> None:
    site, location, version_id = ward
    phone = Phone(client, make_user(site))
    batch = [
        phone.change(
            "submit", "inspection", str(uuid.uuid4()), inspection_fields(location, version_id)
        )
    ]

    first = phone.push(batch)
    second = phone.push(batch)

    assert statuses(first) == [("applied", None)]
    assert statuses(second) == [("already_applied", None)]
    assert _inspection_count() == 1


@pytest.mark.parametrize("path", ["in bulk", "change by change"])
def test_push_answers_a_resent_inspection_from_the_record_after_capture_right_is_lost(
    client, ward, monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    site, location, version_id = ward
    user = make_user(site)
    phone = Phone(client, user)
    change = phone.change(
        "submit", "inspection", str(uuid.uuid4()), inspection_fields(location, version_id)
    )
    phone.push([change])
    # The answer was lost; meanwhile the inspector became a reviewer, who may not capture.
    membership = db.session.scalar(select(SiteMembership).where(SiteMembership.user_id == user.id))
    membership.role = Role.REVIEWER
    db.session.commit()
    if path == "change by change":
        monkeypatch.setattr(bulk, "push_in_bulk", lambda context, changes: None)

    again = phone.push([change])

    # The inspection stands for its own receipt: none is stored, and the re-send still
    # gets the answer the lost one carried, with the record the reviewer may read.
    assert statuses(again) == [("already_applied", None)]
    assert again.json["results"][0]["record"]["record_id"] == change["record_id"]
    assert db.session.get(SyncReceipt, change["change_id"]) is None
    assert _inspection_count() == 1


def test_push_gives_same_state_when_batch_is_split_and_reordered(client, ward) -> None:
    site, location, version_id = ward
    phone = Phone(client, make_user(site))
    batch = [
        phone.change(
            "submit", "inspection", str(uuid.uuid4()), inspection_fields(location, version_id)
        )
        for _ in range(4)
    ]

    phone.push(batch[2:])
    phone.push([batch[1], batch[0]])
    replay = phone.push(batch)

    assert statuses(replay) == [("already_applied", None)] * 4
    assert _inspection_count() == 4


def test_push_keeps_first_and_records_conflict_when_record_id_is_reused(client, ward) -> None:
    site, location, version_id = ward
    phone = Phone(client, make_user(site))
    record_id = str(uuid.uuid4())
    first = inspection_fields(location, version_id)
    second = inspection_fields(location, version_id, note="另一份")
    phone.push([phone.change("submit", "inspection", record_id, first)])

    response = phone.push([phone.change("submit", "inspection", record_id, second)])

    assert statuses(response) == [("rejected", "record_id_reused")]
    assert db.session.get(Inspection, uuid.UUID(record_id)).note == ""
    conflict = db.session.scalars(select(SyncConflict)).one()
    assert (conflict.field, conflict.lost_value["note"]) == ("*", "另一份")


def test_push_answers_each_change_when_one_change_is_bad(client, ward) -> None:
    site, location, version_id = ward
    phone = Phone(client, make_user(site))
    bad_answers = inspection_fields(location, version_id, answers={"in_place": {"value": "maybe"}})
    batch = [
        phone.change("submit", "inspection", str(uuid.uuid4()), bad_answers),
        phone.change("submit", "inspection", "not-a-uuid", inspection_fields(location, version_id)),
        phone.change("create", "photo", str(uuid.uuid4()), {}),
        phone.change(
            "submit", "inspection", str(uuid.uuid4()), inspection_fields(location, version_id)
        ),
    ]

    response = phone.push(batch)

    assert statuses(response) == [
        ("rejected", "invalid_answers"),
        ("rejected", "invalid_record_id"),
        ("rejected", "unknown_record_type"),
        ("applied", None),
    ]
    assert _inspection_count() == 1


def test_push_rejects_with_forbidden_when_user_cannot_capture_on_site(client, ward) -> None:
    site, location, version_id = ward
    reviewer = Phone(client, make_user(site, Role.REVIEWER))
    stranger = Phone(client, make_user(make_site()))
    change = inspection_fields(location, version_id)

    by_reviewer = reviewer.push(
        [reviewer.change("submit", "inspection", str(uuid.uuid4()), change)]
    )
    by_stranger = stranger.push(
        [stranger.change("submit", "inspection", str(uuid.uuid4()), change)]
    )

    assert statuses(by_reviewer) == [("rejected", "forbidden")]
    assert statuses(by_stranger) == [("rejected", "forbidden")]
    assert _inspection_count() == 0


def test_push_parks_edit_as_retry_when_it_arrives_before_its_create(client, ward) -> None:
    site, location, _ = ward
    phone = Phone(client, make_user(site))
    finding_id = str(uuid.uuid4())
    create = phone.change("create", "finding", finding_id, finding_fields(location))
    edit = phone.change("update", "finding", finding_id, {"status": "fixed"})

    early = phone.push([edit])
    later = phone.push([create, edit])

    assert statuses(early) == [("retry", "depends_on_missing_record")]
    assert statuses(later) == [("applied", None), ("applied", None)]
    assert db.session.get(Finding, uuid.UUID(finding_id)).status == FindingStatus.FIXED


def test_push_merges_fields_and_records_conflict_when_two_phones_edit_a_finding(
    client, ward
) -> None:
    site, location, _ = ward
    first, second = Phone(client, make_user(site)), Phone(client, make_user(site))
    finding_id = str(uuid.uuid4())
    first.push([first.change("create", "finding", finding_id, finding_fields(location))])

    first.push(
        [
            first.change(
                "update",
                "finding",
                finding_id,
                {"description": "A", "severity": "high"},
                wall_ms=BASE_MS + 2000,
                base_version=1,
            )
        ]
    )
    response = second.push(
        [
            second.change(
                "update",
                "finding",
                finding_id,
                {"description": "B", "due_on": "2024-12-01"},
                wall_ms=BASE_MS + 1000,
                base_version=1,
            )
        ]
    )

    assert statuses(response) == [("merged", "concurrent_edit")]
    finding = db.session.get(Finding, uuid.UUID(finding_id))
    assert (finding.description, finding.severity.value, str(finding.due_on)) == (
        "A",
        "high",
        "2024-12-01",
    )
    conflict = db.session.scalars(select(SyncConflict)).one()
    assert (conflict.field, conflict.kept_value, conflict.lost_value) == ("description", "A", "B")


def test_push_keeps_finding_closed_when_stale_edit_arrives_after_verification(client, ward) -> None:
    site, location, _ = ward
    crew, reviewer = Phone(client, make_user(site)), Phone(client, make_user(site))
    finding_id = str(uuid.uuid4())
    crew.push([crew.change("create", "finding", finding_id, finding_fields(location))])
    reviewer.push(
        [
            reviewer.change(
                "update",
                "finding",
                finding_id,
                {"status": "verified_closed"},
                wall_ms=BASE_MS + 2000,
                base_version=1,
            )
        ]
    )

    response = crew.push(
        [
            crew.change(
                "update",
                "finding",
                finding_id,
                {"status": "in_progress"},
                wall_ms=BASE_MS + 1000,
                base_version=1,
            )
        ]
    )

    assert statuses(response) == [("merged", "closed_finding_edit")]
    finding = db.session.get(Finding, uuid.UUID(finding_id))
    assert finding.status == FindingStatus.VERIFIED_CLOSED
    assert finding.closed_at is not None


def test_push_reopens_finding_when_recheck_fails_whatever_the_clocks(client, ward) -> None:
    site, location, _ = ward
    inspector, reviewer = Phone(client, make_user(site)), Phone(client, make_user(site))
    finding_id = str(uuid.uuid4())
    inspector.push([inspector.change("create", "finding", finding_id, finding_fields(location))])
    reviewer.push(
        [
            reviewer.change(
                "update",
                "finding",
                finding_id,
                {"status": "verified_closed"},
                wall_ms=BASE_MS + 10 * HOUR_MS,
                base_version=1,
            )
        ]
    )

    recheck = {"status": "reopened", "recheck_failed": True, "reopen_count": 1}
    response = inspector.push(
        [
            inspector.change(
                "update", "finding", finding_id, recheck, wall_ms=BASE_MS + 1000, base_version=1
            )
        ]
    )

    assert statuses(response) == [("applied", None)]
    finding = db.session.get(Finding, uuid.UUID(finding_id))
    assert (finding.status, finding.closed_at) == (FindingStatus.REOPENED, None)
    assert response.get_json()["results"][0]["conflicts"][0]["reason"] == "reopened_by_recheck"


def test_push_stores_corrected_and_raw_time_when_phone_clock_is_behind(client, ward) -> None:
    site, location, version_id = ward
    phone = Phone(client, make_user(site))
    server_ms = int(datetime.now(UTC).timestamp() * 1000)
    phone_ms = server_ms - 2 * HOUR_MS
    record_id = str(uuid.uuid4())
    fields = inspection_fields(location, version_id, finished_at=phone_ms - 60_000)

    response = phone.push(
        [phone.change("submit", "inspection", record_id, fields)], device_now_ms=phone_ms
    )

    offset = response.get_json()["clock_offset_ms"]
    assert 2 * HOUR_MS <= offset < 2 * HOUR_MS + 60_000
    inspection = db.session.get(Inspection, uuid.UUID(record_id))
    raw_ms = int(inspection.finished_at_device.timestamp() * 1000)
    corrected_ms = int(inspection.finished_at.timestamp() * 1000)
    assert (raw_ms, corrected_ms - raw_ms) == (phone_ms - 60_000, offset)


def test_push_clamps_hlc_when_phone_clock_is_a_year_ahead(client, ward) -> None:
    site, location, _ = ward
    phone = Phone(client, make_user(site))
    year_ahead = int(datetime.now(UTC).timestamp() * 1000) + 365 * 24 * HOUR_MS

    response = phone.push(
        [
            phone.change(
                "create", "finding", str(uuid.uuid4()), finding_fields(location), wall_ms=year_ahead
            )
        ]
    )

    stored_wall = int(response.get_json()["results"][0]["hlc"].split("-")[0])
    assert stored_wall < year_ahead - 300 * 24 * HOUR_MS


def test_latest_inspection_stays_newer_when_older_inspection_syncs_late(client, ward) -> None:
    site, location, version_id = ward
    user = make_user(site)
    phone = Phone(client, user)
    newer, older = str(uuid.uuid4()), str(uuid.uuid4())
    phone.push(
        [
            phone.change(
                "submit",
                "inspection",
                newer,
                inspection_fields(location, version_id, finished_at=BASE_MS),
            )
        ]
    )

    phone.push(
        [
            phone.change(
                "submit",
                "inspection",
                older,
                inspection_fields(location, version_id, finished_at=BASE_MS - 7 * 24 * HOUR_MS),
            )
        ]
    )

    latest = find_latest_inspection(principal_for(user), location_id=location.id)
    assert str(latest.id) == newer


def test_push_rejects_when_template_version_is_a_draft(client, ward) -> None:
    site, location, version_id = ward
    published = db.session.get(ChecklistTemplateVersion, version_id)
    draft = ChecklistTemplateVersion(
        id=uuid.uuid4(),
        site_id=site.id,
        template_id=published.template_id,
        number=2,
        status=VersionStatus.DRAFT,
        items=published.items,
    )
    db.session.add(draft)
    db.session.commit()
    phone = Phone(client, make_user(site))

    response = phone.push(
        [
            phone.change(
                "submit", "inspection", str(uuid.uuid4()), inspection_fields(location, draft.id)
            )
        ]
    )

    assert statuses(response) == [("rejected", "template_version_not_published")]


def test_push_keeps_both_when_inspection_is_corrected_by_a_revision(client, ward) -> None:
    site, location, version_id = ward
    phone = Phone(client, make_user(site))
    original, correction = str(uuid.uuid4()), str(uuid.uuid4())
    phone.push(
        [phone.change("submit", "inspection", original, inspection_fields(location, version_id))]
    )

    edit = phone.push([phone.change("update", "inspection", original, {"note": "改"})])
    revision = phone.push(
        [
            phone.change(
                "submit",
                "inspection",
                correction,
                inspection_fields(location, version_id, revision_of=original, note="改"),
            )
        ]
    )

    assert statuses(edit) == [("rejected", "inspection_is_immutable")]
    assert statuses(revision) == [("applied", None)]
    assert str(db.session.get(Inspection, uuid.UUID(correction)).revision_of_id) == original
    assert _inspection_count() == 2


def test_push_records_user_and_device_when_change_is_applied(client, ward) -> None:
    site, location, version_id = ward
    user = make_user(site)
    phone = Phone(client, user)
    inspection = phone.change(
        "submit", "inspection", str(uuid.uuid4()), inspection_fields(location, version_id)
    )
    finding = phone.change("create", "finding", str(uuid.uuid4()), finding_fields(location))

    phone.push([inspection, finding])

    # A finding's change is recorded in its receipt; an inspection, a fact that answers
    # its own re-sends, records who captured it on which device in itself.
    receipt = db.session.get(SyncReceipt, finding["change_id"])
    stored = db.session.get(Inspection, uuid.UUID(inspection["record_id"]))
    assert receipt.user_id == user.id == stored.inspector_id
    assert receipt.device_id is not None
    assert receipt.device_id == stored.device_id


def test_push_returns_426_when_protocol_version_is_too_old(client, ward) -> None:
    site, _, _ = ward
    phone = Phone(client, make_user(site))

    response = phone.push([], version=0)

    assert response.status_code == 426
    assert response.get_json()["code"] == "client_too_old"


def test_push_returns_401_and_applies_nothing_when_token_is_missing(client, ward) -> None:
    site, location, version_id = ward
    phone = Phone(client, make_user(site))
    phone.headers = {}

    response = phone.push(
        [
            phone.change(
                "submit", "inspection", str(uuid.uuid4()), inspection_fields(location, version_id)
            )
        ]
    )

    assert response.status_code == 401
    assert _inspection_count() == 0


def test_push_refuses_references_that_are_not_ids_and_applies_the_rest(client, ward) -> None:
    site, location, version_id = ward
    phone = Phone(client, make_user(site))
    good = inspection_fields(location, version_id)
    batch = [
        phone.change(
            "submit", "inspection", str(uuid.uuid4()), {**good, "location_id": ["not", "an id"]}
        ),
        phone.change(
            "submit", "inspection", str(uuid.uuid4()), {**good, "template_version_id": {"id": 1}}
        ),
        phone.change("submit", "inspection", str(uuid.uuid4()), good),
    ]

    response = phone.push(batch)

    assert response.status_code == 200
    refused, other_refused, applied = statuses(response)
    assert refused[0] == other_refused[0] == "rejected"
    assert applied == ("applied", None)
    assert _inspection_count() == 1
