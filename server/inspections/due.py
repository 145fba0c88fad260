"""What was due on a day, what was done and by whom, what is overdue.

Time of observation decides: an inspection counts for the period that contains its
``finished_at`` on the site's wall clock (``Site.timezone``), never for when it was synced
(``received_at``). A check finished at 00:10 in Shanghai on the 1st is 16:10 UTC on the last
day of the previous month, and counts for the new month.

Statuses and colours (one colour per status, so a figure is read at a glance):

- ``done`` (green): an inspection of the target with the schedule's template (any version)
  finished inside the period; the latest one is reported with who did it and when.
  ``not_inspected`` (a result with a reason, e.g. the plant room was locked) still counts as
  done: the visit was made and the reason is on record. Its ``result`` is reported so the back
  office and phone can tint it amber-ish; ``colour`` stays green because it is the status
  only, and an unreachable target is for the back office to follow up, not a missed check.
- ``overdue`` (red): not done, and either the period ended before today or the previous period
  (one that had ended, inside the schedule's life) was missed too, so the target is in arrears.
- ``due`` (amber): not done yet, period still running.
"""

from __future__ import annotations

import enum
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload

from server.assets.models import Asset, AssetStatus
from server.auth.access import Principal, get_visible
from server.auth.models import User
from server.checklists.models import ChecklistTemplate, ChecklistTemplateVersion, Frequency
from server.extensions import db
from server.inspections.models import Inspection, InspectionResult, Schedule, ScheduleTarget
from server.inspections.periods import Period, period_containing, previous_period
from server.inspections.schedules import site_today
from server.sites.models import Location, Site

ONE_DAY = timedelta(days=1)


class DueStatus(enum.StrEnum):
    """Where a scheduled check stands on a day."""

    DONE = "done"
    DUE = "due"
    OVERDUE = "overdue"


COLOUR = {DueStatus.DONE: "green", DueStatus.DUE: "amber", DueStatus.OVERDUE: "red"}
# Red first: what needs chasing heads the list.
STATUS_ORDER = {DueStatus.OVERDUE: 0, DueStatus.DUE: 1, DueStatus.DONE: 2}


@dataclass(frozen=True)
class NamedRef:
    """A record's id and its names, Chinese first."""

    id: uuid.UUID
    name_zh: str
    name_en: str


@dataclass(frozen=True)
class TargetRef:
    """What is checked: a location or an asset."""

    kind: str  # "location" or "asset"
    id: uuid.UUID
    code: str
    name_zh: str
    name_en: str
    location_id: uuid.UUID


@dataclass(frozen=True)
class PersonRef:
    """A user as shown in a report."""

    id: uuid.UUID
    display_name: str


@dataclass(frozen=True)
class DueItem:
    """One scheduled check of one target in the period that contains the report's day."""

    schedule: NamedRef
    schedule_target_id: uuid.UUID
    template: NamedRef
    target: TargetRef
    frequency: Frequency
    period_start: date
    due_on: date
    status: DueStatus
    colour: str
    assignee: PersonRef | None
    inspection_id: uuid.UUID | None
    done_by: PersonRef | None
    done_at: datetime | None
    result: InspectionResult | None
    last_done_at: datetime | None


@dataclass(frozen=True)
class _Slot:
    """A target's periods on the report's day, before inspections are matched."""

    schedule: Schedule
    target: ScheduleTarget
    period: Period
    previous: Period | None


@dataclass(frozen=True)
class _Done:
    inspection_id: uuid.UUID
    inspector_id: uuid.UUID
    finished_at: datetime
    local_day: date
    result: InspectionResult


_TargetKey = tuple[str, uuid.UUID]  # "location" or "asset", its id
_Key = tuple[uuid.UUID, str, uuid.UUID]  # template id, "location" or "asset", target id
# Rows of (template id, location id, asset id) of the inspections a report looks at.
_Matching = Select[uuid.UUID, uuid.UUID | None, uuid.UUID | None]


