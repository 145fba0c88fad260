"""Factories for schedules and inspections: templates, assets, schedules, inspections."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from server.assets.models import Asset, BaitStation, Equipment, FireExtinguisher
from server.auth.models import User
from server.checklists.models import (
    ChecklistTemplate,
    ChecklistTemplateVersion,
    Frequency,
    TargetKind,
    VersionStatus,
)
from server.db_types import utc_now
from server.extensions import db
from server.inspections.models import Inspection, InspectionResult, Schedule, ScheduleTarget
from server.sites.models import Location, Site

_sequence = itertools.count(1)

DEFAULT_FREQUENCY = {
    TargetKind.LOCATION: Frequency.WORKING_DAYS,
    TargetKind.FIRE_EXTINGUISHER: Frequency.MONTHLY,
    TargetKind.BAIT_STATION: Frequency.WEEKLY,
    TargetKind.EQUIPMENT: Frequency.MONTHLY,
}
ASSET_CLASS: dict[TargetKind, type[Asset]] = {
    TargetKind.FIRE_EXTINGUISHER: FireExtinguisher,
    TargetKind.BAIT_STATION: BaitStation,
    TargetKind.EQUIPMENT: Equipment,
}


def _item(key: str, label_zh: str, label_en: str) -> dict[str, Any]:
    return {
        "key": key,
        "label_zh": label_zh,
        "label_en": label_en,
        "type": "pass_fail_na",
        "evidence_on_fail": "note_or_photo",
        "fail_severity": "medium",
    }


def make_template(
    site: Site,
    target_kind: TargetKind = TargetKind.LOCATION,
    *,
    default_frequency: Frequency | None = None,
    interval_days: int | None = None,
    equipment_category: str | None = None,
    items: list[dict[str, Any]] | None = None,
    is_published: bool = True,
    key: str | None = None,
) -> ChecklistTemplate:
    """A template of the site with version 1: two items and published unless told otherwise."""
    n = next(_sequence)
    template = ChecklistTemplate(
        id=uuid.uuid4(),
        site_id=site.id,
        key=key or f"{target_kind.value}-{n}",
        name_zh=f"检查表{n}",
        name_en=f"Checklist {n}",
        target_kind=target_kind,
        equipment_category=equipment_category,
        default_frequency=default_frequency or DEFAULT_FREQUENCY[target_kind],
        interval_days=interval_days,
    )
    template.versions.append(
        ChecklistTemplateVersion(
            id=uuid.uuid4(),
            site_id=site.id,
            number=1,
            status=VersionStatus.PUBLISHED if is_published else VersionStatus.DRAFT,
            items=items
            if items is not None
            else [
                _item("in_place", "在指定位置", "In its place"),
                _item("gauge_green", "压力表指针在绿区", "Gauge in the green zone"),
            ],
            published_at=utc_now() if is_published else None,
        )
    )
    db.session.add(template)
    db.session.commit()
    return template


def make_asset(
    location: Location,
    kind: TargetKind = TargetKind.FIRE_EXTINGUISHER,
    **fields: Any,
) -> Asset:
    """An asset of ``kind`` standing at ``location``."""
    n = next(_sequence)
    asset = ASSET_CLASS[kind](
        id=uuid.uuid4(),
        site_id=location.site_id,
        location_id=location.id,
        code=f"A{n}",
        name_zh=f"设备{n}",
        name_en=f"Asset {n}",
        **fields,
    )
    db.session.add(asset)
    db.session.commit()
    return asset


def make_schedule(
    template: ChecklistTemplate,
    *,
    locations: Sequence[Location] = (),
    assets: Sequence[Asset] = (),
    frequency: Frequency | None = None,
    starts_on: date = date(2024, 1, 1),
    assignee: User | None = None,
    **fields: Any,
) -> Schedule:
    """A schedule of ``template`` for the given targets, without frequency overrides."""
    n = next(_sequence)
    schedule = Schedule(
        id=uuid.uuid4(),
        site_id=template.site_id,
        template_id=template.id,
        name_zh=f"计划{n}",
        name_en=f"Schedule {n}",
        frequency=frequency or template.default_frequency,
        starts_on=starts_on,
        assignee_id=assignee.id if assignee else None,
        **fields,
    )
    for location in locations:
        schedule.targets.append(
            ScheduleTarget(id=uuid.uuid4(), site_id=template.site_id, location_id=location.id)
        )
    for asset in assets:
        schedule.targets.append(
            ScheduleTarget(id=uuid.uuid4(), site_id=template.site_id, asset_id=asset.id)
        )
    db.session.add(schedule)
    db.session.commit()
    return schedule


def make_inspection(
    template: ChecklistTemplate,
    inspector: User,
    finished_at: datetime,
    *,
    location: Location | None = None,
    asset: Asset | None = None,
    result: InspectionResult = InspectionResult.PASSED,
    received_at: datetime | None = None,
) -> Inspection:
    """A submitted check of a location or asset with the template's first version."""
    inspection = Inspection(
        id=uuid.uuid4(),
        site_id=template.site_id,
        template_version_id=template.versions[0].id,
        location_id=location.id if location else (asset.location_id if asset else None),
        asset_id=asset.id if asset else None,
        inspector_id=inspector.id,
        started_at=finished_at - timedelta(minutes=5),
        finished_at=finished_at,
        answers={"in_place": "pass", "gauge_green": "pass"},
        result=result,
        not_inspected_reason="门锁着 / locked"
        if result is InspectionResult.NOT_INSPECTED
        else None,
        received_at=received_at or finished_at.astimezone(UTC) + timedelta(minutes=1),
    )
    db.session.add(inspection)
    db.session.commit()
    return inspection
