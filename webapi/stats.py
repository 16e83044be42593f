"""Period figures per park: one SELECT over the coarsest rows that cover a period.

A span [start, end) is answered from (per park, summed):

* ``yearly_park_stats`` for a whole calendar year, when the row's days
  (first_stat_date..last_stat_date) are all before the daily watermark;
* ``daily_park_stats`` for whole local days before the daily watermark
  (minus the days a yearly row already holds);
* ``hourly_park_stats`` for the hours after those days and before the
  hourly watermark;
* raw ``park_snapshots`` for the rest, up to now.

The sources are disjoint in time, so the sums and counts of a span are
exactly those of its snapshots. The metrics are computed once, by the stored
functions ``shame_score_of``, ``uptime_percentage_of``, ``downtime_hours_of``,
``avg_wait_of``, ``rides_reporting_of`` and ``trend_percentage_of``, over the
sums (k = 0: the period asked for, k = 1: the previous period, for trends).

SQL text is assembled only from the fixed fragments below; every value
(dates, park filter, interval) is a bound parameter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from webapi.calendar import Calendar
from webapi.db import Database
from webapi.periods import Span

MEASURES = ("sample_count", "open_sample_count", "shame_sum", "shame_count", "wait_sum",
            "wait_count", "peak_wait_minutes", "down_samples", "weighted_down_samples",
            "operating_samples", "max_rides_down")
STORED = ", ".join(MEASURES)

# Raw snapshots summed like the aggregation procedures do (SPEC section 5).
RAW_MEASURES = """
    COUNT(*), COALESCE(SUM(s.park_open), 0),
    COALESCE(SUM(CASE WHEN s.park_open = 1 THEN s.shame_score END), 0),
    COALESCE(SUM(s.park_open = 1 AND s.shame_score IS NOT NULL), 0),
    COALESCE(SUM(CASE WHEN s.park_open = 1 THEN s.avg_wait_minutes * s.rides_reporting END), 0),
    COALESCE(SUM(CASE WHEN s.park_open = 1 THEN s.rides_reporting END), 0),
    MAX(CASE WHEN s.park_open = 1 THEN s.peak_wait_minutes END),
    COALESCE(SUM(CASE WHEN s.park_open = 1 THEN s.rides_down END), 0),
    COALESCE(SUM(CASE WHEN s.park_open = 1 THEN s.weight_down END), 0),
    COALESCE(SUM(CASE WHEN s.park_open = 1 THEN s.rides_operating END), 0),
    MAX(CASE WHEN s.park_open = 1 THEN s.rides_down END),
    0, 0"""

YEARLY = (f"SELECT %s AS k, park_id, {STORED}, days_covered AS days, is_complete AS complete "
          "FROM yearly_park_stats WHERE year = %s AND first_stat_date IS NOT NULL "
          "AND last_stat_date < %s")
DAILY = (f"SELECT %s, park_id, {STORED}, 1, 0 FROM daily_park_stats "
         "WHERE stat_date >= %s AND stat_date < %s")
DAILY_BESIDE_YEARLY = (
    "SELECT %s, d.park_id, " + ", ".join(f"d.{m}" for m in MEASURES) + ", 1, 0 "
    "FROM daily_park_stats d LEFT JOIN yearly_park_stats y ON y.park_id = d.park_id "
    "AND y.year = %s AND y.first_stat_date IS NOT NULL AND y.last_stat_date < %s "
    "WHERE d.stat_date >= %s AND d.stat_date < %s AND (y.park_id IS NULL "
    "OR d.stat_date < y.first_stat_date OR d.stat_date > y.last_stat_date)")
# is_complete of the yearly row even when the row is not used for the sums.
YEARLY_FLAG = ("SELECT %s, park_id, " + ", ".join(["0"] * 6) + ", NULL, 0, 0, 0, NULL, 0, "
               "is_complete FROM yearly_park_stats WHERE year = %s")
HOURLY = (f"SELECT %s, park_id, {STORED}, 0, 0 FROM hourly_park_stats "
          "WHERE hour_start_utc >= %s AND hour_start_utc < %s")
RAW = (f"SELECT %s, s.park_id, {RAW_MEASURES} FROM park_snapshots s "
       "WHERE s.recorded_at >= %s AND s.recorded_at < %s GROUP BY s.park_id")
# Each park's latest snapshot in (start, end].
LATEST = ("SELECT ls.* FROM park_snapshots ls JOIN (SELECT park_id, MAX(recorded_at) AS at "
          "FROM park_snapshots WHERE recorded_at > %s AND recorded_at <= %s GROUP BY park_id) lm "
          "ON lm.park_id = ls.park_id AND lm.at = ls.recorded_at")
LIVE = f"SELECT %s, s.park_id, {RAW_MEASURES} FROM ({LATEST}) s GROUP BY s.park_id"


# A row-less first SELECT that names the columns of the UNION ALL.
HEADER = ("SELECT 0 AS k, 0 AS park_id, " + ", ".join(f"0 AS {m}" for m in MEASURES)
          + ", 0 AS days, 0 AS complete FROM DUAL WHERE 1 = 0")


def _sum(k: int, column: str) -> str:
    return f"SUM(CASE WHEN u.k = {k} THEN u.{column} END)"


def _max(k: int, column: str) -> str:
    return f"MAX(CASE WHEN u.k = {k} THEN u.{column} END)"


def _metrics(k: int) -> dict[str, str]:
    """Metric expressions of period k (0 = asked, 1 = previous); one %s = the interval."""
    return {
        "sample_count": f"COALESCE({_sum(k, 'sample_count')}, 0)",
        "open_sample_count": f"COALESCE({_sum(k, 'open_sample_count')}, 0)",
        "shame_score": f"shame_score_of({_sum(k, 'shame_sum')}, {_sum(k, 'shame_count')})",
        "total_downtime_hours": f"downtime_hours_of({_sum(k, 'down_samples')}, %s)",
        "weighted_downtime_hours": f"downtime_hours_of({_sum(k, 'weighted_down_samples')}, %s)",
        "uptime_percentage": (f"uptime_percentage_of({_sum(k, 'operating_samples')}, "
                              f"{_sum(k, 'down_samples')})"),
        "rides_down": _max(k, "max_rides_down"),
        "avg_wait_minutes": f"avg_wait_of({_sum(k, 'wait_sum')}, {_sum(k, 'wait_count')})",
        "peak_wait_minutes": _max(k, "peak_wait_minutes"),
        "rides_reporting": (f"rides_reporting_of({_sum(k, 'wait_count')}, "
                            f"{_sum(k, 'open_sample_count')})"),
        "days_covered": f"COALESCE({_sum(k, 'days')}, 0)",
        "is_complete": f"COALESCE({_max(k, 'complete')}, 0)",
    }


def _select_list() -> tuple[str, int]:
    """The outer SELECT list and how many interval parameters it holds."""
    now, before = _metrics(0), _metrics(1)
    parts = [f"{expr} AS {name}" for name, expr in now.items()]
    parts += [f"{before[name]} AS previous_{name}" for name in
              ("shame_score", "avg_wait_minutes", "uptime_percentage", "sample_count",
               "is_complete", "days_covered")]
    parts.append(f"trend_percentage_of({now['shame_score']}, {before['shame_score']}) "
                 "AS shame_trend")
    parts.append(f"trend_percentage_of({now['avg_wait_minutes']}, "
                 f"{before['avg_wait_minutes']}) AS wait_trend")
    text = ",\n       ".join(parts)
    return text, text.count("%s")


SELECT_LIST, SELECT_INTERVALS = _select_list()

PARK_FILTER = "(%s = 0 OR p.is_disney = 1 OR p.is_universal = 1)"


@dataclass(frozen=True)
class Watermarks:
    hourly: datetime | None  # first UTC hour not aggregated
    daily: date | None  # first local date not aggregated
    total_parks: int  # active parks of the filter


def read_watermarks(db: Database, disney_universal: bool) -> Watermarks:
    row = db.query(
        "SELECT (SELECT done_through FROM aggregation_watermarks WHERE level = 'hourly') AS h, "
        "(SELECT done_through FROM aggregation_watermarks WHERE level = 'daily') AS d, "
        "(SELECT COUNT(*) FROM parks p WHERE p.is_active = 1 AND " + PARK_FILTER + ") AS n",
        (int(disney_universal),))[0]
    daily = row["d"].date() if row["d"] is not None else None
    return Watermarks(row["h"], daily, int(row["n"]))


def _segments(k: int, span: Span, marks: Watermarks, calendar: Calendar, now: datetime,
              use_yearly: bool) -> list[tuple[str, list]]:
    """The disjoint sources of one span, as (SQL, params)."""
    end = min(span.utc_end, now + timedelta(seconds=1))  # snapshots up to now included
    if end <= span.utc_start:
        return []
    today = calendar.day_containing(now).local_date
    day_end = min(span.end_date, marks.daily or span.first_date, max(today, span.first_date))
    day_end = max(day_end, span.first_date)
    out: list[tuple[str, list]] = []
    if span.year is not None:
        out.append((YEARLY_FLAG, [k, span.year]))
    if day_end > span.first_date:
        if use_yearly and span.year is not None:
            out.append((YEARLY, [k, span.year, day_end]))
            out.append((DAILY_BESIDE_YEARLY, [k, span.year, day_end, span.first_date, day_end]))
        else:
            out.append((DAILY, [k, span.first_date, day_end]))
        hour_start = max(span.utc_start, calendar.days(day_end)[day_end].utc_start)
    else:
        hour_start = span.utc_start
    hour_end = min(end, marks.hourly) if marks.hourly is not None else hour_start
    if hour_end > hour_start:
        out.append((HOURLY, [k, hour_start, hour_end]))
    raw_start = max(hour_start, hour_end)
    if end > raw_start:
        out.append((RAW, [k, raw_start, end]))
    return out


def period_rows(db: Database, calendar: Calendar, *, now: datetime, interval: int,
                disney_universal: bool, current: Span | None, previous: Span | None,
                live_window: timedelta, with_open_flag: bool,
                marks: Watermarks | None = None) -> tuple[list[dict], Watermarks]:
    """Per park (of the filter, with any row in either span): metrics of both spans.

    ``current`` None means live: each park's latest snapshot in the live window.
    """
    marks = marks or read_watermarks(db, disney_universal)
    segments: list[tuple[str, list]] = []
    if current is None:
        segments.append((LIVE, [0, now - live_window, now]))
    else:
        segments += _segments(0, current, marks, calendar, now, use_yearly=True)
    if previous is not None:
        segments += _segments(1, previous, marks, calendar, now, use_yearly=True)
    if not segments:
        return [], marks
    union = "\n  UNION ALL\n  ".join([HEADER] + [sql for sql, _ in segments])
    params: list = [interval] * SELECT_INTERVALS
    open_join, open_select = "", "NULL AS park_is_open"
    if with_open_flag:
        open_select = "MAX(o.park_open) AS park_is_open"
        open_join = f"LEFT JOIN ({LATEST}) o ON o.park_id = p.park_id"
    sql = (f"SELECT p.park_id, p.name AS park_name, p.city, p.state_province, p.country, "
           f"{open_select},\n       {SELECT_LIST}\n"
           f"FROM (\n  {union}\n) u JOIN parks p ON p.park_id = u.park_id\n{open_join}\n"
           f"WHERE {PARK_FILTER}\n"
           "GROUP BY p.park_id, p.name, p.city, p.state_province, p.country")
    for _, segment_params in segments:
        params += segment_params
    if with_open_flag:
        params += [now - live_window, now]
    params.append(int(disney_universal))
    return db.query(sql, params), marks
