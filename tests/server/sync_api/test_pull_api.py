"""GET /api/sync/pull: paging, tombstones, lost sites, epochs; and conflict review."""

import threading
import uuid

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, func, select

from server.auth.models import Role, SiteMembership
from server.extensions import db
from server.findings.models import Finding
from server.sites.models import Location, Site
from server.sync_api.models import SyncConflict
from server.sync_api.store import start_new_epoch
from sync.changes import Cursor
from tests.factories import make_location, make_site, make_user
from tests.server.inspections.factories import make_template
from tests.server.photos.factories import make_jpeg, put_photo, sha256_of
from tests.server.sync_api.factories import (
    BASE_MS,
    Phone,
    finding_fields,
    inspection_fields,
)


def _pull_all(phone: Phone, limit: int) -> tuple[list[dict], int]:
    records, pages, cursor, has_more = [], 0, None, True
    while has_more:
        body = phone.pull(cursor, limit).get_json()
        records.extend(body["changes"])
        cursor, has_more, pages = body["next_cursor"], body["has_more"], pages + 1
    return records, pages


def _five_findings(client: FlaskClient) -> tuple[Site, Phone, list[str]]:
    """A site where a phone created five findings: the site, the phone, the findings' ids."""
    site = make_site()
    location = make_location(site)
    phone = Phone(client, make_user(site))
    ids = [str(uuid.uuid4()) for _ in range(5)]
    phone.push([phone.change("create", "finding", i, finding_fields(location)) for i in ids])
    return site, phone, ids


def test_pull_returns_every_record_once_with_tombstones_when_paged_to_the_end(
    client: FlaskClient,
) -> None:
    site, phone, ids = _five_findings(client)
    phone.push([phone.change("delete", "finding", ids[0], {}, wall_ms=BASE_MS + 5000)])

    records, pages = _pull_all(Phone(client, make_user(site)), limit=2)

    assert pages == 3
    assert sorted(record["record_id"] for record in records) == sorted(ids)
    tombstone = next(record for record in records if record["record_id"] == ids[0])
    assert tombstone["deleted"] is True
    assert "fields" not in tombstone
    assert db.session.get(Finding, uuid.UUID(ids[0])) is None


def test_pull_links_each_page_to_the_next_when_a_client_follows_the_link_header(
    client: FlaskClient,
) -> None:
    site, phone, _ = _five_findings(client)
    by_cursor, _ = _pull_all(phone, limit=2)

    pages = [phone.pull(limit=2, known_site_ids=[str(site.id)])]
    while "Link" in pages[-1].headers:
        url, rel = pages[-1].headers["Link"].split("; ")
        assert rel == 'rel="next"'
        pages.append(client.get(url.strip("<>"), headers=phone.headers))

    assert [page.get_json()["has_more"] for page in pages] == [True, True, False]
    assert [record for page in pages for record in page.get_json()["changes"]] == by_cursor
    assert "known_site_ids=" in pages[0].headers["Link"]
    assert pages[-1].get_json()["drop_site_ids"] == []


def test_pull_hides_other_sites_and_lists_drop_site_ids_when_access_is_lost(
    client: FlaskClient,
) -> None:
    site, other = make_site(), make_site()
    user = make_user(site)
    phone = Phone(client, user)
    phone.push(
        [phone.change("create", "finding", str(uuid.uuid4()), finding_fields(make_location(site)))]
    )
    db.session.execute(delete(SiteMembership).where(SiteMembership.user_id == user.id))
    db.session.commit()

    body = phone.pull(known_site_ids=[str(site.id), str(other.id)]).get_json()

    assert body["changes"] == []
    assert sorted(body["drop_site_ids"]) == sorted([str(site.id), str(other.id)])


def test_pull_returns_409_epoch_mismatch_when_server_started_a_new_epoch(
    client: FlaskClient,
) -> None:
    site = make_site()
    phone = Phone(client, make_user(site))
    phone.push(
        [phone.change("create", "finding", str(uuid.uuid4()), finding_fields(make_location(site)))]
    )
    cursor = phone.pull().get_json()["next_cursor"]

    new_epoch = start_new_epoch()
    response = phone.pull(cursor)

    assert response.status_code == 409
    assert response.get_json()["code"] == "epoch_mismatch"
    assert response.get_json()["details"]["server_epoch"] == new_epoch


def test_pull_returns_409_epoch_mismatch_when_cursor_is_ahead_of_the_feed(
    client: FlaskClient,
) -> None:
    site = make_site()
    phone = Phone(client, make_user(site))
    epoch = phone.pull().get_json()["server_epoch"]

    response = phone.pull(Cursor(epoch, 999).encode())

    assert response.status_code == 409
    assert response.get_json()["code"] == "epoch_mismatch"


