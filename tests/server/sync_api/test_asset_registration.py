"""A crew registers an unknown asset on the spot, offline: an asset `create` through sync.

Every behaviour is checked on both push paths: in bulk (a normal batch) and change by change
(what the server falls back to when the bulk path gives up).
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from server.assets.models import Asset, FireExtinguisher
from server.auth.models import Role
from server.checklists.models import TargetKind
from server.extensions import db
from server.inspections.models import Inspection
from server.sites.models import Location, Site
from server.sync_api import bulk, services
from tests.factories import bearer_headers, make_location, make_site, make_user
from tests.server.assets.factories import make_bait_station, make_extinguisher
from tests.server.inspections.factories import make_template
from tests.server.sync_api.factories import Phone, finding_fields, inspection_fields, statuses

LABEL_TOKEN = "Zx8-scanned_label_01"


@pytest.fixture(params=["in_bulk", "change_by_change"])
def push_path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Which push path answers: the bulk one, or change by change (bulk gave up)."""
    if request.param == "change_by_change":
        monkeypatch.setattr(bulk, "push_in_bulk", lambda context, changes: None)
    return str(request.param)


@pytest.fixture
def basement(client: FlaskClient) -> Location:
    """A plant room of a hospital with an extinguisher checklist published."""
    site = make_site()
    make_template(site, TargetKind.FIRE_EXTINGUISHER)
    return make_location(site)


def _site_of(location: Location) -> Site:
    return db.session.get(Site, location.site_id)


def _crew_phone(client: FlaskClient, location: Location, role: Role = Role.MAINTENANCE) -> Phone:
    return Phone(client, make_user(_site_of(location), role))


def extinguisher_fields(location: Location, **extra: Any) -> dict[str, Any]:
    """What the phone sends when a crew registers a dry powder extinguisher it just scanned."""
    return {
        "site_id": str(location.site_id),
        "location_id": str(location.id),
        "kind": "fire_extinguisher",
        "code": "MHQ-901",
        "name_zh": "4 kg 干粉灭火器",
        "name_en": "",
        "qr_token": LABEL_TOKEN,
        "status": "in_service",
        "notes": "",
        "agent": "dry_powder",
        "capacity_kg": 4,
        "manufactured_on": "2023-05-01",
        **extra,
    }


def _register(phone: Phone, location: Location, **extra: Any) -> dict[str, Any]:
    return phone.change(
        "create", "asset", str(uuid.uuid4()), extinguisher_fields(location, **extra)
    )


def _asset_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Asset))


def _results(response: Any) -> list[dict[str, Any]]:
    return list(response.get_json()["results"])


# --- Registered ---------------------------------------------------------------------------


def test_push_registers_the_asset_when_crew_creates_it_offline(
    client: FlaskClient, basement: Location, push_path: str
) -> None:
    phone = _crew_phone(client, basement)
    change = _register(phone, basement)

    response = phone.push([change])

    assert statuses(response) == [("applied", None)]
    asset = db.session.get(Asset, uuid.UUID(change["record_id"]))
    assert isinstance(asset, FireExtinguisher)
    assert (asset.code, asset.qr_token, asset.location_id) == ("MHQ-901", LABEL_TOKEN, basement.id)
    assert (asset.agent, asset.capacity_kg) == ("dry_powder", 4.0)
    assert asset.manufactured_on == date(2023, 5, 1)
    assert asset.version == 1


def test_push_writes_registrations_and_their_checks_in_bulk(
    client: FlaskClient, basement: Location, monkeypatch: pytest.MonkeyPatch
) -> None:
    phone = _crew_phone(client, basement)
    version_id = make_template(_site_of(basement)).versions[0].id
    ward_round = inspection_fields(basement, version_id)
    registration = _register(phone, basement)
    batch = [
        registration,
        _register(phone, basement, code="MHQ-902", qr_token="Zx8-scanned_label_02"),
        phone.change("submit", "inspection", str(uuid.uuid4()), ward_round),
        _check_of(phone, basement, registration["record_id"]),
    ]
    one_by_one: list[int] = []
    change_by_change = services._push_one_by_one
    monkeypatch.setattr(
        services,
        "_push_one_by_one",
        lambda context, changes: one_by_one.append(1) or change_by_change(context, changes),
    )

    response = phone.push(batch)

    assert statuses(response) == [("applied", None)] * 4
    assert one_by_one == []


def test_push_answers_already_applied_and_keeps_one_asset_when_registration_is_resent(
    client: FlaskClient, basement: Location, push_path: str
) -> None:
    phone = _crew_phone(client, basement)
    change = _register(phone, basement)

    phone.push([change])
    again = phone.push([change])

    assert statuses(again) == [("already_applied", None)]
    assert _asset_count() == 1


