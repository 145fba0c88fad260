"""A push is written per batch, not per change; an unforeseen race falls back to per change."""

import threading
import uuid
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, func, select
from sqlalchemy.exc import IntegrityError

from server.audit.models import AuditEntry
from server.audit.trail import REFERENCED, WHOLE_ROW
from server.extensions import db
from server.inspections.models import Inspection
from server.sync_api import bulk
from server.sync_api.models import SyncConflict, SyncFeedEntry, SyncRecord
from tests.factories import make_location, make_site, make_user
from tests.server.inspections.factories import make_template
from tests.server.sync_api.factories import Phone, inspection_fields, statuses


@pytest.fixture
def ward(client: FlaskClient) -> tuple[Any, Any, uuid.UUID]:
    site = make_site()
    location = make_location(site)
    return site, location, make_template(site).versions[0].id


def _inspections(phone: Phone, location: Any, version_id: uuid.UUID, n: int) -> list[dict]:
    fields = inspection_fields(location, version_id, photo_sha256s=["ab" * 32])
    return [phone.change("submit", "inspection", str(uuid.uuid4()), fields) for _ in range(n)]


def _count(model: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_push_uses_a_few_statements_when_batch_holds_many_inspections(client, ward) -> None:
    site, location, version_id = ward
    phone = Phone(client, make_user(site))
    batch = _inspections(phone, location, version_id, 50)
    statements: list[str] = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)

    try:
        response = phone.push(batch)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)

    assert statuses(response) == [("applied", None)] * 50
    assert len(statements) < 40


def test_push_audits_each_inspection_as_its_pusher_when_written_in_bulk(client, ward) -> None:
    site, location, version_id = ward
    user = make_user(site)
    phone = Phone(client, user)

    phone.push(_inspections(phone, location, version_id, 3))

    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.entity_type == "inspections")
    ).all()
    assert [(entry.action, entry.actor_id) for entry in entries] == [("create", user.id)] * 3


@pytest.mark.parametrize("app", ["postgresql"], indirect=True)
def test_push_keeps_the_first_of_two_phones_sending_the_same_inspection_ids_at_once(
    app: Flask,
) -> None:
    site = make_site()
    location = make_location(site)
    version_id = make_template(site).versions[0].id
    phones = [Phone(app.test_client(), make_user(site)) for _ in range(2)]
    ids = [str(uuid.uuid4()) for _ in range(30)]
    batches = []
    for phone in phones:
        fields = inspection_fields(location, version_id, note=f"by {phone.device_id}")
        batches.append([phone.change("submit", "inspection", i, fields) for i in ids])
    answers: dict[int, list[tuple[str, str | None]]] = {}

    def push(index: int) -> None:
        with app.app_context():
            answers[index] = statuses(phones[index].push(batches[index]))

    threads = [threading.Thread(target=push, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    # Whichever batch committed first holds every record; the other is told each id is
    # taken, and its content is kept for review. Nothing is stored twice or overwritten.
    first, second = sorted(answers.values(), key=lambda results: results[0][0] != "applied")
    assert first == [("applied", None)] * 30
    assert second == [("rejected", "record_id_reused")] * 30
    assert _count(Inspection) == 30
    assert _count(SyncConflict) == 30
    notes = set(db.session.scalars(select(Inspection.note)))
    assert len(notes) == 1


def test_push_applies_change_by_change_when_bulk_write_hits_a_race(
    client, ward, monkeypatch: pytest.MonkeyPatch
) -> None:
    site, location, version_id = ward
    phone = Phone(client, make_user(site))
    batch = _inspections(phone, location, version_id, 5)
    write = bulk._Plan.write

    def write_then_collide(plan: Any) -> None:
        write(plan)
        raise IntegrityError("INSERT", {}, Exception("a concurrent batch won"))

    monkeypatch.setattr(bulk._Plan, "write", write_then_collide)

    response = phone.push(batch)

    assert statuses(response) == [("applied", None)] * 5
    assert (_count(Inspection), _count(SyncRecord), _count(SyncFeedEntry)) == (5, 5, 5)


def test_push_audits_an_inspection_by_naming_it_the_same_way_on_both_paths(
    client, ward, monkeypatch: pytest.MonkeyPatch
) -> None:
    site, location, version_id = ward
    user = make_user(site)
    phone = Phone(client, user)
    in_bulk, one_by_one = _inspections(phone, location, version_id, 2)
    for change in (in_bulk, one_by_one):
        change["fields"]["note"] = "三楼东侧走廊，灭火器箱门损坏，已报修。"
    phone.push([in_bulk])
    monkeypatch.setattr(bulk, "push_in_bulk", lambda context, changes: None)
    phone.push([one_by_one])

    entries = {
        entry.entity_id: entry
        for entry in db.session.scalars(
            select(AuditEntry).where(AuditEntry.entity_type == "inspections")
        )
    }
    # The inspection never changes, so it is its own record of what was created: the
    # entry says who created which one on which site, and copies none of its columns.
    for change in (in_bulk, one_by_one):
        entry = entries[change["record_id"]]
        assert (entry.action, entry.actor_id, entry.site_id) == ("create", user.id, site.id)
        assert entry.changes == {WHOLE_ROW: [None, REFERENCED]}
        stored = db.session.get(Inspection, uuid.UUID(change["record_id"]))
        assert stored.answers == change["fields"]["answers"]
        assert stored.note == change["fields"]["note"]
