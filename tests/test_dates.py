"""rotation.dates: whole years at a date, inclusive anniversaries, "over N" strictly, 29 February."""

from __future__ import annotations

from datetime import date

import pytest

from rotation.dates import (
    add_months,
    add_years,
    anniversary,
    default_effective_date,
    parse_date_text,
    reached,
    strictly_over,
    whole_months,
    whole_years,
)


@pytest.mark.parametrize(
    ("start", "year", "expected"),
    [
        pytest.param(date(2021, 9, 1), 2027, date(2027, 9, 1), id="ordinary-date"),
        # 29 February falls on 28 February in a non-leap year ...
        pytest.param(date(2020, 2, 29), 2027, date(2027, 2, 28), id="feb29-to-non-leap"),
        # ... and stays on 29 February in a leap year.
        pytest.param(date(2020, 2, 29), 2028, date(2028, 2, 29), id="feb29-to-leap"),
        pytest.param(date(2019, 2, 28), 2020, date(2020, 2, 28), id="feb28-in-leap-year"),
    ],
)
def test_anniversary(start: date, year: int, expected: date) -> None:
    assert anniversary(start, year) == expected


@pytest.mark.parametrize(
    ("start", "at", "expected"),
    [
        # The 6th anniversary of 2021-09-01 is 2027-09-01: completed on that day, not the day before.
        pytest.param(date(2021, 9, 1), date(2027, 8, 31), 5, id="day-before-anniversary"),
        pytest.param(date(2021, 9, 1), date(2027, 9, 1), 6, id="day-of-anniversary"),
        pytest.param(date(2021, 9, 1), date(2027, 9, 2), 6, id="day-after-anniversary"),
        # A 29 February start completes its years on 28 February in a non-leap year.
        pytest.param(date(2020, 2, 29), date(2026, 2, 27), 5, id="feb29-day-before-feb28"),
        pytest.param(date(2020, 2, 29), date(2026, 2, 28), 6, id="feb29-on-feb28-non-leap"),
        pytest.param(date(2020, 2, 29), date(2026, 3, 1), 6, id="feb29-day-after"),
        # In a leap year 28 February is still the day before: the anniversary is 29 February.
        pytest.param(date(2020, 2, 29), date(2024, 2, 28), 3, id="feb29-leap-year-feb28-not-yet"),
        pytest.param(date(2020, 2, 29), date(2024, 2, 29), 4, id="feb29-leap-year-on-feb29"),
        pytest.param(date(2021, 9, 1), date(2021, 9, 1), 0, id="same-day"),
    ],
)
def test_whole_years(start: date, at: date, expected: int) -> None:
    assert whole_years(start, at) == expected


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        pytest.param(date(2027, 8, 31), False, id="day-before"),
        # 达到6年及以上: the anniversary itself counts.
        pytest.param(date(2027, 9, 1), True, id="day-of"),
        pytest.param(date(2027, 9, 2), True, id="day-after"),
    ],
)
def test_reached_is_inclusive(at: date, expected: bool) -> None:
    assert reached(date(2021, 9, 1), 6, at) is expected


@pytest.mark.parametrize(
    ("birth", "at", "expected"),
    [
        pytest.param(date(1972, 9, 1), date(2027, 8, 31), False, id="day-before-55th-birthday"),
        # 超过55周岁: on the 55th birthday the person is 55, not over 55.
        pytest.param(date(1972, 9, 1), date(2027, 9, 1), False, id="on-55th-birthday"),
        pytest.param(date(1972, 9, 1), date(2027, 9, 2), True, id="day-after-55th-birthday"),
        # Born 29 February 1972: the 55th birthday is 28 February 2027.
        pytest.param(date(1972, 2, 29), date(2027, 2, 28), False, id="feb29-on-birthday"),
        pytest.param(date(1972, 2, 29), date(2027, 3, 1), True, id="feb29-day-after"),
    ],
)
def test_strictly_over(birth: date, at: date, expected: bool) -> None:
    assert strictly_over(birth, 55, at) is expected


@pytest.mark.parametrize(
    ("start", "years", "expected"),
    [
        pytest.param(date(2027, 9, 1), 3, date(2030, 9, 1), id="ordinary"),
        pytest.param(date(2024, 2, 29), 1, date(2025, 2, 28), id="feb29-to-non-leap"),
        pytest.param(date(2024, 2, 29), 4, date(2028, 2, 29), id="feb29-to-leap"),
    ],
)
def test_add_years(start: date, years: int, expected: date) -> None:
    assert add_years(start, years) == expected


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        pytest.param(date(2019, 9, 1), 18, date(2021, 3, 1), id="ordinary"),
        # A day the target month lacks falls on its last day, as 29 February falls on 28 February.
        pytest.param(date(2021, 1, 31), 1, date(2021, 2, 28), id="jan31-to-feb"),
        pytest.param(date(2024, 2, 29), 12, date(2025, 2, 28), id="twelve-months-is-add-years"),
        pytest.param(date(2024, 2, 29), 48, date(2028, 2, 29), id="feb29-to-leap"),
    ],
)
def test_add_months(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


@pytest.mark.parametrize(
    ("start", "at", "expected"),
    [
        # 2019-09-01 to 2021-03-01 is 18 months: completed on the monthly anniversary, not the day before.
        pytest.param(date(2019, 9, 1), date(2021, 2, 28), 17, id="day-before"),
        pytest.param(date(2019, 9, 1), date(2021, 3, 1), 18, id="day-of"),
        pytest.param(date(2019, 9, 1), date(2021, 3, 2), 18, id="day-after"),
        pytest.param(date(2021, 1, 31), date(2021, 2, 28), 1, id="jan31-complete-on-feb28"),
        # Twelve months agree with whole_years for a 29 February start.
        pytest.param(date(2020, 2, 29), date(2021, 2, 28), 12, id="feb29-year"),
    ],
)
def test_whole_months(start: date, at: date, expected: int) -> None:
    assert whole_months(start, at) == expected


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        pytest.param(date(2027, 1, 15), date(2027, 9, 1), id="spring-plans-this-summer"),
        # On 1 September itself that day is still the next 1 September "on or after today".
        pytest.param(date(2027, 9, 1), date(2027, 9, 1), id="on-1-september"),
        pytest.param(date(2027, 9, 2), date(2028, 9, 1), id="day-after-plans-next-year"),
    ],
)
def test_default_effective_date(today: date, expected: date) -> None:
    assert default_effective_date(today) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("2019-09-01", date(2019, 9, 1), id="iso"),
        pytest.param("2019/9/1", date(2019, 9, 1), id="slashes"),
        pytest.param("2019.09.01", date(2019, 9, 1), id="dots"),
        pytest.param("2019年9月1日", date(2019, 9, 1), id="chinese"),
        pytest.param("\u30002019-09-01 ", date(2019, 9, 1), id="full-width-space-trimmed"),
        # A year-month means the first of that month.
        pytest.param("2019-09", date(2019, 9, 1), id="year-month-dash"),
        pytest.param("2019.9", date(2019, 9, 1), id="year-month-dot"),
        pytest.param("2019年9月", date(2019, 9, 1), id="year-month-chinese"),
        pytest.param("2019-02-30", None, id="impossible-day"),
        pytest.param("2019-13", None, id="impossible-month"),
        pytest.param("30000", None, id="bare-number"),
        pytest.param("", None, id="blank"),
        pytest.param("next year", None, id="words"),
    ],
)
def test_parse_date_text(text: str, expected: date | None) -> None:
    assert parse_date_text(text) == expected
