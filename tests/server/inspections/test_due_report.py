"""The due report: what was due on a day, done by whom, or overdue, on the site's clock."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from sqlalchemy import event

from server.auth.access import Principal
from server.auth.models import Role, User
from server.auth.services import principal_for
from server.checklists.models import ChecklistTemplate, Frequency, TargetKind
from server.errors import ApiError
from server.extensions import db
from server.inspections.due import DueItem, due_report
from server.inspections.models import InspectionResult
from server.sites.models import Location, LocationKind, Site
from tests.factories import make_floor, make_location, make_site, make_user
from tests.server.inspections.factories import (
    make_asset,
    make_inspection,
    make_schedule,
    make_template,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
TUESDAY = date(2024, 5, 7)
MONDAY = date(2024, 5, 6)


def _at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    """A moment on the Shanghai wall clock."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def _as(user: User) -> Principal:
    return principal_for(user)


def _ward_round(site: Site) -> tuple[ChecklistTemplate, Location, User]:
    """A working-days ward round of one ward, and an inspector of the site."""
    template = make_template(site, TargetKind.LOCATION, default_frequency=Frequency.WORKING_DAYS)
    return template, make_location(site), make_user(site, Role.INSPECTOR)


def _only(items: list[DueItem]) -> DueItem:
    assert len(items) == 1, items
    return items[0]


def test_due_report_shows_done_green_with_inspector_when_checked_in_period(app: Flask) -> None:
    site = make_site()
    template, ward, inspector = _ward_round(site)
    schedule = make_schedule(template, locations=[ward], assignee=inspector)
    inspection = make_inspection(template, inspector, _at(TUESDAY), location=ward)

    item = _only(due_report(_as(inspector), site.id, TUESDAY, today=TUESDAY))

    assert (item.status, item.colour) == ("done", "green")
    assert item.done_by is not None
    assert item.done_by.id == inspector.id
    assert item.done_by.display_name == "测试用户"
    assert item.done_at == _at(TUESDAY)
    assert item.inspection_id == inspection.id
    assert item.result is InspectionResult.PASSED
    assert item.due_on == TUESDAY
    assert item.schedule.id == schedule.id
    assert (item.target.kind, item.target.id, item.target.name_zh) == (
        "location",
        ward.id,
        ward.name_zh,
    )


def test_due_report_reports_latest_inspection_when_checked_twice_in_period(app: Flask) -> None:
    site = make_site()
    template, ward, inspector = _ward_round(site)
    make_schedule(template, locations=[ward])
    make_inspection(template, inspector, _at(TUESDAY, 9), location=ward)
    latest = make_inspection(template, inspector, _at(TUESDAY, 15), location=ward)

    item = _only(due_report(_as(inspector), site.id, TUESDAY, today=TUESDAY))

    assert item.inspection_id == latest.id
    assert item.last_done_at == _at(TUESDAY, 15)


def test_due_report_shows_due_amber_when_not_yet_checked_and_previous_period_done(
    app: Flask,
) -> None:
    site = make_site()
    template, ward, inspector = _ward_round(site)
    make_schedule(template, locations=[ward], assignee=inspector)
    make_inspection(template, inspector, _at(MONDAY), location=ward)

    item = _only(due_report(_as(inspector), site.id, TUESDAY, today=TUESDAY))

    assert (item.status, item.colour) == ("due", "amber")
    assert item.assignee is not None
    assert item.assignee.id == inspector.id
    assert item.done_by is None
    assert item.last_done_at == _at(MONDAY)


def test_due_report_shows_overdue_red_when_previous_period_was_missed_too(app: Flask) -> None:
    site = make_site()
    template, ward, inspector = _ward_round(site)
    make_schedule(template, locations=[ward])

    item = _only(due_report(_as(inspector), site.id, TUESDAY, today=TUESDAY))

    assert (item.status, item.colour) == ("overdue", "red")


def test_due_report_shows_overdue_when_period_ended_before_today_unchecked(app: Flask) -> None:
    site = make_site()
    template, ward, inspector = _ward_round(site)
    make_schedule(template, locations=[ward], starts_on=MONDAY)

    item = _only(due_report(_as(inspector), site.id, MONDAY, today=TUESDAY))

    assert item.status == "overdue"


def test_due_report_shows_due_when_first_period_of_schedule_is_unchecked(app: Flask) -> None:
    site = make_site()
    template, ward, inspector = _ward_round(site)
    make_schedule(template, locations=[ward], starts_on=TUESDAY)

    item = _only(due_report(_as(inspector), site.id, TUESDAY, today=TUESDAY))

    assert item.status == "due"


def test_due_report_does_not_call_future_day_overdue_when_this_period_is_still_open(
    app: Flask,
) -> None:
    site = make_site()
    template, ward, inspector = _ward_round(site)
    make_schedule(template, locations=[ward])
    make_inspection(template, inspector, _at(MONDAY), location=ward)

    item = _only(due_report(_as(inspector), site.id, date(2024, 5, 8), today=MONDAY))

    assert item.status == "due"


