"""Periods of the API as local-calendar spans (from calendar_days).

``today`` = local midnight to now; ``yesterday`` = the previous local day;
``last_week`` = the previous complete Sunday-Saturday week; ``last_month`` =
the previous calendar month; ``year`` = a calendar year (up to now when it
is the current one). Each period has a previous period of the same kind, for
``trend_percentage``: today -> yesterday, yesterday -> the day before, last
week -> the week before, last month -> the month before, a year -> the year
before.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from webapi.calendar import Calendar

PERIODS = ("live", "today", "yesterday", "last_week", "last_month", "year")
ALIASES = {"7days": "last_week", "30days": "last_month"}


@dataclass(frozen=True)
class Span:
    """Local dates [first_date, end_date), i.e. UTC [utc_start, utc_end)."""

    first_date: date
    end_date: date
    utc_start: datetime
    utc_end: datetime
    year: int | None = None  # a whole calendar year: yearly rows may serve it


def _previous_month(first: date) -> date:
    return (first - timedelta(days=1)).replace(day=1)


def _span(calendar: Calendar, first: date, end: date, year: int | None = None) -> Span:
    days = calendar.days(first, end)
    return Span(first, end, days[first].utc_start, days[end].utc_start, year)


def resolve(calendar: Calendar, period: str, now: datetime, year: int | None = None):
    """(label, current span, previous span) of a period; spans are None for ``live``."""
    today = calendar.day_containing(now)
    d = today.local_date
    if period == "live":
        return "Live", None, None
    if period == "today":
        return (_day_label(d), _span(calendar, d, d + timedelta(days=1)),
                _span(calendar, d - timedelta(days=1), d))
    if period == "yesterday":
        y = d - timedelta(days=1)
        return (_day_label(y), _span(calendar, y, d),
                _span(calendar, y - timedelta(days=1), y))
    if period == "last_week":
        first = today.week_start - timedelta(days=7)
        return (_range_label(first, today.week_start - timedelta(days=1)),
                _span(calendar, first, today.week_start),
                _span(calendar, first - timedelta(days=7), first))
    if period == "last_month":
        first = _previous_month(today.month_start)
        before = _previous_month(first)
        return (first.strftime("%B %Y"), _span(calendar, first, today.month_start),
                _span(calendar, before, first))
    if period == "year":
        year = year or today.year
        return (str(year), year_span(calendar, year), year_span(calendar, year - 1))
    raise ValueError(period)


def year_span(calendar: Calendar, year: int) -> Span:
    return _span(calendar, date(year, 1, 1), date(year + 1, 1, 1), year)


def _day_label(day: date) -> str:
    return f"{day:%b} {day.day}, {day.year}"


def _range_label(first: date, last: date) -> str:
    if first.year == last.year:
        return f"{first:%b} {first.day} – {last:%b} {last.day}, {last.year}"
    return f"{_day_label(first)} – {_day_label(last)}"
