"""GB 50444: which extinguisher targets are checked half-monthly instead of the schedule's rate."""

from __future__ import annotations

import pytest

from server.checklists.models import ChecklistTemplate, Frequency, TargetKind
from server.inspections.schedules import default_target_frequency
from server.sites.models import Floor, Location, LocationKind


@pytest.mark.parametrize(
    ("target_kind", "location_kind", "level", "schedule_frequency", "interval_days", "expected"),
    [
        # extinguishers in boiler rooms, basements and crowded public areas: half-monthly
        ("fire_extinguisher", "boiler_room", 1, "monthly", None, "half_monthly"),
        ("fire_extinguisher", "public_area", 1, "monthly", None, "half_monthly"),
        ("fire_extinguisher", "store", -1, "monthly", None, "half_monthly"),
        ("fire_extinguisher", "ward", -2, "quarterly", None, "half_monthly"),
        ("fire_extinguisher", "plant_room", -1, "every_n_days", 30, "half_monthly"),
        # elsewhere, the schedule's frequency
        ("fire_extinguisher", "room", 0, "monthly", None, None),
        ("fire_extinguisher", "ward", 5, "monthly", None, None),
        # a schedule already at least half-monthly needs no override
        ("fire_extinguisher", "boiler_room", 1, "half_monthly", None, None),
        ("fire_extinguisher", "boiler_room", 1, "weekly", None, None),
        ("fire_extinguisher", "boiler_room", 1, "working_days", None, None),
        ("fire_extinguisher", "boiler_room", 1, "every_n_days", 15, None),
        # the rule is about extinguishers only
        ("bait_station", "boiler_room", -1, "monthly", None, None),
        ("equipment", "public_area", -1, "monthly", None, None),
        ("location", "boiler_room", -1, "monthly", None, None),
    ],
)
def test_default_target_frequency_follows_gb_50444_when_place_and_template_vary(
    target_kind: str,
    location_kind: str,
    level: int,
    schedule_frequency: str,
    interval_days: int | None,
    expected: str | None,
) -> None:
    template = ChecklistTemplate(target_kind=TargetKind(target_kind))
    place = Location(kind=LocationKind(location_kind), floor=Floor(level=level))

    frequency = default_target_frequency(
        template, place, Frequency(schedule_frequency), interval_days=interval_days
    )

    assert frequency == (Frequency(expected) if expected else None)