@pytest.mark.parametrize(
    ("finished_at", "day", "expected"),
    [
        # 00:10 on 8 May in Shanghai is 16:10 UTC on 7 May: it counts for the 8th
        (_at(date(2024, 5, 8), 0, 10), date(2024, 5, 8), "done"),
        (_at(date(2024, 5, 8), 0, 10), date(2024, 5, 7), "overdue"),
        # 23:50 on 7 May in Shanghai is still the 7th
        (_at(date(2024, 5, 7), 23, 50), date(2024, 5, 7), "done"),
        (_at(date(2024, 5, 7), 23, 50), date(2024, 5, 8), "due"),
    ],
)
def test_due_report_counts_inspection_on_site_local_day_when_finished_around_midnight(
    app: Flask, finished_at: datetime, day: date, expected: str
) -> None:
    site = make_site()
    template, ward, inspector = _ward_round(site)
    make_schedule(template, locations=[ward], starts_on=date(2024, 5, 7))
    make_inspection(template, inspector, finished_at, location=ward)

    item = _only(due_report(_as(inspector), site.id, day, today=date(2024, 5, 8)))

    assert item.status == expected


@pytest.mark.parametrize(
    ("finished_at", "may_status", "june_status"),
    [
        # 23:50 on 31 May in Shanghai (15:50 UTC): the May check
        (_at(date(2024, 5, 31), 23, 50), "done", "due"),
        # 00:30 on 1 June in Shanghai (16:30 UTC on 31 May): the June check
        (_at(date(2024, 6, 1), 0, 30), "overdue", "done"),
    ],
)
def test_due_report_counts_monthly_check_in_site_local_month_when_finished_near_month_end(
    app: Flask, finished_at: datetime, may_status: str, june_status: str
) -> None:
    site = make_site()
    template = make_template(site, TargetKind.FIRE_EXTINGUISHER)
    extinguisher = make_asset(make_location(site, LocationKind.WARD, floor=make_floor(site, 2)))
    inspector = make_user(site, Role.MAINTENANCE)
    make_schedule(template, assets=[extinguisher], starts_on=date(2024, 5, 1))
    make_inspection(template, inspector, finished_at, asset=extinguisher)
    today = date(2024, 6, 3)

    may = _only(due_report(_as(inspector), site.id, date(2024, 5, 15), today=today))
    june = _only(due_report(_as(inspector), site.id, date(2024, 6, 3), today=today))

    assert (may.status, june.status) == (may_status, june_status)


def test_due_report_ignores_received_time_when_old_inspection_is_synced_today(
    app: Flask,
) -> None:
    site = make_site()
    template = make_template(site, TargetKind.FIRE_EXTINGUISHER)
    extinguisher = make_asset(make_location(site))
    crew = make_user(site, Role.MAINTENANCE)
    make_schedule(template, assets=[extinguisher], starts_on=date(2024, 3, 1))
    today = date(2024, 5, 10)
    make_inspection(
        template, crew, _at(date(2024, 4, 20)), asset=extinguisher, received_at=_at(today, 9)
    )

    item = _only(due_report(_as(crew), site.id, today, today=today))

    assert item.status == "due"
    assert item.done_at is None
    assert item.last_done_at == _at(date(2024, 4, 20))


def test_due_report_uses_half_monthly_period_when_target_overrides_frequency(
    app: Flask,
) -> None:
    site = make_site()
    template = make_template(site, TargetKind.FIRE_EXTINGUISHER)
    extinguisher = make_asset(make_location(site, floor=make_floor(site, -1)))
    crew = make_user(site, Role.MAINTENANCE)
    schedule = make_schedule(template, assets=[extinguisher], starts_on=date(2024, 5, 1))
    schedule.targets[0].frequency = Frequency.HALF_MONTHLY
    db.session.commit()
    make_inspection(template, crew, _at(date(2024, 5, 10)), asset=extinguisher)

    item = _only(due_report(_as(crew), site.id, date(2024, 5, 20), today=date(2024, 5, 20)))

    assert (item.status, item.frequency) == ("due", "half_monthly")
    assert (item.period_start, item.due_on) == (date(2024, 5, 16), date(2024, 5, 31))


@pytest.mark.parametrize("day", [date(2024, 5, 11), date(2024, 5, 12)])
def test_due_report_lists_nothing_when_working_days_schedule_and_day_is_weekend(
    app: Flask, day: date
) -> None:
    site = make_site()
    template, ward, inspector = _ward_round(site)
    make_schedule(template, locations=[ward])

    assert due_report(_as(inspector), site.id, day, today=day) == []