def due_report(
    principal: Principal,
    site_id: uuid.UUID,
    day: date | None = None,
    *,
    today: date | None = None,
) -> list[DueItem]:
    """Every active scheduled check whose period contains ``day``, done, due or overdue.

    ``day`` and ``today`` default to today on the site's clock. Queries do not grow with the
    number of targets: schedules, templates, targets, people and inspections are each loaded
    in one or two queries for the whole report.
    """
    site = get_visible(Site, site_id, principal)
    zone = ZoneInfo(site.timezone)
    today = today or site_today(site)
    day = day or today
    slots = _slots(_active_schedules(site.id, day), day)
    if not slots:
        return []
    window = Period(
        min(s.previous.start if s.previous else s.period.start for s in slots),
        max(s.period.end for s in slots),
    )
    templates = _load(ChecklistTemplate, {s.schedule.template_id for s in slots})
    targets = _target_refs(s.target for s in slots)
    matching = _matching(site.id, templates, targets)
    done = _inspections_in(matching, window, zone)
    before = _last_finished_before(matching, _utc_start(window.start, zone))
    items = [
        item
        for slot in slots
        if (item := _item(slot, templates, targets, done.get(_key(slot), []), before, today))
    ]
    people = _load(User, _people_ids(items))
    items = [_with_people(item, people) for item in items]
    return sorted(
        items,
        key=lambda i: (STATUS_ORDER[i.status], i.due_on, i.schedule.name_zh, i.target.code),
    )


def _active_schedules(site_id: uuid.UUID, day: date) -> list[Schedule]:
    statement = (
        select(Schedule)
        .where(
            Schedule.site_id == site_id,
            Schedule.is_active,
            Schedule.starts_on <= day,
            or_(Schedule.ends_on.is_(None), Schedule.ends_on >= day),
        )
        .options(selectinload(Schedule.targets))
    )
    return list(db.session.scalars(statement))


def _slots(schedules: Iterable[Schedule], day: date) -> list[_Slot]:
    slots = []
    for schedule in schedules:
        for target in schedule.targets:
            frequency, starts_on = target.effective_frequency, schedule.starts_on
            interval_days = schedule.interval_days
            period = period_containing(
                frequency, day, starts_on=starts_on, interval_days=interval_days
            )
            if period is None:  # a weekend for a working-days schedule
                continue
            previous = previous_period(
                frequency, period, starts_on=starts_on, interval_days=interval_days
            )
            # A period before the schedule started was never due, so it cannot have been missed.
            slots.append(
                _Slot(
                    schedule,
                    target,
                    period,
                    None if previous.end < schedule.starts_on else previous,
                )
            )
    return slots


def _load(model: Any, ids: set[uuid.UUID]) -> dict[uuid.UUID, Any]:
    if not ids:
        return {}
    return {
        record.id: record for record in db.session.scalars(select(model).where(model.id.in_(ids)))
    }


def _target_refs(targets: Iterable[ScheduleTarget]) -> dict[_TargetKey, TargetRef]:
    """Names of the targets, keyed by (kind, id); scrapped assets and closed locations drop out."""
    targets = list(targets)
    refs: dict[_TargetKey, TargetRef] = {}
    location_ids = {t.location_id for t in targets if t.location_id}
    for location in db.session.scalars(
        select(Location).where(Location.id.in_(location_ids), Location.is_active)
    ):
        refs[("location", location.id)] = TargetRef(
            "location", location.id, location.code, location.name_zh, location.name_en, location.id
        )
    asset_ids = {t.asset_id for t in targets if t.asset_id}
    for asset in db.session.scalars(
        select(Asset).where(Asset.id.in_(asset_ids), Asset.status != AssetStatus.SCRAPPED)
    ):
        refs[("asset", asset.id)] = TargetRef(
            "asset", asset.id, asset.code, asset.name_zh, asset.name_en, asset.location_id
        )
    return refs


def _target_of(target: ScheduleTarget) -> _TargetKey:
    if target.asset_id is not None:
        return ("asset", target.asset_id)
    assert target.location_id is not None
    return ("location", target.location_id)


def _key(slot: _Slot) -> _Key:
    return (slot.schedule.template_id, *_target_of(slot.target))


def _utc_start(day: date, zone: ZoneInfo) -> datetime:
    """The UTC instant the site's local ``day`` begins."""
    return datetime.combine(day, time.min, zone).astimezone(UTC)


def _inspection_keys(
    template_id: uuid.UUID, location_id: uuid.UUID | None, asset_id: uuid.UUID | None
) -> list[_Key]:
    keys: list[_Key] = []
    if asset_id is not None:
        keys.append((template_id, "asset", asset_id))
    if location_id is not None:
        keys.append((template_id, "location", location_id))
    return keys


def _matching(
    site_id: uuid.UUID, template_ids: Iterable[uuid.UUID], targets: dict[_TargetKey, TargetRef]
) -> _Matching:
    """Inspections of the report's targets made with (any version of) the schedules' templates."""
    location_ids = [ref.id for ref in targets.values() if ref.kind == "location"]
    asset_ids = [ref.id for ref in targets.values() if ref.kind == "asset"]
    return (
        select(ChecklistTemplateVersion.template_id, Inspection.location_id, Inspection.asset_id)
        .join(
            ChecklistTemplateVersion, Inspection.template_version_id == ChecklistTemplateVersion.id
        )
        .where(
            Inspection.site_id == site_id,
            ChecklistTemplateVersion.template_id.in_(list(template_ids)),
            or_(Inspection.location_id.in_(location_ids), Inspection.asset_id.in_(asset_ids)),
        )
    )


