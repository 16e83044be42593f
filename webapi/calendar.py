"""Local days of the reporting zone, read from ``calendar_days`` and kept in-process.

The table is generated once by the migrations and never changes for a given
reporting zone, so every row read is cached for the life of the process.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date, datetime

from webapi.db import Database

COLUMNS = "local_date, utc_start, utc_end, hours_in_day, week_start, month_start, year"


@dataclass(frozen=True)
class Day:
    local_date: date
    utc_start: datetime
    utc_end: datetime
    hours_in_day: int
    week_start: date
    month_start: date
    year: int


class Calendar:
    def __init__(self, db: Database):
        self.db = db
        self._days: dict[date, Day] = {}
        self._current: Day | None = None  # the day "now" was last found in
        self._lock = threading.Lock()

    def _remember(self, rows) -> None:
        with self._lock:
            for row in rows:
                day = Day(**row)
                self._days[day.local_date] = day

    def day_containing(self, instant: datetime) -> Day:
        """The local day whose [utc_start, utc_end) holds ``instant`` (naive UTC)."""
        current = self._current
        if current is not None and current.utc_start <= instant < current.utc_end:
            return current
        rows = self.db.query(
            f"SELECT {COLUMNS} FROM calendar_days WHERE utc_start <= %s "
            "ORDER BY utc_start DESC LIMIT 1", (instant,))
        if not rows or not rows[0]["utc_end"] > instant:
            raise LookupError(f"{instant} is outside calendar_days")
        self._remember(rows)
        self._current = self._days[rows[0]["local_date"]]
        return self._current

    def local_date(self, instant: datetime) -> date:
        """The local date whose day holds ``instant`` (naive UTC)."""
        return self.day_containing(instant).local_date

    def utc_start(self, day: date) -> datetime:
        """The UTC instant (naive) local ``day`` begins at."""
        return self.days(day)[day].utc_start

    def days(self, *dates: date) -> dict[date, Day]:
        """Calendar rows of the given local dates (one query for the ones not cached)."""
        missing = sorted({d for d in dates if d not in self._days})
        if missing:
            marks = ", ".join(["%s"] * len(missing))
            rows = self.db.query(
                f"SELECT {COLUMNS} FROM calendar_days WHERE local_date IN ({marks})", missing)
            self._remember(rows)
        absent = [d for d in dates if d not in self._days]
        if absent:
            raise LookupError(f"{absent[0]} is outside calendar_days")
        return {d: self._days[d] for d in dates}