def test_pull_of_another_phone_carries_the_asset_when_crew_registered_it(
    client: FlaskClient, basement: Location, push_path: str
) -> None:
    crew = _crew_phone(client, basement)
    change = _register(crew, basement)
    crew.push([change])
    colleague = _crew_phone(client, basement, Role.INSPECTOR)

    pulled = colleague.pull().get_json()["changes"]

    records = [record for record in pulled if record["record_id"] == change["record_id"]]
    assert len(records) == 1
    fields = records[0]["fields"]
    assert records[0]["record_type"] == "asset"
    assert (fields["code"], fields["qr_token"], fields["kind"]) == (
        "MHQ-901",
        LABEL_TOKEN,
        "fire_extinguisher",
    )


def test_asset_list_and_label_lookup_show_the_asset_when_crew_registered_it(
    client: FlaskClient, basement: Location, push_path: str
) -> None:
    crew = _crew_phone(client, basement)
    change = _register(crew, basement)
    crew.push([change])
    headers = bearer_headers(make_user(_site_of(basement), Role.REVIEWER))

    listed = client.get(
        "/api/assets", query_string={"site_id": str(basement.site_id)}, headers=headers
    )
    scanned = client.get(f"/api/assets/by-qr/roundbook:asset:{LABEL_TOKEN}", headers=headers)

    assert [asset["id"] for asset in listed.json] == [change["record_id"]]
    assert scanned.json["id"] == change["record_id"]
    # GB 50444: a dry powder unit is first serviced 5 years after manufacture.
    assert scanned.json["service_due_on"] == "2028-05-01"


def test_push_registers_the_asset_when_site_admin_creates_it(
    client: FlaskClient, basement: Location, push_path: str
) -> None:
    phone = _crew_phone(client, basement, Role.SITE_ADMIN)

    response = phone.push([_register(phone, basement)])

    assert statuses(response) == [("applied", None)]


def test_push_issues_a_qr_token_when_a_typed_code_is_registered_without_one(
    client: FlaskClient, basement: Location, push_path: str
) -> None:
    phone = _crew_phone(client, basement)
    change = _register(phone, basement)
    del change["fields"]["qr_token"]

    response = phone.push([change])

    assert statuses(response) == [("applied", None)]
    assert db.session.get(Asset, uuid.UUID(change["record_id"])).qr_token


# --- Refused ------------------------------------------------------------------------------


def test_push_rejects_registration_as_forbidden_when_inspector_registers(
    client: FlaskClient, basement: Location, push_path: str
) -> None:
    phone = _crew_phone(client, basement, Role.INSPECTOR)

    response = phone.push([_register(phone, basement)])

    assert statuses(response) == [("rejected", "forbidden")]
    assert _asset_count() == 0


def test_push_rejects_an_inspectors_registration_when_their_finding_on_that_site_applies(
    client: FlaskClient, basement: Location, push_path: str
) -> None:
    # What a batch's changes may do on a site is judged per kind of change: that this
    # inspector may report a finding there says nothing of registering an asset there.
    phone = _crew_phone(client, basement, Role.INSPECTOR)
    finding = phone.change("create", "finding", str(uuid.uuid4()), finding_fields(basement))

    response = phone.push([finding, _register(phone, basement), _register(phone, basement)])

    assert statuses(response) == [("applied", None)] + [("rejected", "forbidden")] * 2
    assert _asset_count() == 0


@pytest.mark.parametrize(
    ("change_fields", "code", "field"),
    [
        # What the asset's kind needs (GB 50444 dates come from these).
        ({"manufactured_on": None}, "invalid_field", "manufactured_on"),
        ({"agent": "foam"}, "invalid_field", "agent"),
        ({"station_number": 4}, "invalid_field", "station_number"),
        ({"last_serviced_on": "2020-01-01"}, "invalid_field", "last_serviced_on"),
        # What every asset needs.
        ({"code": "MHQ 901"}, "invalid_field", "code"),
        ({"name_zh": ""}, "invalid_field", "name_zh"),
        ({"qr_token": "short"}, "invalid_field", "qr_token"),
        ({"location_id": str(uuid.uuid4())}, "invalid_reference", "location_id"),
        # Values of the wrong type are refused, never a server error.
        ({"kind": "fire_truck"}, "invalid_field", "kind"),
        ({"code": 901}, "invalid_field", "code"),
        ({"capacity_kg": "4 kg"}, "invalid_field", "capacity_kg"),
        ({"capacity_kg": True}, "invalid_field", "capacity_kg"),
        ({"manufactured_on": "2023-13-01"}, "invalid_field", "manufactured_on"),
        ({"notes": ["a", "b"]}, "invalid_field", "notes"),
        ({"responsible_user_id": str(uuid.uuid4())}, "unknown_field", "responsible_user_id"),
    ],
)
def test_push_rejects_registration_naming_the_field_when_it_does_not_fit(
    client: FlaskClient,
    basement: Location,
    push_path: str,
    change_fields: dict[str, Any],
    code: str,
    field: str,
) -> None:
    phone = _crew_phone(client, basement)

    response = phone.push([_register(phone, basement, **change_fields)])

    result = _results(response)[0]
    assert (result["status"], result["code"], result["details"]) == (
        "rejected",
        code,
        {"field": field},
    )
    assert _asset_count() == 0