def test_pull_returns_422_on_cursor_when_cursor_is_garbage(client: FlaskClient) -> None:
    phone = Phone(client, make_user(make_site()))

    response = phone.pull("%%%")

    assert response.status_code == 422
    assert "cursor" in response.get_json()["fields"]


def _inspector_with_a_checklist(client: FlaskClient) -> tuple[Site, Location, uuid.UUID, Phone]:
    """A site with a ward and a published checklist, and an inspector's phone there."""
    site = make_site()
    return (
        site,
        make_location(site),
        make_template(site).versions[0].id,
        Phone(client, make_user(site)),
    )


def test_pull_reports_missing_photos_when_inspection_expects_them(client: FlaskClient) -> None:
    site, location, version_id, phone = _inspector_with_a_checklist(client)
    received = make_jpeg(seed=3)
    shas = ["f" * 64, sha256_of(received), "a" * 64]
    with_photos, without_photos = str(uuid.uuid4()), str(uuid.uuid4())

    pushed = phone.push(
        [
            phone.change(
                "submit",
                "inspection",
                with_photos,
                inspection_fields(location, version_id, photo_sha256s=shas),
            ),
            phone.change(
                "submit", "inspection", without_photos, inspection_fields(location, version_id)
            ),
        ]
    )
    before_upload = phone.pull().get_json()
    assert put_photo(client, site, received, phone.headers).status_code in (200, 201)
    after_upload = phone.pull().get_json()

    assert pushed.get_json()["results"][0]["missing_photo_sha256s"] == sorted(shas)
    assert before_upload["missing_photos"] == {with_photos: sorted(shas)}
    assert after_upload["missing_photos"] == {with_photos: ["a" * 64, "f" * 64]}


def test_pull_reports_no_missing_photos_when_every_photo_arrived(client: FlaskClient) -> None:
    site, location, version_id, phone = _inspector_with_a_checklist(client)
    photo = make_jpeg(seed=4)
    fields = inspection_fields(location, version_id, photo_sha256s=[sha256_of(photo)])

    phone.push([phone.change("submit", "inspection", str(uuid.uuid4()), fields)])
    assert put_photo(client, site, photo, phone.headers).status_code in (200, 201)

    assert phone.pull().get_json()["missing_photos"] == {}


def test_conflict_restore_writes_lost_value_back_when_reviewer_restores_it(
    client: FlaskClient,
) -> None:
    site = make_site()
    location = make_location(site)
    first, second = Phone(client, make_user(site)), Phone(client, make_user(site))
    reviewer = Phone(client, make_user(site, Role.REVIEWER))
    finding_id = str(uuid.uuid4())
    first.push([first.change("create", "finding", finding_id, finding_fields(location))])
    first.push(
        [
            first.change(
                "update",
                "finding",
                finding_id,
                {"description": "A"},
                wall_ms=BASE_MS + 2000,
                base_version=1,
            )
        ]
    )
    second.push(
        [
            second.change(
                "update",
                "finding",
                finding_id,
                {"description": "B"},
                wall_ms=BASE_MS + 1000,
                base_version=1,
            )
        ]
    )
    listed = client.get(
        "/api/sync/conflicts", query_string={"site_id": str(site.id)}, headers=reviewer.headers
    ).get_json()

    response = client.post(
        f"/api/sync/conflicts/{listed[0]['id']}/resolve",
        json={"action": "restore"},
        headers=reviewer.headers,
    )

    assert response.status_code == 200
    assert response.get_json()["resolution"] == "restored"
    assert db.session.get(Finding, uuid.UUID(finding_id)).description == "B"


def test_conflicts_return_403_when_caller_is_an_inspector(client: FlaskClient) -> None:
    site = make_site()
    phone = Phone(client, make_user(site))

    response = client.get(
        "/api/sync/conflicts", query_string={"site_id": str(site.id)}, headers=phone.headers
    )

    assert response.status_code == 403


@pytest.mark.parametrize("app", ["postgresql"], indirect=True)
def test_push_gives_no_500_and_no_duplicate_when_same_batch_arrives_twice_at_once(
    app: Flask,
) -> None:
    site = make_site()
    location = make_location(site)
    phone = Phone(app.test_client(), make_user(site))
    batch = [
        phone.change("create", "finding", str(uuid.uuid4()), finding_fields(location))
        for _ in range(50)
    ]
    codes: list[int] = []

    def push() -> None:
        with app.app_context():
            codes.append(phone.push(batch).status_code)

    threads = [threading.Thread(target=push) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert codes == [200, 200]
    assert db.session.scalar(select(func.count()).select_from(Finding)) == 50
    assert db.session.scalar(select(func.count()).select_from(SyncConflict)) == 0
