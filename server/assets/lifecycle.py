"""Service and scrap dates of fire extinguishers (GB 50444) and equipment inspection flags.

Pure functions of dates: no database, no clock. The caller passes ``today`` (the date at the
site, in the site's time zone), so the same inputs always give the same answer.

Source: GB 50444-2008 《建筑灭火器配置验收及检查规范》 §5.4.3 (维修期限, table 5.4.3) and
§5.4.4 (报废期限, table 5.4.4). GB 55036-2022 superseded some of its mandatory clauses but
kept these intervals.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Protocol

from server.assets.models import AssetStatus, ExtinguisherAgent

# An amber "due soon" warning starts this many days before a due date.
DUE_SOON_DAYS = 30

# GB 50444 table 5.4.3: water-based units are first serviced 3 years after manufacture
# (出厂期满3年), dry powder, clean agent and CO2 units 5 years after (出厂期满5年).
_FIRST_SERVICE_YEARS: dict[ExtinguisherAgent, int] = {
    ExtinguisherAgent.DRY_POWDER: 5,
    ExtinguisherAgent.CO2: 5,
    ExtinguisherAgent.CLEAN_AGENT: 5,
    ExtinguisherAgent.WATER_BASED: 3,
}

# GB 50444 table 5.4.3: after the first service, water-based units are serviced every year
# (首次维修以后每满1年), the others every 2 years (首次维修以后每满2年).
_SERVICE_INTERVAL_YEARS: dict[ExtinguisherAgent, int] = {
    ExtinguisherAgent.DRY_POWDER: 2,
    ExtinguisherAgent.CO2: 2,
    ExtinguisherAgent.CLEAN_AGENT: 2,
    ExtinguisherAgent.WATER_BASED: 1,
}

# GB 50444 table 5.4.4: scrapped after 6 years (water-based), 10 years (dry powder and clean
# agent) or 12 years (CO2) from manufacture (出厂时间算起).
_SCRAP_YEARS: dict[ExtinguisherAgent, int] = {
    ExtinguisherAgent.DRY_POWDER: 10,
    ExtinguisherAgent.CLEAN_AGENT: 10,
    ExtinguisherAgent.CO2: 12,
    ExtinguisherAgent.WATER_BASED: 6,
}


class ExtinguisherDates(Protocol):
    """What the flags need to know about an extinguisher (a FireExtinguisher fits)."""

    agent: ExtinguisherAgent | None
    manufactured_on: date | None
    last_serviced_on: date | None
    status: AssetStatus


class EquipmentDates(Protocol):
    """What the flags need to know about equipment (an Equipment fits)."""

    statutory_inspection_due_on: date | None
    status: AssetStatus


def add_years(day: date, years: int) -> date:
    """The same calendar day ``years`` later; Feb 29 becomes Feb 28 in a common year.

    Feb 28 rather than Mar 1: a due date must never slip past the month it is due in, and a
    warning a day early is harmless where a day late is a lapsed extinguisher.
    """
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # Feb 29 in a year that has none
        return day.replace(year=day.year + years, day=28)


def first_service_years(agent: ExtinguisherAgent | str) -> int:
    """Years from manufacture to the first service (GB 50444 table 5.4.3)."""
    return _FIRST_SERVICE_YEARS[ExtinguisherAgent(agent)]


def service_interval_years(agent: ExtinguisherAgent | str) -> int:
    """Years between services after the first one (GB 50444 table 5.4.3)."""
    return _SERVICE_INTERVAL_YEARS[ExtinguisherAgent(agent)]


def scrap_years(agent: ExtinguisherAgent | str) -> int:
    """Years from manufacture to scrapping (GB 50444 table 5.4.4)."""
    return _SCRAP_YEARS[ExtinguisherAgent(agent)]


def service_due_on(
    agent: ExtinguisherAgent | str, manufactured_on: date, last_serviced_on: date | None
) -> date:
    """The day the next service falls due: the later of the two schedules below.

    * From manufacture: the first service is due ``first_service_years`` after manufacture.
    * From the last service: the next is due ``service_interval_years`` after it.

    Why the later one:

    * Never serviced: only the first schedule applies.
    * Serviced on time or late: the interval runs from the day it was really serviced
      (GB 50444 "首次维修以后每满N年"), which is the later date; a schedule fixed to
      anniversaries of manufacture would call a unit overdue months after its service.
    * A "service" recorded before the first service was due: ledgers often copy the
      manufacture or commissioning date into the service column, and a unit recharged after a
      discharge still carries its factory cylinder. Counting the interval from such a date
      would flag a two-year-old dry powder unit as overdue three years early, so the first
      service date from manufacture stands. (A servicing company that recharges a unit early
      puts its own next date on the maintenance tag, which the monthly check reads.)
    """
    first_due = add_years(manufactured_on, first_service_years(agent))
    if last_serviced_on is None:
        return first_due
    return max(first_due, add_years(last_serviced_on, service_interval_years(agent)))


def scrap_due_on(agent: ExtinguisherAgent | str, manufactured_on: date) -> date:
    """The day the extinguisher must be scrapped (GB 50444 §5.4.4, counted from manufacture)."""
    return add_years(manufactured_on, scrap_years(agent))


def _is_overdue(due_on: date | None, today: date) -> bool:
    # A date is "due on" that day: doing it on the day itself is on time.
    return due_on is not None and today > due_on


def _is_due_soon(due_on: date | None, today: date) -> bool:
    return due_on is not None and today <= due_on <= today + timedelta(days=DUE_SOON_DAYS)


def extinguisher_flags(ext: ExtinguisherDates, today: date) -> dict[str, bool]:
    """Traffic-light flags of an extinguisher on ``today``.

    ``is_service_due_soon`` means due within ``DUE_SOON_DAYS`` days and not yet overdue.
    Without an agent or manufacture date nothing can be computed and every flag is False;
    a scrapped unit raises no flags either.
    """
    flags = {"is_service_overdue": False, "is_service_due_soon": False, "is_scrap_overdue": False}
    if ext.agent is None or ext.manufactured_on is None or ext.status == AssetStatus.SCRAPPED:
        return flags
    service_on = service_due_on(ext.agent, ext.manufactured_on, ext.last_serviced_on)
    flags["is_service_overdue"] = _is_overdue(service_on, today)
    flags["is_service_due_soon"] = _is_due_soon(service_on, today)
    flags["is_scrap_overdue"] = _is_overdue(scrap_due_on(ext.agent, ext.manufactured_on), today)
    return flags


def equipment_flags(eq: EquipmentDates, today: date) -> dict[str, bool]:
    """Flags of equipment's statutory inspection (elevators, boilers, pressure vessels)."""
    due_on = None if eq.status == AssetStatus.SCRAPPED else eq.statutory_inspection_due_on
    return {
        "is_inspection_overdue": _is_overdue(due_on, today),
        "is_inspection_due_soon": _is_due_soon(due_on, today),
    }
