"""Specification of the demo hospital: complete, consistent, deterministic, and GB 50444-aware."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from server.demo.hospital import DEMO_PASSWORD, demo_hospital

REFERENCE_DATE = dt.date(2025, 3, 14)
# GB 50444: years to first service, between later services, and to scrap, per agent.
FIRST_SERVICE_YEARS = {"dry_powder": 5, "co2": 5, "clean_agent": 5, "water_based": 3}
SERVICE_EVERY_YEARS = {"dry_powder": 2, "co2": 2, "clean_agent": 2, "water_based": 1}
SCRAP_YEARS = {"dry_powder": 10, "co2": 12, "clean_agent": 10, "water_based": 6}
LOCATION_KINDS = {
    "ward",
    "room",
    "corridor",
    "plant_room",
    "boiler_room",
    "outdoor",
    "public_area",
    "kitchen",
    "store",
}
EQUIPMENT_CATEGORIES = {
    "elevator",
    "oxygen_store",
    "power_distribution",
    "aed_emergency_cart",
    "boiler",
    "pressure_vessel",
    "water_pump",
    "gas",
}


@pytest.fixture(scope="module")
def hospital():
    return demo_hospital(REFERENCE_DATE)


def add_years(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def next_service_due_on(extinguisher):
    agent = extinguisher.agent
    if extinguisher.last_serviced_on is None:
        return add_years(extinguisher.manufactured_on, FIRST_SERVICE_YEARS[agent])
    return add_years(extinguisher.last_serviced_on, SERVICE_EVERY_YEARS[agent])


def is_past_scrap(extinguisher, today):
    return add_years(extinguisher.manufactured_on, SCRAP_YEARS[extinguisher.agent]) <= today


def test_demo_hospital_is_the_demo_site_in_shanghai_time_when_generated(hospital):
    assert hospital.site.code == "DEMO"
    assert hospital.site.timezone == "Asia/Shanghai"
    assert hospital.site.name_zh
    assert hospital.site.name_en


def test_demo_hospital_has_two_buildings_each_with_a_basement_when_generated(hospital):
    assert len(hospital.buildings) == 2
    for building in hospital.buildings:
        levels = [floor.level for floor in building.floors]
        assert -1 in levels
        assert 0 not in levels
        assert levels == sorted(levels)
        assert all(floor.name_zh and floor.name_en for floor in building.floors)


def test_demo_hospital_has_named_departments_with_unique_codes_when_generated(hospital):
    codes = [department.code for department in hospital.departments]

    assert len(codes) >= 10
    assert len(codes) == len(set(codes))
    assert all(d.name_zh and d.name_en for d in hospital.departments)


def test_demo_hospital_has_a_dozen_wards_and_the_plant_rooms_when_generated(hospital):
    kinds = Counter(location.kind for location in hospital.locations)

    assert kinds["ward"] >= 12
    assert kinds["plant_room"] + kinds["boiler_room"] >= 3
    assert {"kitchen", "outdoor", "store", "public_area", "corridor"} <= set(kinds)
    assert set(kinds) <= LOCATION_KINDS


def test_demo_location_codes_are_unique_when_generated(hospital):
    codes = [location.code for location in hospital.locations]

    assert len(codes) == len(set(codes))


def test_demo_location_is_on_an_existing_floor_and_department_when_generated(hospital):
    floors = {(b.code, floor.level) for b in hospital.buildings for floor in b.floors}
    departments = {department.code for department in hospital.departments}

    for location in hospital.locations:
        assert (location.building_code, location.floor_level) in floors, location.code
        assert location.department_code in departments, location.code
        assert location.name_zh
        assert location.name_en


def test_demo_asset_is_at_an_existing_location_when_generated(hospital):
    locations = {location.code for location in hospital.locations}
    assets = [*hospital.extinguishers, *hospital.bait_stations, *hospital.equipment]

    assert all(asset.location_code in locations for asset in assets)


def test_demo_asset_codes_are_unique_across_kinds_when_generated(hospital):
    codes = [
        asset.code
        for asset in (*hospital.extinguishers, *hospital.bait_stations, *hospital.equipment)
    ]

    assert len(codes) == len(set(codes))


def test_demo_has_about_sixty_extinguishers_with_known_agents_when_generated(hospital):
    assert 55 <= len(hospital.extinguishers) <= 65
    assert {unit.agent for unit in hospital.extinguishers} == set(SCRAP_YEARS)
    assert all(unit.code.startswith("MHQ-") for unit in hospital.extinguishers)
    assert all(unit.capacity_kg > 0 for unit in hospital.extinguishers)


def test_demo_extinguisher_dates_are_consistent_when_generated(hospital):
    for unit in hospital.extinguishers:
        assert unit.manufactured_on <= REFERENCE_DATE, unit.code
        if unit.last_serviced_on is not None:
            assert unit.manufactured_on < unit.last_serviced_on <= REFERENCE_DATE, unit.code


def test_demo_has_exactly_one_extinguisher_past_scrap_when_generated(hospital):
    past_scrap = [unit for unit in hospital.extinguishers if is_past_scrap(unit, REFERENCE_DATE)]

    assert len(past_scrap) == 1


SOME_REFERENCE_DATES = [
    dt.date(2024, 2, 29),
    dt.date(2025, 1, 1),
    dt.date(2026, 12, 31),
    dt.date(2030, 6, 15),
]


@pytest.mark.parametrize("reference_date", SOME_REFERENCE_DATES)
def test_demo_has_several_extinguishers_overdue_or_due_within_30_days_when_generated(
    reference_date,
):
    hospital = demo_hospital(reference_date)

    due = [
        unit
        for unit in hospital.extinguishers
        if not is_past_scrap(unit, reference_date)
        and next_service_due_on(unit) <= reference_date + dt.timedelta(days=30)
    ]
    overdue = [unit for unit in due if next_service_due_on(unit) < reference_date]

    assert len(due) >= 4
    assert len(overdue) >= 2
    assert len(due) - len(overdue) >= 2


def test_demo_has_40_bait_stations_numbered_1_to_40_when_generated(hospital):
    numbers = [station.number for station in hospital.bait_stations]

    assert sorted(numbers) == list(range(1, 41))
    assert [station.code for station in hospital.bait_stations] == [
        f"SB-{number:03d}" for number in numbers
    ]
    assert all(station.bait_type for station in hospital.bait_stations)


def test_demo_bait_stations_cover_the_key_places_when_generated(hospital):
    kinds = {location.code: location.kind for location in hospital.locations}
    station_kinds = {kinds[station.location_code] for station in hospital.bait_stations}

    assert {"kitchen", "outdoor", "store", "room"} <= station_kinds


def test_demo_has_30_pieces_of_equipment_in_known_categories_when_generated(hospital):
    categories = Counter(unit.category for unit in hospital.equipment)

    assert len(hospital.equipment) == 30
    assert set(categories) <= EQUIPMENT_CATEGORIES
    assert {"elevator", "oxygen_store", "power_distribution", "aed_emergency_cart"} <= set(
        categories
    )


def test_demo_has_exactly_one_statutory_inspection_overdue_when_generated(hospital):
    due_dates = [
        unit.statutory_inspection_due_on
        for unit in hospital.equipment
        if unit.statutory_inspection_due_on is not None
    ]

    assert sum(due < REFERENCE_DATE for due in due_dates) == 1
    assert (
        sum(REFERENCE_DATE <= due <= REFERENCE_DATE + dt.timedelta(days=30) for due in due_dates)
        >= 2
    )


def test_demo_elevators_have_a_statutory_inspection_date_when_generated(hospital):
    elevators = [unit for unit in hospital.equipment if unit.category == "elevator"]

    assert elevators
    assert all(unit.statutory_inspection_due_on is not None for unit in elevators)


def test_demo_equipment_has_an_existing_responsible_user_when_generated(hospital):
    usernames = {user.username for user in hospital.users}

    assert all(unit.responsible_username in usernames for unit in hospital.equipment)


def test_demo_has_one_user_per_role_when_generated(hospital):
    roles = {user.username: user.role for user in hospital.users}

    assert roles == {
        "admin": "super_admin",
        "siteadmin": "site_admin",
        "inspector": "inspector",
        "crew": "maintenance",
        "reviewer": "reviewer",
    }
    assert [user.username for user in hospital.users if user.is_super_admin] == ["admin"]


def test_demo_user_belongs_to_an_existing_department_when_generated(hospital):
    departments = {department.code for department in hospital.departments}

    for user in hospital.users:
        assert user.department_code in departments
        assert user.display_name_zh
        assert user.display_name_en


def test_demo_password_is_the_documented_one_when_imported():
    assert DEMO_PASSWORD == "roundbook-demo"


def test_demo_hospital_is_the_same_when_generated_twice_for_one_date():
    assert demo_hospital(REFERENCE_DATE) == demo_hospital(REFERENCE_DATE)


@pytest.mark.parametrize("reference_date", SOME_REFERENCE_DATES)
def test_demo_hospital_keeps_one_scrapped_extinguisher_when_generated_on_any_date(
    reference_date,
):
    hospital = demo_hospital(reference_date)

    past_scrap = [unit for unit in hospital.extinguishers if is_past_scrap(unit, reference_date)]

    assert len(past_scrap) == 1
    assert all(unit.manufactured_on <= reference_date for unit in hospital.extinguishers)
