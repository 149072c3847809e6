"""Date arithmetic of domain-rules.md: whole years at a date, inclusive anniversaries, 29 February."""

from __future__ import annotations

import calendar
import re
from datetime import date


def anniversary(start: date, year: int) -> date:
    """The anniversary of ``start`` in ``year``; 29 February falls on 28 February in a non-leap year."""
    if start.month == 2 and start.day == 29 and not calendar.isleap(year):
        return date(year, 2, 28)
    return start.replace(year=year)


def whole_years(start: date, at: date) -> int:
    """Calendar years completed on ``at`` since ``start``: the N-th anniversary counts on its own day."""
    years = at.year - start.year
    if anniversary(start, at.year) > at:
        years -= 1
    return years


def reached(start: date, years: int, at: date) -> bool:
    """Whether ``years`` whole years since ``start`` are reached on ``at`` (anniversary inclusive)."""
    return whole_years(start, at) >= years


def strictly_over(birth: date, years: int, at: date) -> bool:
    """Whether someone born on ``birth`` is "over N years of age" (超过N周岁) on ``at``.

    The N-th birthday must lie strictly before ``at``: on the birthday itself the person is N, not over N.
    """
    return anniversary(birth, birth.year + years) < at


def add_years(start: date, years: int) -> date:
    """The ``years``-th anniversary of ``start`` (earliest return dates)."""
    return anniversary(start, start.year + years)


def add_months(start: date, months: int) -> date:
    """``start`` moved by whole calendar months; a day the target month lacks falls on its last day.

    Twelve months are a year, consistently with ``anniversary``: 29 February plus 12 months is 28 February.
    """
    year, month_index = divmod(start.month - 1 + months, 12)
    year += start.year
    day = min(start.day, calendar.monthrange(year, month_index + 1)[1])
    return date(year, month_index + 1, day)


def whole_months(start: date, at: date) -> int:
    """Calendar months completed on ``at`` since ``start`` (the monthly anniversary counts on its day)."""
    months = (at.year - start.year) * 12 + at.month - start.month
    if add_months(start, months) > at:
        months -= 1
    return months


def default_effective_date(today: date) -> date:
    """The next 1 September on or after ``today``: the start of the autumn term rotated into."""
    this_year = date(today.year, 9, 1)
    return this_year if today <= this_year else date(today.year + 1, 9, 1)


def parse_date_text(text: str) -> date | None:
    """A date written as text in one of the contract's forms, or None.

    Accepted: ``2019-09-01``, ``2019/9/1``, ``2019.09.01``, ``2019年9月1日``, and a
    year-month (``2019-09``, ``2019/9``, ``2019.9``, ``2019年9月``) meaning the first of
    that month. A bare number is not a date: ``2019.1`` would be read as January.
    """
    cleaned = text.replace("\u3000", " ").strip()
    full = re.fullmatch(r"(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*日?", cleaned)
    if full:
        year, month, day = (int(part) for part in full.groups())
    else:
        month_only = re.fullmatch(r"(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*月?", cleaned)
        if not month_only:
            return None
        year, month, day = int(month_only.group(1)), int(month_only.group(2)), 1
    try:
        return date(year, month, day)
    except ValueError:
        return None