def test_push_rejects_registration_as_forbidden_when_crew_registers_on_a_site_they_are_not_on(
    client: FlaskClient, basement: Location, push_path: str
) -> None:
    other_ward = make_location(make_site())
    phone = _crew_phone(client, basement)

    response = phone.push([_register(phone, other_ward)])

    assert statuses(response) == [("rejected", "forbidden")]
    assert _asset_count() == 0


def test_push_rejects_registration_as_invalid_reference_when_location_is_another_sites(
    client: FlaskClient, basement: Location, push_path: str
) -> None:
    other_ward = make_location(make_site())
    phone = _crew_phone(client, basement)

    change = _register(phone, basement, location_id=str(other_ward.id))
    result = _results(phone.push([change]))[0]

    assert (result["code"], result["details"]) == ("invalid_reference", {"field": "location_id"})
    assert _asset_count() == 0


def test_push_rejects_registration_as_missing_field_when_kind_is_absent(
    client: FlaskClient, basement: Location, push_path: str
) -> None:
    phone = _crew_phone(client, basement)
    change = _register(phone, basement)
    del change["fields"]["kind"]

    result = _results(phone.push([change]))[0]

    assert (result["code"], result["details"]) == ("missing_field", {"field": "kind"})


def test_push_rejects_deleting_an_asset_when_crew_deletes_one_it_registered(
    client: FlaskClient, basement: Location, push_path: str
) -> None:
    phone = _crew_phone(client, basement)
    change = _register(phone, basement)
    phone.push([change])

    response = phone.push([phone.change("delete", "asset", change["record_id"], {})])

    assert statuses(response) == [("rejected", "op_not_allowed")]
    assert _asset_count() == 1


# --- A label already taken ----------------------------------------------------------------


def test_push_rejects_qr_code_taken_naming_the_asset_when_label_is_already_registered(
    client: FlaskClient, basement: Location, push_path: str
) -> None:
    existing = make_extinguisher(_site_of(basement), location=basement, qr_token=LABEL_TOKEN)
    phone = _crew_phone(client, basement)

    result = _results(phone.push([_register(phone, basement)]))[0]

    assert (result["status"], result["code"]) == ("rejected", "qr_code_taken")
    assert result["details"] == {"field": "qr_token", "asset_id": str(existing.id)}
    assert _asset_count() == 1


def test_push_rejects_qr_code_taken_when_typed_code_is_registered_in_another_case(
    client: FlaskClient, basement: Location, push_path: str
) -> None:
    existing = make_extinguisher(_site_of(basement), location=basement, code="MHQ-901")
    phone = _crew_phone(client, basement)

    result = _results(phone.push([_register(phone, basement, code="mhq-901")]))[0]

    assert (result["code"], result["details"]) == (
        "qr_code_taken",
        {"field": "code", "asset_id": str(existing.id)},
    )


def test_push_rejects_qr_code_taken_without_naming_the_asset_when_label_is_another_sites(
    client: FlaskClient, basement: Location, push_path: str
) -> None:
    make_extinguisher(make_site(), qr_token=LABEL_TOKEN)
    phone = _crew_phone(client, basement)

    result = _results(phone.push([_register(phone, basement)]))[0]

    assert (result["code"], result["details"]) == ("qr_code_taken", {"field": "qr_token"})


def test_push_registers_the_asset_when_its_code_is_used_only_on_another_site(
    client: FlaskClient, basement: Location, push_path: str
) -> None:
    make_extinguisher(make_site(), code="MHQ-901")
    phone = _crew_phone(client, basement)

    response = phone.push([_register(phone, basement)])

    assert statuses(response) == [("applied", None)]


def test_push_rejects_station_number_taken_when_bait_station_number_is_used(
    client: FlaskClient, basement: Location, push_path: str
) -> None:
    existing = make_bait_station(_site_of(basement), station_number=12)
    phone = _crew_phone(client, basement)
    fields = {
        **extinguisher_fields(basement),
        "kind": "bait_station",
        "code": "SB-012",
        "station_number": 12,
    }
    for name in ("agent", "capacity_kg", "manufactured_on"):
        del fields[name]

    result = _results(phone.push([phone.change("create", "asset", str(uuid.uuid4()), fields)]))[0]

    assert (result["code"], result["details"]) == (
        "station_number_taken",
        {"field": "station_number", "asset_id": str(existing.id)},
    )


