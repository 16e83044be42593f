"""Period figures per park: one SELECT over the coarsest rows that cover a period.

A span [start, end) is answered from (per park, summed):

* ``yearly_park_stats`` for a whole calendar year, when the row's days
  (first_stat_date..last_stat_date) are all before the daily watermark;
* ``weekly_park_stats`` for whole local Sunday-Saturday weeks inside the span
  (outside a yearly row), before the daily watermark, none of whose days is
  queued;
* ``daily_park_stats`` for the other whole local days before the daily
  watermark (minus the days a yearly or weekly row already holds);
* ``running_daily_park_stats`` for the days from the daily watermark on
  (today, and yesterday until its daily row is written): one row per park and
  day, which the park_snapshots triggers keep equal to the sums of all the
  day's snapshots, so today costs one row per park however late it is;
* ``hourly_park_stats`` and raw ``park_snapshots`` only where those cannot be
  used: the dirty days below, and today when a snapshot newer than now exists
  (a pinned clock, a collector's clock ahead): its hours before the hourly
  watermark, then raw snapshots up to now.

The sources are disjoint in time, so the sums and counts of a span are
exactly those of its snapshots. Buckets waiting in ``aggregation_queue``
(late data, failures) are read one level finer (a dirty hour from raw, its
day from hours, its year from days) until a cycle has redone them; running
rows are never stale (the triggers keep them in the writing transaction).

The metrics are computed once per park, by the stored functions
``shame_score_of``, ``uptime_percentage_of``, ``downtime_hours_of``,
``avg_wait_of``, ``rides_reporting_of`` and ``trend_percentage_of``, over the
sums (k = 0: the period asked for, k = 1: the previous period, for trends).
Rankings write their calls out as the functions' own installed expressions
(``webapi.formulas``), which the server evaluates ~10x faster than a call.

SQL text is assembled only from the fixed fragments below; every value
(dates, park filter, interval) is a bound parameter.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from webapi.calendar import Calendar
from webapi.db import Database
from webapi.formulas import Formulas
from webapi.periods import Span

MEASURES = ("sample_count", "open_sample_count", "shame_sum", "shame_count", "wait_sum",
            "wait_count", "peak_wait_minutes", "down_samples", "weighted_down_samples",
            "operating_samples", "max_rides_down")
MAXIMA = ("peak_wait_minutes", "max_rides_down")


def _measures(alias: str, how: str, needed=MEASURES) -> str:
    """A source's measure columns, named, those not needed NULL. ``how``: "row" reads
    stored rows as they are (one per park and period, or a few, summed by the outer
    query), "sum" sums stored rows per park (maxima: MAX), "raw" sums what each
    snapshot adds like aggregate_hours_range does (what one snapshot adds to each
    measure is defined once, by the view park_snapshot_measures), "none" is all NULL."""
    out = []
    for m in MEASURES:
        if how == "none" or m not in needed:
            expr = "NULL"
        elif how == "row":
            expr = f"{alias}.{m}"
        elif m in MAXIMA:
            expr = f"MAX({alias}.{m})"
        elif how == "raw":
            expr = "COUNT(*)" if m == "sample_count" else f"COALESCE(SUM({alias}.{m}), 0)"
        else:
            expr = f"SUM({alias}.{m})"
        out.append(f"{expr} AS {m}")
    return ", ".join(out)


# The sources of a span. Every one names its columns (k, park_id, the measures,
# days, complete), so that any of them can come first in the UNION ALL; "<a:how>"
# stands for the measures of alias a (see _measures), rendered per query.
_MEASURES_MARK = re.compile(r"<(\w+):(row|sum|raw|none)>")

YEARLY = ("SELECT %s AS k, y.park_id, <y:row>, y.days_covered AS days, "
          "y.is_complete AS complete FROM yearly_park_stats y WHERE y.year = %s "
          "AND y.first_stat_date IS NOT NULL AND y.last_stat_date < %s")
DAILY_WHERE = ("SELECT %s AS k, d.park_id, <d:sum>, COUNT(*) AS days, 0 AS complete "
               "FROM daily_park_stats d WHERE {where} GROUP BY d.park_id")
DAILY = DAILY_WHERE.format(where="d.stat_date >= %s AND d.stat_date < %s")
# Whole years: the days after each park's yearly row (the lower bound, the oldest
# last_stat_date of the year, keeps it a short range) ...
DAILY_AFTER_YEARLY = (
    "SELECT %s AS k, d.park_id, <d:sum>, COUNT(*) AS days, 0 AS complete "
    "FROM daily_park_stats d JOIN yearly_park_stats y ON y.year = %s "
    "AND y.park_id = d.park_id AND y.first_stat_date IS NOT NULL AND y.last_stat_date < %s "
    "AND d.stat_date > y.last_stat_date "
    "WHERE d.stat_date > %s AND d.stat_date < %s GROUP BY d.park_id")
# ... and every day of the parks without a usable yearly row (only when there are such).
DAILY_WITHOUT_YEARLY = (
    "SELECT %s AS k, d.park_id, <d:sum>, COUNT(*) AS days, 0 AS complete "
    "FROM daily_park_stats d WHERE d.stat_date >= %s AND d.stat_date < %s "
    "AND NOT EXISTS (SELECT 1 FROM yearly_park_stats y WHERE y.year = %s "
    "AND y.park_id = d.park_id AND y.first_stat_date IS NOT NULL AND y.last_stat_date < %s) "
    "GROUP BY d.park_id")
# Whole weeks: one row per park and week, as stored (days_covered: its daily rows).
WEEKLY_IN = ("SELECT %s AS k, w.park_id, <w:row>, w.days_covered AS days, 0 AS complete "
             "FROM weekly_park_stats w WHERE w.week_start IN ({weeks}) AND w.days_covered > 0")
# is_complete of the yearly row even when the row is not used for the sums.
YEARLY_FLAG = ("SELECT %s AS k, y.park_id, <y:none>, 0 AS days, y.is_complete AS complete "
               "FROM yearly_park_stats y WHERE y.year = %s")
HOURLY = ("SELECT %s AS k, h.park_id, <h:sum>, 0 AS days, 0 AS complete "
          "FROM hourly_park_stats h WHERE {where} GROUP BY h.park_id")
# The days from the daily watermark on: running sums kept by the park_snapshots
# triggers (every snapshot of the day, up to the newest), one row per park and day.
RUNNING = ("SELECT %s AS k, r.park_id, <r:row>, 0 AS days, 0 AS complete "
           "FROM running_daily_park_stats r WHERE r.stat_date >= %s AND r.stat_date < %s")
RAW = ("SELECT %s AS k, s.park_id, <s:raw>, 0 AS days, 0 AS complete "
       "FROM park_snapshot_measures s WHERE {where} GROUP BY s.park_id")


def _ranges(column: str, ranges, excluded=()) -> tuple[str, list]:
    """WHERE text and parameters: column in any [start, end) range, minus excluded values."""
    text = " OR ".join([f"({column} >= %s AND {column} < %s)"] * len(ranges))
    params = [bound for pair in ranges for bound in pair]
    if len(ranges) > 1:
        text = f"({text})"
    if excluded:
        text += f" AND {column} NOT IN ({', '.join(['%s'] * len(excluded))})"
        params += list(excluded)
    return text, params


# Each park's latest snapshot in (start, end] (from the table, or with its measures):
# numbered within the span, which is one range of the time-clustered key in the pruned
# partitions. (A join back on MAX(recorded_at) per park let MariaDB run it as a lateral
# derived table probing the (park_id, recorded_at) key of every day partition for each
# snapshot: seconds with a year of partitions.)
LATEST_OF = ("SELECT ls.* FROM (SELECT w.*, ROW_NUMBER() OVER (PARTITION BY w.park_id "
             "ORDER BY w.recorded_at DESC) AS latest_rank FROM {source} w "
             "WHERE w.recorded_at > %s AND w.recorded_at <= %s) ls WHERE ls.latest_rank = 1")
LATEST = LATEST_OF.format(source="park_snapshots")
LIVE = ("SELECT %s AS k, s.park_id, <s:raw>, 0 AS days, 0 AS complete "
        f"FROM ({LATEST_OF.format(source='park_snapshot_measures')}) s GROUP BY s.park_id")
# park_open of a park's latest snapshot in (start, end] (one index probe per park).
OPEN_FLAG = (", (SELECT o.park_open FROM park_snapshots o WHERE o.park_id = g.park_id "
             "AND o.recorded_at > %s AND o.recorded_at <= %s "
             "ORDER BY o.recorded_at DESC LIMIT 1) AS park_is_open")


def _sum(k: int, column: str) -> str:
    return f"SUM(CASE WHEN u.k = {k} THEN u.{column} END)"


def _max(k: int, column: str) -> str:
    return f"MAX(CASE WHEN u.k = {k} THEN u.{column} END)"


def _metric_sql(base: str, measure) -> str:
    """SQL of one metric over summed measures; ``measure(m)`` gives the SQL of the
    summed measure m. The formulas are the stored functions; %s = the interval."""
    return {
        "sample_count": f"COALESCE({measure('sample_count')}, 0)",
        "open_sample_count": f"COALESCE({measure('open_sample_count')}, 0)",
        "shame_score": f"shame_score_of({measure('shame_sum')}, {measure('shame_count')})",
        "total_downtime_hours": f"downtime_hours_of({measure('down_samples')}, %s)",
        "weighted_downtime_hours": f"downtime_hours_of({measure('weighted_down_samples')}, %s)",
        "uptime_percentage": (f"uptime_percentage_of({measure('operating_samples')}, "
                              f"{measure('down_samples')})"),
        "rides_down": measure("max_rides_down"),
        "avg_wait_minutes": f"avg_wait_of({measure('wait_sum')}, {measure('wait_count')})",
        "peak_wait_minutes": measure("peak_wait_minutes"),
        "rides_reporting": (f"rides_reporting_of({measure('wait_count')}, "
                            f"{measure('open_sample_count')})"),
        "days_covered": f"COALESCE({measure('days')}, 0)",
        "is_complete": f"COALESCE({measure('complete')}, 0)",
    }[base]


METRIC_NAMES = ("sample_count", "open_sample_count", "shame_score", "total_downtime_hours",
                "weighted_downtime_hours", "uptime_percentage", "rides_down",
                "avg_wait_minutes", "peak_wait_minutes", "rides_reporting", "days_covered",
                "is_complete")


def _metrics(k: int) -> dict[str, str]:
    """Metric expressions of period k (0 = asked, 1 = previous) over the UNION rows u."""

    def measure(m: str) -> str:
        return _max(k, m) if m in MAXIMA or m == "complete" else _sum(k, m)

    return {name: _metric_sql(name, measure) for name in METRIC_NAMES}


METRICS = {**_metrics(0), **{f"previous_{name}": expr for name, expr in _metrics(1).items()}}
# Trends, computed on the materialised metrics (one function call each).
TRENDS = {
    "shame_trend": ("shame_score", "trend_percentage_of(g.shame_score, g.previous_shame_score)"),
    "wait_trend": ("avg_wait_minutes",
                   "trend_percentage_of(g.avg_wait_minutes, g.previous_avg_wait_minutes)"),
}

#: What each endpoint reads (each stored-function call costs a few microseconds per park).
DOWNTIME = ("sample_count", "shame_score", "total_downtime_hours", "weighted_downtime_hours",
            "uptime_percentage", "rides_down", "shame_trend")
WAITS = ("sample_count", "avg_wait_minutes", "peak_wait_minutes", "rides_reporting",
         "wait_trend")


def _select_lists(fields) -> tuple[str, str]:
    """(metrics of the grouped query, trends of the outer query) for the fields asked."""
    wanted = set(fields)
    for name in fields:
        if name in TRENDS:
            base = TRENDS[name][0]
            wanted |= {base, f"previous_{base}"}
    inner = [f"{expr} AS {name}" for name, expr in METRICS.items() if name in wanted]
    outer = [f"{TRENDS[name][1]} AS {name}" for name in TRENDS if name in wanted]
    return ",\n       ".join(inner), "".join(f", {t}" for t in outer)


PARK_FILTER = "(%s = 0 OR p.is_disney = 1 OR p.is_universal = 1)"


@dataclass(frozen=True)
class YearRows:
    """The yearly rows of a year that hold days: how many, oldest and newest last day."""

    count: int
    oldest_last: date | None
    newest_last: date | None


@dataclass(frozen=True)
class Dirty:
    """Buckets waiting in aggregation_queue (late data, failures): their rows are stale."""

    hours: frozenset = frozenset()  # UTC hours
    days: frozenset = frozenset()  # local dates
    years: frozenset = frozenset()


@dataclass(frozen=True)
class Watermarks:
    hourly: datetime | None  # first UTC hour not aggregated
    daily: date | None  # first local date not aggregated
    total_parks: int  # active parks of the filter
    all_parks: int  # every park, active or not
    years: dict[int, YearRows]
    queued: int = 0  # rows in aggregation_queue
    routines: str = ""  # changes whenever the routines are re-installed (routine_versions)
    newest_snapshot: datetime | None = None  # the newest recorded_at of park_snapshots


def read_watermarks(db: Database, disney_universal: bool, years=()) -> Watermarks:
    """The state a period query is planned from, in one round trip."""
    sql = ("SELECT (SELECT done_through FROM aggregation_watermarks WHERE level = 'hourly') AS h, "
           "(SELECT done_through FROM aggregation_watermarks WHERE level = 'daily') AS d, "
           "(SELECT COUNT(*) FROM parks p WHERE p.is_active = 1 AND " + PARK_FILTER + ") AS n, "
           "(SELECT COUNT(*) FROM parks) AS n_all, "
           "(SELECT COUNT(*) FROM aggregation_queue) AS q, "
           "(SELECT CONCAT(COUNT(*), '/', COALESCE(SUM(version), 0), '/', "
           "COALESCE(MAX(installed_at), '')) FROM routine_versions) AS rv, "
           "(SELECT MAX(recorded_at) FROM park_snapshots) AS newest")
    params: list = [int(disney_universal)]
    for i, year in enumerate(years):
        sql += "".join(
            f", (SELECT {fn} FROM yearly_park_stats WHERE year = %s "
            f"AND first_stat_date IS NOT NULL) AS y{i}_{name}"
            for fn, name in (("COUNT(*)", "count"), ("MIN(last_stat_date)", "oldest"),
                             ("MAX(last_stat_date)", "newest")))
        params += [year] * 3
    row = db.query(sql, params)[0]
    daily = row["d"].date() if row["d"] is not None else None
    return Watermarks(row["h"], daily, int(row["n"]), int(row["n_all"]), {
        year: YearRows(int(row[f"y{i}_count"]), row[f"y{i}_oldest"], row[f"y{i}_newest"])
        for i, year in enumerate(years)}, int(row["q"]), row["rv"], row["newest"])


def read_dirty(db: Database, calendar: Calendar) -> Dirty:
    """The queued buckets, with the days and years their rows make stale."""
    hours, days, years = set(), set(), set()
    for row in db.query("SELECT level, period_start FROM aggregation_queue"):
        start = row["period_start"]
        if row["level"] == "hourly":
            hours.add(start)
            days.add(calendar.day_containing(start).local_date)
        elif row["level"] == "daily":
            days.add(start.date())
        else:
            years.add(start.year)
    years |= {day.year for day in days}
    return Dirty(frozenset(hours), frozenset(days), frozenset(years))


def _whole_weeks(first: date, end: date, bad_days) -> list[date]:
    """Sundays of the whole Sunday-Saturday weeks inside [first, end) with no bad day."""
    week = first + timedelta(days=(6 - first.weekday()) % 7)
    weeks = []
    while week + timedelta(days=7) <= end:
        if not any(week <= d < week + timedelta(days=7) for d in bad_days):
            weeks.append(week)
        week += timedelta(days=7)
    return weeks


def _days_segments(k: int, first: date, end: date, bad_days) -> list[tuple[str, list]]:
    """The local days [first, end) minus bad days: whole clean weeks from weekly rows,
    the other days from daily rows."""
    weeks = _whole_weeks(first, end, bad_days)
    out: list[tuple[str, list]] = []
    day_ranges: list[tuple[date, date]] = []
    cursor = first
    for week in weeks:
        if week > cursor:
            day_ranges.append((cursor, week))
        cursor = week + timedelta(days=7)
    if end > cursor:
        day_ranges.append((cursor, end))
    if weeks:
        out.append((WEEKLY_IN.format(weeks=", ".join(["%s"] * len(weeks))), [k, *weeks]))
    if day_ranges:
        excluded = [d for d in bad_days if any(a <= d < b for a, b in day_ranges)]
        if len(day_ranges) == 1 and not excluded:
            out.append((DAILY, [k, *day_ranges[0]]))
        else:
            where, params = _ranges("d.stat_date", day_ranges, excluded)
            out.append((DAILY_WHERE.format(where=where), [k, *params]))
    return out


def _segments(k: int, span: Span, marks: Watermarks, calendar: Calendar, now: datetime,
              use_yearly: bool, dirty: Dirty) -> list[tuple[str, list]]:
    """The disjoint sources of one span, as (SQL, params).

    Days before the daily watermark come from the aggregates; rows of queued
    (dirty or failed) buckets are stale: a dirty year is read from its days, a
    dirty day from its hours, a dirty hour from its raw snapshots. Days from
    the watermark on come from their running rows, which hold every snapshot of
    the day; for the day that ``now`` cuts (today), only when no snapshot is
    newer than now, else from hours and raw snapshots up to now.
    """
    end = min(span.utc_end, now + timedelta(seconds=1))  # snapshots up to now included
    if end <= span.utc_start:
        return []
    today = calendar.day_containing(now).local_date
    day_end = min(span.end_date, marks.daily or span.first_date, max(today, span.first_date))
    day_end = max(day_end, span.first_date)
    out: list[tuple[str, list]] = []
    hour_ranges: list[tuple[datetime, datetime]] = []
    if span.year is not None:
        out.append((YEARLY_FLAG, [k, span.year]))
    bad_days = sorted(d for d in dirty.days if span.first_date <= d < day_end)
    if day_end > span.first_date:
        rows = marks.years.get(span.year) if span.year is not None else None
        if use_yearly and rows is not None and rows.count and span.year not in dirty.years:
            out.append((YEARLY, [k, span.year, day_end]))
            out.append((DAILY_AFTER_YEARLY, [k, span.year, day_end, rows.oldest_last, day_end]))
            if rows.count < marks.all_parks or rows.newest_last >= day_end:
                out.append((DAILY_WITHOUT_YEARLY,
                            [k, span.first_date, day_end, span.year, day_end]))
        else:
            out += _days_segments(k, span.first_date, day_end, bad_days)
    # The days not aggregated yet: [day_end, running_end) from running rows.
    cut = end < span.utc_end  # now falls inside the span's last day: today
    last = today if cut else span.end_date - timedelta(days=1)
    running_end = last + timedelta(days=1)
    if cut and marks.newest_snapshot is not None and marks.newest_snapshot >= end:
        running_end = last  # a snapshot after now: that day from hours and raw
    running_end = max(running_end, day_end)
    if running_end > day_end:
        out.append((RUNNING, [k, day_end, running_end]))
    known = calendar.days(running_end, *bad_days)
    hour_ranges += [(known[d].utc_start, known[d].utc_end) for d in bad_days]
    hour_start = known[running_end].utc_start
    hour_end = (max(min(end, marks.hourly), hour_start) if marks.hourly is not None
                else hour_start)
    if hour_end > hour_start:
        hour_ranges.append((hour_start, hour_end))
    bad_hours = sorted(h for h in dirty.hours if any(a <= h < b for a, b in hour_ranges))
    if hour_ranges:
        where, params = _ranges("h.hour_start_utc", hour_ranges, bad_hours)
        out.append((HOURLY.format(where=where), [k, *params]))
    raw_ranges = [(h, h + timedelta(hours=1)) for h in bad_hours]
    raw_start = max(hour_start, hour_end)
    if end > raw_start:
        raw_ranges.append((raw_start, end))
    if raw_ranges:
        where, params = _ranges("s.recorded_at", raw_ranges)
        out.append((RAW.format(where=where), [k, *params]))
    return out


def period_rows(db: Database, calendar: Calendar, *, now: datetime, interval: int,
                disney_universal: bool, current: Span | None, previous: Span | None,
                live_window: timedelta, with_open_flag: bool, fields=DOWNTIME + WAITS,
                marks: Watermarks | None = None) -> tuple[list[dict], Watermarks]:
    """Per park (of the filter, with any row in either span): metrics of both spans.

    ``current`` None means live: each park's latest snapshot in the live window.
    """
    years = [span.year for span in (current, previous) if span is not None and span.year]
    marks = marks or read_watermarks(db, disney_universal, years)
    dirty = read_dirty(db, calendar) if marks.queued else Dirty()
    segments: list[tuple[str, list]] = []
    if current is None:
        segments.append((LIVE, [0, now - live_window, now]))
    else:
        segments += _segments(0, current, marks, calendar, now, use_yearly=True, dirty=dirty)
    if previous is not None:
        segments += _segments(1, previous, marks, calendar, now, use_yearly=True, dirty=dirty)
    if not segments:
        return [], marks
    union, union_params = _sources(segments)
    metrics, trends = _select_lists(fields)
    params: list = [interval] * metrics.count("%s")
    # The grouped query is materialised, so each metric function runs once per park.
    sql = (f"SELECT g.*{trends}{OPEN_FLAG if with_open_flag else ''} FROM (\n"
           f"SELECT p.park_id, p.name AS park_name, p.city, p.state_province, p.country,"
           f"\n       {metrics}\n"
           f"FROM (\n  {union}\n) u JOIN parks p ON p.park_id = u.park_id\n"
           f"WHERE {PARK_FILTER}\n"
           "GROUP BY p.park_id, p.name, p.city, p.state_province, p.country\n) g")
    if with_open_flag:
        params = [now - live_window, now] + params
    params += union_params
    params.append(int(disney_universal))
    return db.query(sql, params), marks


# ---------------------------------------------------------------------------
# Rankings: ranked and limited in SQL, metrics computed only where needed.

def _sum_column(k: int, measure: str) -> str:
    """The per-park column holding a measure of period k in the grouped query."""
    return f"{'c' if k == 0 else 'p'}_{measure}"


def _grouped_columns(columns, two_periods: bool) -> str:
    """Per park: the measure columns asked for (c_<measure>: period 0, p_<measure>:
    period 1) summed (maxima: MAX) over the sources."""
    out = []
    for column in columns:
        k, m = (0 if column.startswith("c_") else 1), column[2:]
        if two_periods:
            agg = _max(k, m) if m in MAXIMA + ("complete",) else _sum(k, m)
        else:
            agg = f"MAX(u.{m})" if m in MAXIMA + ("complete",) else f"SUM(u.{m})"
        out.append(f"{agg} AS {column}")
    return ",\n       ".join(out)


def _metric(name: str, alias: str) -> str:
    """SQL of a metric (or previous_<metric>) over the summed columns of ``alias``
    (the alias "" means the aggregates themselves, in the grouped query); %s
    placeholders stand for the snapshot interval."""
    k, base = (1, name[len("previous_"):]) if name.startswith("previous_") else (0, name)
    return _metric_sql(base, lambda m: f"{alias}.{_sum_column(k, m)}")


def _columns_of(sql: str) -> list[str]:
    return re.findall(r"\.([cp]_[a-z_]+)", sql)


@dataclass(frozen=True)
class Ranking:
    """How a ranking is listed and ordered.

    ``filter_on`` (a metric) must be non-NULL, and, when ``positive``, above 0
    once rounded to ``places`` decimals (as shown), for a park to be listed;
    parks are ordered by ``sort_on`` (descending, NULL as 0; or ascending with
    NULL last), then park_id.
    """

    filter_on: str
    sort_on: str
    descending: bool = True
    positive: bool = False
    places: int = 1
    totals: bool = False  # parks_tracked and all_downtime_hours over all parks


def _sources(segments, needed=MEASURES) -> tuple[str, list]:
    """The UNION ALL of the sources, with only the ``needed`` measures (the others
    NULL), and its parameters. A single source is not wrapped in a UNION: read as
    stored rows, the server then merges it into the query that sums it."""
    def render(sql: str) -> str:
        return _MEASURES_MARK.sub(lambda m: _measures(m.group(1), m.group(2), needed), sql)

    union = "\n  UNION ALL\n  ".join(render(sql) for sql, _ in segments)
    params: list = []
    for _, segment_params in segments:
        params += segment_params
    return union, params


class PlanCache:
    """The state a period query is planned from (watermarks, queued buckets, the
    newest snapshot, the routines' version), kept in process for ``seconds``
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
    today; and rows that retention purged meanwhile could be needed by an old
    watermark only if aggregation lagged the retention horizon (90 days), which
    health reports long before. Keep ``seconds`` short (1-2).
    """

    def __init__(self, seconds: float):
        self.seconds = float(seconds)
        self.formulas = Formulas()
        self._entries: dict[tuple, tuple[float, Watermarks, Dirty]] = {}
        self._lock = threading.Lock()

    def get(self, db: Database, calendar: Calendar, disney_universal: bool,
            years) -> tuple[Watermarks, Dirty]:
        key = (disney_universal, tuple(years))
        if self.seconds > 0:
            entry = self._entries.get(key)
            if entry is not None and time.monotonic() - entry[0] < self.seconds:
                return entry[1], entry[2]
        read_at = time.monotonic()
        marks = read_watermarks(db, disney_universal, years)
        dirty = read_dirty(db, calendar) if marks.queued else Dirty()
        if self.seconds > 0:
            with self._lock:
                if len(self._entries) > 256:
                    self._entries.clear()
                self._entries[key] = (read_at, marks, dirty)
        return marks, dirty


def ranked_rows(db: Database, calendar: Calendar, *, now: datetime, interval: int,
                disney_universal: bool, current: Span | None, previous: Span | None,
                live_window: timedelta, with_open_flag: bool, ranking: Ranking, fields,
                limit: int, plans: PlanCache | None = None) -> tuple[list[dict], Watermarks]:
    """The first ``limit`` listed parks of a ranking, in order, with ``fields``.

    One statement. Its inner SELECT sums per park the measures needed over the
    sources (the UNION ALL), computes the filter and sort metrics once per park,
    orders and limits; the outer one computes the other fields for those rows
    only and joins the parks' names. With ``ranking.totals``, every row also
    carries ``parks_tracked`` (parks of the filter with a snapshot in the period)
    and ``all_downtime_hours`` (their downtime), computed over all parks before
    the limit (window functions); unlisted rows (``listed`` 0) may then come
    after the listed ones, so that the totals come back even when no park is
    listed. Without it only listed rows come back.
    """
    years = [span.year for span in (current, previous) if span is not None and span.year]
    plans = plans or PlanCache(0)
    marks, dirty = plans.get(db, calendar, disney_universal, years)
    segments: list[tuple[str, list]] = []
    if current is None:
        segments.append((LIVE, [0, now - live_window, now]))
    else:
        segments += _segments(0, current, marks, calendar, now, use_yearly=True, dirty=dirty)
    two_periods = any(name in TRENDS or name.startswith("previous_") for name in fields)
    if previous is not None and two_periods:
        segments += _segments(1, previous, marks, calendar, now, use_yearly=True, dirty=dirty)
    if not segments:
        return [], marks

    # The outer fields, over the inner query's columns (alias g).
    keyed = list(dict.fromkeys([ranking.filter_on, ranking.sort_on]))
    select = []
    for name in fields:
        if name in keyed:
            select.append(f"g.{name}")
        elif name in TRENDS:
            base = TRENDS[name][0]
            now_sql = f"g.{base}" if base in keyed else _metric(base, "g")
            select.append(f"trend_percentage_of({now_sql}, {_metric('previous_' + base, 'g')})"
                          f" AS {name}")
        else:
            select.append(f"{_metric(name, 'g')} AS {name}")
    if ranking.totals:
        select.append("downtime_hours_of(g.all_down_samples, %s) AS all_downtime_hours")
        select.append("g.parks_tracked")
    outer_sql = ", ".join(select)
    outer_params = [interval] * outer_sql.count("%s")
    open_flag = ""
    if with_open_flag:
        open_flag = OPEN_FLAG
        outer_params += [now - live_window, now]

    # The inner query: sums per park, keys once per park, ordered and limited.
    keys = {name: _metric(name, "") for name in keyed}
    columns = _columns_of(outer_sql + " ".join(keys.values()))
    if ranking.totals:
        columns += ["c_sample_count", "c_down_samples"]
    columns = list(dict.fromkeys(columns))
    # The sources sum only the measures used (the others are NULL in the UNION).
    needed = {column[2:] for column in columns}
    union, union_params = _sources(segments, needed)
    # In the grouped query a metric reads the aggregates directly.
    aggregates = {c: a.split(" AS ")[0] for c, a in zip(
        columns, _grouped_columns(columns, two_periods).split(",\n       "), strict=True)}
    key_sql = []
    for name, expr in keys.items():
        for column in _columns_of(expr):
            expr = expr.replace(f".{column}", aggregates[column], 1)
        key_sql.append(f"{expr} AS {name}")
    key_text = ", ".join(key_sql)
    key_params = [interval] * key_text.count("%s")
    listed = f"k.{ranking.filter_on} IS NOT NULL"
    if ranking.positive:
        listed = f"({listed} AND ROUND(k.{ranking.filter_on}, {ranking.places}) > 0)"
    if ranking.descending:
        order = f"COALESCE(k.{ranking.sort_on}, 0) DESC"
    else:
        order = f"k.{ranking.sort_on} IS NULL, k.{ranking.sort_on}"
    totals, where = "", f"WHERE {listed}\n"
    if ranking.totals:
        where = ""
        totals = (", SUM(CASE WHEN k.c_sample_count > 0 THEN 1 ELSE 0 END) OVER () "
                  "AS parks_tracked, SUM(k.c_down_samples) OVER () AS all_down_samples")
    # Level k (grouped, so materialised): each key metric runs once per park.
    grouped = (f"SELECT u.park_id, {_grouped_columns(columns, two_periods)},\n"
               f"       {key_text}\n"
               f"FROM (\n  {union}\n) u JOIN parks p ON p.park_id = u.park_id\n"
               f"WHERE {PARK_FILTER}\nGROUP BY u.park_id")
    inner = (f"SELECT k.*, {listed} AS listed{totals}\nFROM (\n{grouped}\n) k\n{where}"
             f"ORDER BY {listed} DESC, {order}, k.park_id LIMIT %s")
    inner_params = key_params + union_params + [int(disney_universal), limit]
    outer_order = f"g.listed DESC, {order.replace('k.', 'g.')}"
    sql = (f"SELECT g.park_id, p.name AS park_name, p.city, p.state_province, p.country, "
           f"g.listed, {outer_sql}{open_flag}\nFROM (\n{inner}\n) g "
           f"JOIN parks p ON p.park_id = g.park_id\nORDER BY {outer_order}, g.park_id")
    # The metric function calls are expanded in place (webapi.formulas).
    sql = plans.formulas.expand(db, sql, marks.routines)
    return db.query(sql, outer_params + inner_params), marks
