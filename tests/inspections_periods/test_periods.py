"""Which days a scheduled check is due in, for every frequency (pure, no database)."""

from __future__ import annotations

from datetime import date

import pytest

from server.checklists.models import Frequency
from server.inspections.periods import Period, period_containing, previous_period

ANCHOR = date(2024, 1, 1)


@pytest.mark.parametrize(
    ("frequency", "day", "expected"),
    [
        # working days: the day itself, Monday to Friday
        (Frequency.WORKING_DAYS, date(2024, 5, 6), Period(date(2024, 5, 6), date(2024, 5, 6))),
        (Frequency.WORKING_DAYS, date(2024, 5, 10), Period(date(2024, 5, 10), date(2024, 5, 10))),
        # weekly: ISO weeks, Monday to Sunday, across month and year ends
        (Frequency.WEEKLY, date(2024, 5, 8), Period(date(2024, 5, 6), date(2024, 5, 12))),
        (Frequency.WEEKLY, date(2024, 5, 12), Period(date(2024, 5, 6), date(2024, 5, 12))),
        (Frequency.WEEKLY, date(2024, 5, 13), Period(date(2024, 5, 13), date(2024, 5, 19))),
        (Frequency.WEEKLY, date(2025, 1, 1), Period(date(2024, 12, 30), date(2025, 1, 5))),
        # half-monthly: 1st-15th, 16th-month end (GB 50444)
        (Frequency.HALF_MONTHLY, date(2024, 2, 1), Period(date(2024, 2, 1), date(2024, 2, 15))),
        (Frequency.HALF_MONTHLY, date(2024, 2, 15), Period(date(2024, 2, 1), date(2024, 2, 15))),
        (Frequency.HALF_MONTHLY, date(2024, 2, 16), Period(date(2024, 2, 16), date(2024, 2, 29))),
        (Frequency.HALF_MONTHLY, date(2023, 2, 20), Period(date(2023, 2, 16), date(2023, 2, 28))),
        (Frequency.HALF_MONTHLY, date(2024, 4, 30), Period(date(2024, 4, 16), date(2024, 4, 30))),
        # monthly: month ends of 28, 29, 30 and 31 days
        (Frequency.MONTHLY, date(2024, 2, 10), Period(date(2024, 2, 1), date(2024, 2, 29))),
        (Frequency.MONTHLY, date(2023, 2, 28), Period(date(2023, 2, 1), date(2023, 2, 28))),
        (Frequency.MONTHLY, date(2024, 4, 30), Period(date(2024, 4, 1), date(2024, 4, 30))),
        (Frequency.MONTHLY, date(2024, 12, 1), Period(date(2024, 12, 1), date(2024, 12, 31))),
        # quarterly: calendar quarters
        (Frequency.QUARTERLY, date(2024, 1, 1), Period(date(2024, 1, 1), date(2024, 3, 31))),
        (Frequency.QUARTERLY, date(2024, 6, 30), Period(date(2024, 4, 1), date(2024, 6, 30))),
        (Frequency.QUARTERLY, date(2024, 8, 15), Period(date(2024, 7, 1), date(2024, 9, 30))),
        (Frequency.QUARTERLY, date(2024, 12, 31), Period(date(2024, 10, 1), date(2024, 12, 31))),
        # yearly: calendar years, leap or not
        (Frequency.YEARLY, date(2024, 2, 29), Period(date(2024, 1, 1), date(2024, 12, 31))),
        (Frequency.YEARLY, date(2023, 12, 31), Period(date(2023, 1, 1), date(2023, 12, 31))),
    ],
)
def test_period_containing_returns_calendar_period_when_frequency_is_calendar_based(
    frequency: Frequency, day: date, expected: Period
) -> None:
    period = period_containing(frequency, day, starts_on=ANCHOR)

    assert period == expected


@pytest.mark.parametrize(
    "day",
    [
        date(2024, 5, 11),  # Saturday
        date(2024, 5, 12),  # Sunday
        date(2024, 12, 29),  # Sunday before a year boundary
    ],
)
def test_period_containing_returns_none_when_working_days_and_day_is_weekend(day: date) -> None:
    assert period_containing(Frequency.WORKING_DAYS, day, starts_on=ANCHOR) is None


