"""GB 50444 service and scrap dates of extinguishers, and the flags derived from them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from server.assets import lifecycle
from server.assets.models import AssetStatus, ExtinguisherAgent

DRY = ExtinguisherAgent.DRY_POWDER
CO2 = ExtinguisherAgent.CO2
CLEAN = ExtinguisherAgent.CLEAN_AGENT
WATER = ExtinguisherAgent.WATER_BASED


@dataclass
class Extinguisher:
    agent: ExtinguisherAgent | None
    manufactured_on: date | None
    last_serviced_on: date | None = None
    status: AssetStatus = AssetStatus.IN_SERVICE


@dataclass
class Equipment:
    statutory_inspection_due_on: date | None
    status: AssetStatus = AssetStatus.IN_SERVICE


@pytest.mark.parametrize(
    ("agent", "years"),
    [(DRY, 5), (CO2, 5), (CLEAN, 5), (WATER, 3), ("water_based", 3)],
)
def test_first_service_years_follows_table_5_4_3_when_given_an_agent(
    agent: ExtinguisherAgent, years: int
) -> None:
    assert lifecycle.first_service_years(agent) == years


@pytest.mark.parametrize(
    ("agent", "manufactured_on", "last_serviced_on", "due_on"),
    [
        # never serviced: first service counted from manufacture
        (DRY, date(2020, 6, 15), None, date(2025, 6, 15)),
        (CO2, date(2020, 6, 15), None, date(2025, 6, 15)),
        (CLEAN, date(2020, 6, 15), None, date(2025, 6, 15)),
        (WATER, date(2020, 6, 15), None, date(2023, 6, 15)),
        # serviced on time: the interval runs from the service
        (DRY, date(2020, 6, 15), date(2025, 6, 15), date(2027, 6, 15)),
        (CO2, date(2020, 6, 15), date(2025, 6, 10), date(2027, 6, 10)),
        (WATER, date(2020, 6, 15), date(2023, 6, 15), date(2024, 6, 15)),
        # serviced late: the interval runs from the day it was really serviced
        (CLEAN, date(2020, 6, 15), date(2026, 1, 20), date(2028, 1, 20)),
        (WATER, date(2020, 6, 15), date(2024, 3, 1), date(2025, 3, 1)),
        # a "service" before the first one was due does not pull the first service forward
        (DRY, date(2020, 6, 15), date(2020, 6, 15), date(2025, 6, 15)),
        (DRY, date(2020, 6, 15), date(2021, 9, 1), date(2025, 6, 15)),
        (WATER, date(2020, 6, 15), date(2021, 6, 1), date(2023, 6, 15)),
        # ...but one close enough to it that its interval ends later does
        (DRY, date(2020, 6, 15), date(2024, 1, 1), date(2026, 1, 1)),
        # leap day: Feb 29 becomes Feb 28 in a common year, stays Feb 29 in a leap year
        (DRY, date(2020, 2, 29), None, date(2025, 2, 28)),
        (WATER, date(2020, 2, 29), None, date(2023, 2, 28)),
        (WATER, date(2019, 3, 1), date(2024, 2, 29), date(2025, 2, 28)),
        (CO2, date(2019, 2, 28), date(2026, 2, 28), date(2028, 2, 28)),
        (DRY, date(2017, 3, 1), date(2022, 2, 28), date(2024, 2, 28)),
    ],
)
def test_service_due_on_takes_the_later_schedule_when_given_dates(
    agent: ExtinguisherAgent, manufactured_on: date, last_serviced_on: date | None, due_on: date
) -> None:
    assert lifecycle.service_due_on(agent, manufactured_on, last_serviced_on) == due_on


@pytest.mark.parametrize(
    ("agent", "manufactured_on", "scrap_on"),
    [
        (DRY, date(2015, 5, 1), date(2025, 5, 1)),
        (CLEAN, date(2015, 5, 1), date(2025, 5, 1)),
        (CO2, date(2015, 5, 1), date(2027, 5, 1)),
        (WATER, date(2015, 5, 1), date(2021, 5, 1)),
        # leap day: 10 and 6 years on are common years, 12 years on is a leap year
        (DRY, date(2020, 2, 29), date(2030, 2, 28)),
        (WATER, date(2020, 2, 29), date(2026, 2, 28)),
        (CO2, date(2020, 2, 29), date(2032, 2, 29)),
    ],
)
def test_scrap_due_on_follows_table_5_4_4_when_given_a_manufacture_date(
    agent: ExtinguisherAgent, manufactured_on: date, scrap_on: date
) -> None:
    assert lifecycle.scrap_due_on(agent, manufactured_on) == scrap_on


NO_FLAGS = {"is_service_overdue": False, "is_service_due_soon": False, "is_scrap_overdue": False}


@pytest.mark.parametrize(
    ("extinguisher", "today", "expected"),
    [
        # service due 2025-06-15, scrap 2030-06-15
        (Extinguisher(DRY, date(2020, 6, 15)), date(2025, 5, 15), NO_FLAGS),
        (
            Extinguisher(DRY, date(2020, 6, 15)),
            date(2025, 5, 16),
            {**NO_FLAGS, "is_service_due_soon": True},
        ),
        (
            Extinguisher(DRY, date(2020, 6, 15)),
            date(2025, 6, 15),
            {**NO_FLAGS, "is_service_due_soon": True},
        ),
        (
            Extinguisher(DRY, date(2020, 6, 15)),
            date(2025, 6, 16),
            {**NO_FLAGS, "is_service_overdue": True},
        ),
        (Extinguisher(DRY, date(2020, 6, 15), date(2025, 6, 1)), date(2025, 6, 16), NO_FLAGS),
        # scrap: overdue from the day after the scrap date
        (
            Extinguisher(WATER, date(2019, 6, 15), date(2025, 1, 10)),
            date(2025, 6, 15),
            NO_FLAGS,
        ),
        (
            Extinguisher(WATER, date(2019, 6, 15), date(2025, 1, 10)),
            date(2025, 6, 16),
            {**NO_FLAGS, "is_scrap_overdue": True},
        ),
        # nothing to compute, or nothing to warn about
        (Extinguisher(None, date(2000, 1, 1)), date(2025, 1, 1), NO_FLAGS),
        (Extinguisher(DRY, None), date(2025, 1, 1), NO_FLAGS),
        (
            Extinguisher(DRY, date(2000, 1, 1), status=AssetStatus.SCRAPPED),
            date(2025, 1, 1),
            NO_FLAGS,
        ),
    ],
)
def test_extinguisher_flags_match_the_due_dates_when_checked_on_a_day(
    extinguisher: Extinguisher, today: date, expected: dict[str, bool]
) -> None:
    assert lifecycle.extinguisher_flags(extinguisher, today) == expected


@pytest.mark.parametrize(
    ("due_on", "today", "is_overdue", "is_due_soon"),
    [
        (None, date(2025, 1, 1), False, False),
        (date(2025, 3, 1), date(2025, 1, 29), False, False),
        (date(2025, 3, 1), date(2025, 1, 30), False, True),
        (date(2025, 3, 1), date(2025, 3, 1), False, True),
        (date(2025, 3, 1), date(2025, 3, 2), True, False),
    ],
)
def test_equipment_flags_follow_the_statutory_inspection_date_when_checked_on_a_day(
    due_on: date | None, today: date, is_overdue: bool, is_due_soon: bool
) -> None:
    flags = lifecycle.equipment_flags(Equipment(due_on), today)

    assert flags == {"is_inspection_overdue": is_overdue, "is_inspection_due_soon": is_due_soon}


@pytest.mark.parametrize(
    ("day", "years", "expected"),
    [
        (date(2020, 2, 29), 1, date(2021, 2, 28)),
        (date(2020, 2, 29), 4, date(2024, 2, 29)),
        (date(2021, 2, 28), 3, date(2024, 2, 28)),
        (date(2021, 12, 31), 2, date(2023, 12, 31)),
    ],
)
def test_add_years_keeps_the_calendar_day_when_it_exists(
    day: date, years: int, expected: date
) -> None:
    assert lifecycle.add_years(day, years) == expected