def test_due_report_counts_not_inspected_as_done_when_reason_is_given(app: Flask) -> None:
    site = make_site()
    template, ward, inspector = _ward_round(site)
    make_schedule(template, locations=[ward])
    make_inspection(
        template, inspector, _at(TUESDAY), location=ward, result=InspectionResult.NOT_INSPECTED
    )

    item = _only(due_report(_as(inspector), site.id, TUESDAY, today=TUESDAY))

    assert (item.status, item.colour) == ("done", "green")
    assert item.result is InspectionResult.NOT_INSPECTED


def test_due_report_ignores_inspection_when_made_with_another_template(app: Flask) -> None:
    site = make_site()
    template, ward, inspector = _ward_round(site)
    make_schedule(template, locations=[ward], starts_on=TUESDAY)
    fire_patrol = make_template(site, TargetKind.LOCATION)
    make_inspection(fire_patrol, inspector, _at(TUESDAY), location=ward)

    item = _only(due_report(_as(inspector), site.id, TUESDAY, today=TUESDAY))

    assert item.status == "due"


@pytest.mark.parametrize(
    "schedule_fields",
    [
        {"is_active": False},
        {"ends_on": MONDAY},
        {"starts_on": date(2024, 5, 8)},
    ],
)
def test_due_report_lists_nothing_when_schedule_is_not_active_on_day(
    app: Flask, schedule_fields: dict[str, Any]
) -> None:
    site = make_site()
    template, ward, inspector = _ward_round(site)
    make_schedule(template, locations=[ward], **schedule_fields)

    assert due_report(_as(inspector), site.id, TUESDAY, today=TUESDAY) == []


def test_due_report_lists_overdue_first_when_statuses_are_mixed(app: Flask) -> None:
    site = make_site()
    template, done_ward, inspector = _ward_round(site)
    missed_ward = make_location(site)
    make_schedule(template, locations=[done_ward, missed_ward])
    make_inspection(template, inspector, _at(TUESDAY), location=done_ward)

    items = due_report(_as(inspector), site.id, TUESDAY, today=TUESDAY)

    assert [(i.target.id, i.status) for i in items] == [
        (missed_ward.id, "overdue"),
        (done_ward.id, "done"),
    ]


def test_due_report_raises_not_found_when_user_is_of_another_site(app: Flask) -> None:
    site = make_site()
    template, ward, _ = _ward_round(site)
    make_schedule(template, locations=[ward])
    outsider = make_user(make_site(), Role.SITE_ADMIN)

    with pytest.raises(ApiError) as raised:
        due_report(_as(outsider), site.id, TUESDAY, today=TUESDAY)

    assert raised.value.code == "not_found"


def test_due_report_lists_only_its_site_when_other_sites_have_schedules(app: Flask) -> None:
    site, other = make_site(), make_site()
    make_schedule(_ward_round(other)[0], locations=[make_location(other)])
    inspector = make_user(site, Role.INSPECTOR)

    assert due_report(_as(inspector), site.id, TUESDAY, today=TUESDAY) == []


@contextmanager
def _counting_queries() -> Iterator[list[str]]:
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def _query_count_for(wards: int) -> int:
    site = make_site()
    template, _, inspector = _ward_round(site)
    locations = [make_location(site) for _ in range(wards)]
    make_schedule(template, locations=locations, assignee=inspector)
    for location in locations:
        make_inspection(template, inspector, _at(TUESDAY), location=location)
    principal = _as(inspector)
    db.session.expire_all()

    with _counting_queries() as statements:
        due_report(principal, site.id, TUESDAY, today=TUESDAY)
    return len(statements)


def test_due_report_runs_same_number_of_queries_when_targets_grow(app: Flask) -> None:
    assert _query_count_for(1) == _query_count_for(6)


def test_due_report_gives_last_done_at_when_last_check_is_older_than_previous_period(
    app: Flask,
) -> None:
    site = make_site()
    template, ward, inspector = _ward_round(site)
    make_schedule(template, locations=[ward])
    make_inspection(template, inspector, _at(date(2024, 4, 29), 8), location=ward)
    make_inspection(template, inspector, _at(date(2024, 4, 30), 8), location=ward)

    item = _only(due_report(_as(inspector), site.id, TUESDAY, today=TUESDAY))

    assert item.status == "overdue"
    assert item.last_done_at == _at(date(2024, 4, 30), 8)


def test_due_report_names_asset_target_when_schedule_checks_assets(app: Flask) -> None:
    site = make_site()
    template = make_template(site, TargetKind.BAIT_STATION)
    station = make_asset(make_location(site), TargetKind.BAIT_STATION)
    crew = make_user(site, Role.MAINTENANCE)
    make_schedule(template, assets=[station])

    item = _only(due_report(_as(crew), site.id, TUESDAY, today=TUESDAY))

    assert (item.target.kind, item.target.id, item.target.code) == (
        "asset",
        station.id,
        station.code,
    )
    assert item.target.location_id == station.location_id
    assert item.frequency == "weekly"
