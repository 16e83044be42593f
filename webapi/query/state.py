"""The state a period query is planned from, read from the database and kept briefly.

The watermarks, the yearly rows' coverage, the newest snapshot and the queued
buckets become the planner's ``Progress``; the park and ride counts and the routines'
version go with it to the statements and answers.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from webapi.db import Database
from webapi.formulas import Formulas
from webapi.query.binds import Binds
from webapi.query.render import park_filter
from webapi.query.spans import LocalDays, Progress, Stale, YearRows


@dataclass(frozen=True)
class PlanState:
    progress: Progress
    total_parks: int  # active parks of the filter
    all_parks: int  # every park, active or not (fewer yearly rows: some park reads days)
    total_rides: int  # active rides of the filter's parks
    routines: str = ""  # changes whenever the routines are re-installed (routine_versions)


def stale_from_rows(rows) -> Stale:
    """The planner's stale buckets from the rows of the database view stale_buckets
    (sql/aggregation/stale_buckets.sql), where the rule "a queued hour makes its day
    and year stale" is stated once, for the cycle and for the API."""
    by_level: dict[str, set] = {"hourly": set(), "daily": set(), "yearly": set()}
    for row in rows:
        by_level[row["level"]].add(row["period_start"])
    return Stale(frozenset(by_level["hourly"]),
                 frozenset(start.date() for start in by_level["daily"]),
                 frozenset(start.year for start in by_level["yearly"]))


def read_state(db: Database, days: LocalDays, disney_universal: bool, years=()) -> PlanState:
    """The state, in one round trip (two when buckets are queued)."""
    b = Binds()
    year_columns = "".join(
        f", (SELECT {fn} FROM yearly_park_stats WHERE year = {b(f'year{i}', year)} "
        f"AND first_stat_date IS NOT NULL) AS y{i}_{name}"
        for i, year in enumerate(years)
        for fn, name in (("COUNT(*)", "count"), ("MIN(last_stat_date)", "oldest"),
                         ("MAX(last_stat_date)", "newest")))
    sql = ("SELECT (SELECT done_through FROM aggregation_watermarks WHERE level = 'hourly') AS h, "
           "(SELECT done_through FROM aggregation_watermarks WHERE level = 'daily') AS d, "
           "(SELECT COUNT(*) FROM parks p WHERE p.is_active = 1 AND "
           f"{park_filter(b, disney_universal)}) AS n, "
           "(SELECT COUNT(*) FROM parks) AS n_all, "
           f"({active_rides(b, disney_universal)}) AS n_rides, "
           "(SELECT COUNT(*) FROM aggregation_queue) AS q, "
           "(SELECT CONCAT(COUNT(*), '/', COALESCE(SUM(version), 0), '/', "
           "COALESCE(MAX(installed_at), '')) FROM routine_versions) AS rv, "
           f"(SELECT MAX(recorded_at) FROM park_snapshots) AS newest{year_columns}")
    row = db.query(sql, b.values)[0]
    stale = Stale()
    if row["q"]:
        stale = stale_from_rows(db.query("SELECT level, period_start FROM stale_buckets"))
    progress = Progress(
        hourly=row["h"], daily=row["d"].date() if row["d"] is not None else None,
        newest_snapshot=row["newest"],
        years={year: YearRows(int(row[f"y{i}_count"]), row[f"y{i}_oldest"],
                              row[f"y{i}_newest"]) for i, year in enumerate(years)},
        stale=stale)
    return PlanState(progress, int(row["n"]), int(row["n_all"]), int(row["n_rides"]), row["rv"])


def active_rides(b: Binds, disney_universal: bool) -> str:
    """The active rides of the filter (a scalar subquery). The rides first, read in
    key order, each joined to its park by key: the other way round the server read
    every ride through the park index (1.0 against 0.4 ms). Read with the state,
    not by every ride ranking: 0.4-0.6 ms less per /api/rides/downtime."""
    return ("SELECT COUNT(*) FROM rides tr STRAIGHT_JOIN parks p ON p.park_id = tr.park_id "
            f"WHERE tr.is_active = 1 AND {park_filter(b, disney_universal)}")


class PlanCache:
    """The state a period query is planned from (watermarks, queued buckets, the
    newest snapshot, the routines' version, the active parks and rides of the
    filter), kept in process for ``seconds``
    (0 = read it for every query), so that a ranking costs one round trip; and
    the metric formulas expanded into the statements (``formulas``).

    Why a short-lived copy stays exact: the watermarks only move forward, so an
    old one moves more of a span to finer rows (running rows or hours instead
    of a day, raw snapshots instead of hours), which hold the same snapshots
    (apply_retention keeps running rows 7 days below the daily watermark); a
    bucket that left the queue meanwhile is read from finer rows too. What it
    can miss, for at most ``seconds``: a bucket queued meanwhile (late data for
    an hour already aggregated) is read from its old row, i.e. the answer is as
    stale as a response cached that long; a snapshot newer than the clock
    written meanwhile (up to a minute ahead is accepted) already counts in
    today, and in live its rides are left out until the state is read again
    (their newest rows are then after now, and the kept state says no snapshot
    is: render.latest_of); and rows that retention purged meanwhile could be
    needed by an old watermark only if aggregation lagged the retention horizon
    (90 days), which health reports long before; a park or ride (de)activated
    meanwhile is counted as before. Keep ``seconds`` short (1-2).
    """

    def __init__(self, seconds: float):
        self.seconds = float(seconds)
        self.formulas = Formulas()
        self._entries: dict[tuple, tuple[float, PlanState]] = {}
        self._lock = threading.Lock()

    def get(self, db: Database, days: LocalDays, disney_universal: bool, years) -> PlanState:
        # Per server: a replica's watermarks may be behind the primary's, and a plan
        # is exact only for the rows of the server it was read from.
        key = (db.source, disney_universal, tuple(years))
        if self.seconds > 0:
            entry = self._entries.get(key)
            if entry is not None and time.monotonic() - entry[0] < self.seconds:
                return entry[1]
        read_at = time.monotonic()
        state = read_state(db, days, disney_universal, years)
        if self.seconds > 0:
            with self._lock:
                if len(self._entries) > 256:
                    self._entries.clear()
                self._entries[key] = (read_at, state)
        return state


def span_years(*spans) -> list[int]:
    """The calendar years among the spans (their yearly rows' coverage is read)."""
    return [span.year for span in spans if span is not None and span.year]