def test_push_applies_the_first_and_rejects_the_second_when_one_batch_registers_a_label_twice(
    client: FlaskClient, basement: Location, push_path: str
) -> None:
    phone = _crew_phone(client, basement)
    first = _register(phone, basement)
    second = _register(phone, basement, code="MHQ-902")

    results = _results(phone.push([first, second]))

    assert [(result["status"], result["code"]) for result in results] == [
        ("applied", None),
        ("rejected", "qr_code_taken"),
    ]
    assert results[1]["details"] == {"field": "qr_token", "asset_id": first["record_id"]}
    assert _asset_count() == 1


def test_push_rejects_the_later_phone_when_two_phones_registered_one_label_offline(
    client: FlaskClient, basement: Location, push_path: str
) -> None:
    first_phone = _crew_phone(client, basement)
    second_phone = _crew_phone(client, basement)
    first = _register(first_phone, basement)
    second = _register(second_phone, basement, code="MHQ-902")

    first_phone.push([first])
    result = _results(second_phone.push([second]))[0]

    assert (result["status"], result["code"]) == ("rejected", "qr_code_taken")
    assert result["details"]["asset_id"] == first["record_id"]
    assert _asset_count() == 1


# --- Checked before it synced -------------------------------------------------------------


def _check_of(phone: Phone, location: Location, asset_id: str) -> dict[str, Any]:
    version_id = make_template(_site_of(location), TargetKind.FIRE_EXTINGUISHER).versions[0].id
    fields = inspection_fields(location, version_id, asset_id=asset_id)
    return phone.change("submit", "inspection", str(uuid.uuid4()), fields)


def test_push_applies_the_check_of_the_new_asset_when_it_follows_the_registration(
    client: FlaskClient, basement: Location, push_path: str
) -> None:
    phone = _crew_phone(client, basement)
    registration = _register(phone, basement)
    check = _check_of(phone, basement, registration["record_id"])

    response = phone.push([registration, check])

    assert statuses(response) == [("applied", None), ("applied", None)]
    inspection = db.session.get(Inspection, uuid.UUID(check["record_id"]))
    assert str(inspection.asset_id) == registration["record_id"]


def test_push_asks_to_retry_the_check_when_its_asset_has_not_arrived_yet(
    client: FlaskClient, basement: Location, push_path: str
) -> None:
    phone = _crew_phone(client, basement)
    registration = _register(phone, basement)
    check = _check_of(phone, basement, registration["record_id"])

    early = phone.push([check])
    later = phone.push([registration, check])

    assert statuses(early) == [("retry", "depends_on_missing_record")]
    assert statuses(later) == [("applied", None), ("applied", None)]
    assert db.session.scalar(select(func.count()).select_from(Inspection)) == 1


def test_push_applies_a_finding_on_the_new_asset_when_it_follows_the_registration(
    client: FlaskClient, basement: Location, push_path: str
) -> None:
    phone = _crew_phone(client, basement)
    registration = _register(phone, basement)
    finding = phone.change(
        "create",
        "finding",
        str(uuid.uuid4()),
        {
            "site_id": str(basement.site_id),
            "location_id": str(basement.id),
            "department_id": str(basement.department_id),
            "asset_id": registration["record_id"],
            "title": "压力表指针在红区",
            "severity": "high",
            "status": "open",
        },
    )

    response = phone.push([registration, finding])

    assert statuses(response) == [("applied", None), ("applied", None)]


def test_push_keeps_crew_edits_when_crew_updates_status_of_an_asset_it_registered(
    client: FlaskClient, basement: Location, push_path: str
) -> None:
    phone = _crew_phone(client, basement)
    registration = _register(phone, basement)
    phone.push([registration])

    update = phone.change(
        "update", "asset", registration["record_id"], {"status": "missing"}, base_version=1
    )
    response = phone.push([update])

    assert statuses(response) == [("applied", None)]
    asset = db.session.get(Asset, uuid.UUID(registration["record_id"]))
    assert (asset.status, asset.code) == ("missing", "MHQ-901")


def test_push_rejects_changing_the_code_when_crew_edits_an_asset_it_registered(
    client: FlaskClient, basement: Location, push_path: str
) -> None:
    phone = _crew_phone(client, basement)
    registration = _register(phone, basement)
    phone.push([registration])

    update = phone.change("update", "asset", registration["record_id"], {"code": "MHQ-999"})
    result = _results(phone.push([update]))[0]

    assert (result["code"], result["details"]) == ("unknown_field", {"field": "code"})
