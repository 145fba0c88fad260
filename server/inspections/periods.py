"""Period arithmetic of schedules: which window of days a check is due in (pure, no database).

A period runs from ``start`` to ``end`` inclusive; ``end`` is the due date. Periods follow the
calendar (ISO weeks, months, quarters, years), except ``every_n_days`` whose windows are counted
from the schedule's ``starts_on``. Periods are not clipped to a schedule's start or end: a check
done on 3 March counts for March even when the schedule started on 10 March.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from server.checklists.models import Frequency

ONE_DAY = timedelta(days=1)
SATURDAY = 5


@dataclass(frozen=True)
class Period:
    """The days a check is due in; ``end`` (inclusive) is the due date."""

    start: date
    end: date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end


def is_working_day(day: date) -> bool:
    """Monday to Friday.

    Chinese statutory holidays and their make-up working weekends (调休) are not modelled yet:
    a holiday on a weekday is due, a make-up Saturday is not.
    """
    return day.weekday() < SATURDAY


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _every_n_days(day: date, starts_on: date, interval_days: int | None) -> Period:
    if interval_days is None or interval_days < 1:
        raise ValueError("every_n_days needs interval_days >= 1")
    # Floor division keeps the windows aligned on starts_on for days before it, too.
    index = (day - starts_on).days // interval_days
    start = starts_on + timedelta(days=index * interval_days)
    return Period(start, start + timedelta(days=interval_days - 1))


def _half_month(day: date) -> Period:
    # GB 50444 half-monthly checks: the 1st to the 15th, then the 16th to the month's end.
    if day.day <= 15:
        return Period(day.replace(day=1), day.replace(day=15))
    return Period(day.replace(day=16), _month_end(day.year, day.month))


def _quarter(day: date) -> Period:
    first_month = 3 * ((day.month - 1) // 3) + 1
    return Period(date(day.year, first_month, 1), _month_end(day.year, first_month + 2))


def period_containing(
    frequency: Frequency,
    day: date,
    *,
    starts_on: date,
    interval_days: int | None = None,
) -> Period | None:
    """The period of ``frequency`` that contains ``day``; None when nothing is due that day.

    Only ``working_days`` has days with nothing due (Saturdays and Sundays; statutory holiday
    calendars are not modelled yet). ``every_n_days`` needs ``interval_days`` and counts its
    windows from ``starts_on``; the other frequencies ignore both.
    """
    match frequency:
        case Frequency.WORKING_DAYS:
            return Period(day, day) if is_working_day(day) else None
        case Frequency.WEEKLY:
            monday = day - timedelta(days=day.weekday())
            return Period(monday, monday + timedelta(days=6))
        case Frequency.EVERY_N_DAYS:
            return _every_n_days(day, starts_on, interval_days)
        case Frequency.HALF_MONTHLY:
            return _half_month(day)
        case Frequency.MONTHLY:
            return Period(day.replace(day=1), _month_end(day.year, day.month))
        case Frequency.QUARTERLY:
            return _quarter(day)
        case Frequency.YEARLY:
            return Period(date(day.year, 1, 1), date(day.year, 12, 31))
    raise ValueError(f"unknown frequency {frequency!r}")


def previous_period(
    frequency: Frequency,
    period: Period,
    *,
    starts_on: date,
    interval_days: int | None = None,
) -> Period:
    """The period just before ``period`` (for working days: the previous working day)."""
    day = period.start - ONE_DAY
    while True:
        previous = period_containing(
            frequency, day, starts_on=starts_on, interval_days=interval_days
        )
        if previous is not None:
            return previous
        day -= ONE_DAY
