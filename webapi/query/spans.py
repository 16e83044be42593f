"""The span planner: which level each part of a period is read from. Pure Python.

A period (local dates [first_date, end_date), UTC [utc_start, utc_end)) is cut
into disjoint reads, coarsest first, from what aggregation has done:

* the days before the daily watermark (and before today) are aggregated:
  the whole year from yearly rows when the period is a calendar year and
  the year is not stale; otherwise whole clean calendar months from monthly
  rows, then whole clean Sunday-Saturday weeks of what is left from weekly
  rows, and the other days from daily rows;
* the days from the daily watermark on from running rows (kept by the
  triggers in the writer's transaction, so never stale), except the day
  ``now`` cuts when a snapshot newer than ``now`` exists: running rows
  would count it;
* hourly rows for the hours before the hourly watermark of what is left,
  raw snapshots for the rest, up to ``now`` included.

A stale bucket (``Stale``: queued for re-aggregation) is read one level
finer: a stale day from its hours, a stale hour from its snapshots, a stale
year from its months, weeks and days; a month or week holding a stale day
from its days. An entity without some level (no monthly rows, no weekly
rows, no running rows, no yearly rows) has those parts read one level finer
too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Protocol

from webapi.periods import Span
from webapi.query.vocabulary import REQUIRED, Level

HOUR = timedelta(hours=1)
WEEK = timedelta(days=7)


class LocalDays(Protocol):
    """The reporting zone's local days (``webapi.calendar.Calendar`` in the API)."""

    def local_date(self, instant: datetime) -> date:
        """The local date whose day holds ``instant`` (naive UTC)."""

    def utc_start(self, day: date) -> datetime:
        """The UTC instant (naive) local ``day`` begins at."""


@dataclass(frozen=True)
class Stale:
    """Buckets whose stored rows must not be read (see ``state.stale_buckets``)."""

    hours: frozenset[datetime] = frozenset()  # UTC hours
    days: frozenset[date] = frozenset()  # local dates
    years: frozenset[int] = frozenset()


@dataclass(frozen=True)
class YearRows:
    """The yearly rows of a year that hold days: how many, oldest and newest last day."""

    count: int
    oldest_last: date | None
    newest_last: date | None


@dataclass(frozen=True)
class Progress:
    """What aggregation has done, as the planner needs it."""

    hourly: datetime | None  # first UTC hour not aggregated (None: none yet)
    daily: date | None  # first local date not aggregated (None: none yet)
    newest_snapshot: datetime | None = None  # the newest recorded_at stored
    years: dict[int, YearRows] = field(default_factory=dict)  # of the years planned
    stale: Stale = Stale()

    def stored_after(self, instant: datetime) -> bool:
        """Whether a snapshot is stored after ``instant`` (a collector stamps one up
        to a minute ahead of the clock): then an entity's newest stored row may not
        be its latest up to ``instant``."""
        return self.newest_snapshot is not None and self.newest_snapshot > instant


@dataclass(frozen=True)
class Read:
    """One level's part of a span: its ``ranges`` [start, end) minus ``skipped``.

    Units are the level's own: local dates for YEARLY, MONTHLY, WEEKLY, DAILY
    and RUNNING (a MONTHLY range is one calendar month, a WEEKLY range one
    week); naive UTC datetimes for HOURLY and
    RAW. ``skipped`` are this level's buckets inside the ranges that are stale
    and read at a finer level instead (DAILY: days, HOURLY: hours).
    """

    level: Level
    ranges: tuple[tuple, ...]
    skipped: tuple = ()