@pytest.mark.parametrize(
    ("starts_on", "interval_days", "day", "expected"),
    [
        # the first window starts on starts_on
        (date(2024, 5, 1), 14, date(2024, 5, 1), Period(date(2024, 5, 1), date(2024, 5, 14))),
        (date(2024, 5, 1), 14, date(2024, 5, 14), Period(date(2024, 5, 1), date(2024, 5, 14))),
        (date(2024, 5, 1), 14, date(2024, 5, 15), Period(date(2024, 5, 15), date(2024, 5, 28))),
        # windows cross month ends and leap days
        (date(2024, 2, 27), 2, date(2024, 2, 29), Period(date(2024, 2, 29), date(2024, 3, 1))),
        # and year boundaries
        (date(2024, 12, 25), 7, date(2025, 1, 2), Period(date(2025, 1, 1), date(2025, 1, 7))),
        # days before starts_on fall in windows aligned on it
        (date(2024, 5, 15), 10, date(2024, 5, 14), Period(date(2024, 5, 5), date(2024, 5, 14))),
        # every day
        (date(2024, 5, 1), 1, date(2024, 5, 12), Period(date(2024, 5, 12), date(2024, 5, 12))),
    ],
)
def test_period_containing_counts_windows_from_starts_on_when_every_n_days(
    starts_on: date, interval_days: int, day: date, expected: Period
) -> None:
    period = period_containing(
        Frequency.EVERY_N_DAYS, day, starts_on=starts_on, interval_days=interval_days
    )

    assert period == expected


@pytest.mark.parametrize("interval_days", [None, 0])
def test_period_containing_raises_when_every_n_days_has_no_interval(
    interval_days: int | None,
) -> None:
    with pytest.raises(ValueError, match="interval_days"):
        period_containing(
            Frequency.EVERY_N_DAYS, date(2024, 5, 1), starts_on=ANCHOR, interval_days=interval_days
        )


@pytest.mark.parametrize(
    ("frequency", "day", "expected"),
    [
        # working days: Monday's previous period is Friday
        (Frequency.WORKING_DAYS, date(2024, 5, 13), Period(date(2024, 5, 10), date(2024, 5, 10))),
        (Frequency.WORKING_DAYS, date(2024, 5, 14), Period(date(2024, 5, 13), date(2024, 5, 13))),
        (Frequency.WORKING_DAYS, date(2025, 1, 1), Period(date(2024, 12, 31), date(2024, 12, 31))),
        # weekly across a year boundary
        (Frequency.WEEKLY, date(2025, 1, 1), Period(date(2024, 12, 23), date(2024, 12, 29))),
        # half-monthly: the second half of last month
        (Frequency.HALF_MONTHLY, date(2024, 3, 3), Period(date(2024, 2, 16), date(2024, 2, 29))),
        (Frequency.HALF_MONTHLY, date(2024, 3, 20), Period(date(2024, 3, 1), date(2024, 3, 15))),
        # monthly, quarterly, yearly across year boundaries
        (Frequency.MONTHLY, date(2024, 1, 31), Period(date(2023, 12, 1), date(2023, 12, 31))),
        (Frequency.MONTHLY, date(2024, 3, 1), Period(date(2024, 2, 1), date(2024, 2, 29))),
        (Frequency.QUARTERLY, date(2024, 2, 1), Period(date(2023, 10, 1), date(2023, 12, 31))),
        (Frequency.YEARLY, date(2024, 7, 1), Period(date(2023, 1, 1), date(2023, 12, 31))),
    ],
)
def test_previous_period_returns_period_before_when_given_a_period(
    frequency: Frequency, day: date, expected: Period
) -> None:
    period = period_containing(frequency, day, starts_on=ANCHOR)
    assert period is not None

    previous = previous_period(frequency, period, starts_on=ANCHOR)

    assert previous == expected


def test_previous_period_returns_window_before_when_every_n_days() -> None:
    period = Period(date(2024, 5, 15), date(2024, 5, 28))

    previous = previous_period(
        Frequency.EVERY_N_DAYS, period, starts_on=date(2024, 5, 1), interval_days=14
    )

    assert previous == Period(date(2024, 5, 1), date(2024, 5, 14))


@pytest.mark.parametrize(
    ("day", "is_inside"),
    [(date(2024, 4, 30), False), (date(2024, 5, 1), True), (date(2024, 5, 31), True)],
)
def test_period_contains_day_when_between_start_and_end_inclusive(
    day: date, is_inside: bool
) -> None:
    period = Period(date(2024, 5, 1), date(2024, 5, 31))

    assert (day in period) is is_inside