def _inspections_in(matching: _Matching, window: Period, zone: ZoneInfo) -> dict[_Key, list[_Done]]:
    """Every matching inspection finished (site time) inside the window, in one query."""
    statement = matching.add_columns(
        Inspection.id, Inspection.inspector_id, Inspection.finished_at, Inspection.result
    ).where(
        Inspection.finished_at >= _utc_start(window.start, zone),
        Inspection.finished_at < _utc_start(window.end + ONE_DAY, zone),
    )
    found: dict[_Key, list[_Done]] = defaultdict(list)
    for row in db.session.execute(statement):
        template_id, location_id, asset_id, inspection_id, inspector_id, finished_at, result = row
        local_day = finished_at.astimezone(zone).date()
        done = _Done(inspection_id, inspector_id, finished_at, local_day, result)
        for key in _inspection_keys(template_id, location_id, asset_id):
            found[key].append(done)
    return found


def _last_finished_before(matching: _Matching, before: datetime) -> dict[_Key, datetime]:
    """The latest matching inspection of each target finished before ``before``, in one query."""
    statement = (
        matching.add_columns(func.max(Inspection.finished_at))
        .where(Inspection.finished_at < before)
        .group_by(ChecklistTemplateVersion.template_id, Inspection.location_id, Inspection.asset_id)
    )
    latest: dict[_Key, datetime] = {}
    for template_id, location_id, asset_id, finished_at in db.session.execute(statement):
        for key in _inspection_keys(template_id, location_id, asset_id):
            if key not in latest or finished_at > latest[key]:
                latest[key] = finished_at
    return latest


def _latest_in(done: list[_Done], period: Period) -> _Done | None:
    inside = [d for d in done if d.local_day in period]
    return max(inside, key=lambda d: d.finished_at, default=None)


def _status(slot: _Slot, done: list[_Done], latest: _Done | None, today: date) -> DueStatus:
    if latest is not None:
        return DueStatus.DONE
    if slot.period.end < today:
        return DueStatus.OVERDUE
    previous = slot.previous
    # Only a previous period that has ended can have been missed.
    if previous is not None and previous.end < today and _latest_in(done, previous) is None:
        return DueStatus.OVERDUE
    return DueStatus.DUE


def _item(
    slot: _Slot,
    templates: dict[uuid.UUID, ChecklistTemplate],
    targets: dict[_TargetKey, TargetRef],
    done: list[_Done],
    finished_before_window: dict[_Key, datetime],
    today: date,
) -> DueItem | None:
    target = targets.get(_target_of(slot.target))
    if target is None:  # scrapped asset or closed location
        return None
    latest = _latest_in(done, slot.period)
    status = _status(slot, done, latest, today)
    # As of the period's end: viewing a past day does not show checks made after it.
    last_done = [d.finished_at for d in done if d.local_day <= slot.period.end]
    if _key(slot) in finished_before_window:
        last_done.append(finished_before_window[_key(slot)])
    template = templates[slot.schedule.template_id]
    schedule = slot.schedule
    return DueItem(
        schedule=NamedRef(schedule.id, schedule.name_zh, schedule.name_en),
        schedule_target_id=slot.target.id,
        template=NamedRef(template.id, template.name_zh, template.name_en),
        target=target,
        frequency=slot.target.effective_frequency,
        period_start=slot.period.start,
        due_on=slot.period.end,
        status=status,
        colour=COLOUR[status],
        assignee=PersonRef(schedule.assignee_id, "") if schedule.assignee_id else None,
        inspection_id=latest.inspection_id if latest else None,
        done_by=PersonRef(latest.inspector_id, "") if latest else None,
        done_at=latest.finished_at if latest else None,
        result=latest.result if latest else None,
        last_done_at=max(last_done, default=None),
    )


def _people_ids(items: Iterable[DueItem]) -> set[uuid.UUID]:
    return {p.id for item in items for p in (item.assignee, item.done_by) if p is not None}


def _with_people(item: DueItem, people: dict[uuid.UUID, User]) -> DueItem:
    def named(person: PersonRef | None) -> PersonRef | None:
        if person is None:
            return None
        user = people.get(person.id)
        return PersonRef(person.id, user.display_name if user else "")

    return replace(item, assignee=named(item.assignee), done_by=named(item.done_by))