def plan_span(span: Span, *, now: datetime, progress: Progress, levels: frozenset[Level],
              days: LocalDays) -> list[Read]:
    """The reads that cover ``span`` up to ``now`` (included), coarsest first.

    Empty when the span begins after ``now``. The reads are disjoint; their
    union is [span.utc_start, min(span.utc_end, now + 1 s)), except that the
    running row of the day ``now`` cuts holds that whole day (no snapshot
    after ``now`` exists then).
    """
    if not REQUIRED <= levels:
        raise ValueError("the planner needs daily, hourly and raw rows")
    end = min(span.utc_end, now + timedelta(seconds=1))  # snapshots up to now included
    if end <= span.utc_start:
        return []
    stale = progress.stale
    today = days.local_date(now)
    # [first_date, day_end): aggregated days (today never is: it is not over).
    day_end = min(span.end_date, progress.daily or span.first_date,
                  max(today, span.first_date))
    day_end = max(day_end, span.first_date)
    stale_days = sorted(d for d in stale.days if span.first_date <= d < day_end)
    reads: list[Read] = []
    if day_end > span.first_date:
        if _yearly_serves(span, progress, levels):
            reads.append(Read(Level.YEARLY, ((span.first_date, day_end),)))
        else:
            reads += _months_weeks_and_days(span.first_date, day_end, stale_days, levels)
    running_end = _running_end(span, end, today, day_end, progress, levels)
    if running_end > day_end:
        reads.append(Read(Level.RUNNING, ((day_end, running_end),)))
    # What is left: stale days and [running_end, end), from hours then snapshots.
    hour_ranges = [(days.utc_start(d), days.utc_start(d + timedelta(days=1)))
                   for d in stale_days]
    hour_start = days.utc_start(running_end)
    hour_end = hour_start
    if progress.hourly is not None:
        hour_end = max(min(end, progress.hourly), hour_start)
    if hour_end > hour_start:
        hour_ranges.append((hour_start, hour_end))
    stale_hours = tuple(sorted(h for h in stale.hours
                               if any(a <= h < b for a, b in hour_ranges)))
    if hour_ranges:
        reads.append(Read(Level.HOURLY, tuple(hour_ranges), stale_hours))
    raw_ranges = [(h, h + HOUR) for h in stale_hours]
    raw_start = max(hour_start, hour_end)
    if end > raw_start:
        raw_ranges.append((raw_start, end))
    if raw_ranges:
        reads.append(Read(Level.RAW, tuple(raw_ranges)))
    return reads


def _yearly_serves(span: Span, progress: Progress, levels) -> bool:
    """A whole calendar year with yearly rows that are not stale. (Each entity's row
    covers its days up to its last_stat_date; SQL reads the days after it.)"""
    if span.year is None or Level.YEARLY not in levels or span.year in progress.stale.years:
        return False
    rows = progress.years.get(span.year)
    return rows is not None and rows.count > 0


def _running_end(span: Span, end: datetime, today: date, day_end: date, progress: Progress,
                 levels) -> date:
    """The end of the days read from running rows, [day_end, running_end)."""
    if Level.RUNNING not in levels:
        return day_end
    cut = end < span.utc_end  # now falls inside the span's last day: today
    last = today if cut else span.end_date - timedelta(days=1)
    running_end = last + timedelta(days=1)
    if cut and progress.newest_snapshot is not None and progress.newest_snapshot >= end:
        running_end = last  # a snapshot after now: that day from hours and snapshots
    return max(running_end, day_end)


def _whole_weeks(first: date, end: date, stale_days) -> list[date]:
    """Sundays of the whole Sunday-Saturday weeks inside [first, end) with no stale day."""
    week = first + timedelta(days=(6 - first.weekday()) % 7)
    weeks = []
    while week + WEEK <= end:
        if not any(week <= d < week + WEEK for d in stale_days):
            weeks.append(week)
        week += WEEK
    return weeks


def _next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _whole_months(first: date, end: date, stale_days) -> list[date]:
    """First days of the whole calendar months inside [first, end) with no stale day."""
    month = first if first.day == 1 else _next_month(first)
    months = []
    while _next_month(month) <= end:
        if not any(month <= d < _next_month(month) for d in stale_days):
            months.append(month)
        month = _next_month(month)
    return months


def _gaps(first: date, end: date, taken) -> list[tuple[date, date]]:
    """The parts of [first, end) outside the sorted, disjoint ranges ``taken``."""
    out = []
    cursor = first
    for start, stop in taken:
        if start > cursor:
            out.append((cursor, start))
        cursor = stop
    if end > cursor:
        out.append((cursor, end))
    return out


def _months_weeks_and_days(first: date, end: date, stale_days, levels) -> list[Read]:
    """The local days [first, end): whole clean months from monthly rows, whole clean
    weeks of the rest from weekly rows, the other days from daily rows, minus the
    stale days."""
    months = _whole_months(first, end, stale_days) if Level.MONTHLY in levels else []
    month_ranges = [(m, _next_month(m)) for m in months]
    reads: list[Read] = []
    if month_ranges:
        reads.append(Read(Level.MONTHLY, tuple(month_ranges)))
    weeks = []
    if Level.WEEKLY in levels:
        for start, stop in _gaps(first, end, month_ranges):
            weeks += _whole_weeks(start, stop, stale_days)
    if weeks:
        reads.append(Read(Level.WEEKLY, tuple((w, w + WEEK) for w in weeks)))
    taken = sorted(month_ranges + [(w, w + WEEK) for w in weeks])
    day_ranges = _gaps(first, end, taken)
    if day_ranges:
        skipped = tuple(d for d in stale_days if any(a <= d < b for a, b in day_ranges))
        reads.append(Read(Level.DAILY, tuple(day_ranges), skipped))
    return reads
