"""Time series of parks and rides: a metric per entity and time bucket, and the worst
entities of a period, for the charts, heatmaps and detail pages.

A bucket is a 5-minute point (``minutes``), a UTC hour (``hourly``) or a local
day (``daily``). Minutes are read from raw rows (the live window and today are
always kept raw). Hours and days are planned by ``spans.plan_span`` like any
period: an hourly axis is planned as if no day were aggregated, so that it
reads hourly rows and the raw tail; a daily axis reads daily rows, stale days
from their hours and the tail from snapshots, each hour and snapshot put in its
local day through ``calendar_days``. The metrics are those of ``metrics`` (the
stored functions, expanded in place by ``webapi.formulas``), over the measures
summed per entity and bucket, so a bucket is exact whatever level it came from.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from webapi.db import Database
from webapi.periods import Span
from webapi.query.binds import Binds
from webapi.query.metrics import metric_sql
from webapi.query.render import _in_ranges, measures, park_filter, sources, summed
from webapi.query.spans import LocalDays, Progress, Read, plan_span
from webapi.query.state import PlanCache
from webapi.query.vocabulary import PARKS, Entity, Level

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)

@dataclass(frozen=True)
class Axis:
    """The buckets of a chart: keys in order (naive UTC datetimes for minutes and
    hours, local dates for days) over [start, end)."""

    granularity: str  # "minutes", "hourly" or "daily"
    start: datetime
    end: datetime  # exclusive: the span's end, or just after now
    buckets: tuple
    span: Span | None = None  # planned (hours, days); None: minutes, read raw
    step_minutes: int = 0  # minutes: the snapshot interval


def minutes_axis(start: datetime, now: datetime, interval: int) -> Axis:
    """5-minute points from ``start`` (a whole interval) up to ``now`` included."""
    end = now + timedelta(seconds=1)
    step = timedelta(minutes=interval)
    points, t = [], start
    while t < end:
        points.append(t)
        t += step
    return Axis("minutes", start, end, tuple(points), step_minutes=interval)


def hourly_axis(span: Span, now: datetime) -> Axis:
    end = min(span.utc_end, now + timedelta(seconds=1))
    hours, t = [], span.utc_start
    while t < end:
        hours.append(t)
        t += HOUR
    return Axis("hourly", span.utc_start, end, tuple(hours), span)


def daily_axis(span: Span, days: LocalDays, now: datetime) -> Axis:
    last = min(span.end_date, days.local_date(now) + DAY)
    dates, d = [], span.first_date
    while d < last:
        dates.append(d)
        d += DAY
    return Axis("daily", span.utc_start, min(span.utc_end, now + timedelta(seconds=1)),
                tuple(dates), span)


def floor_to(instant: datetime, minutes: int) -> datetime:
    """``instant`` down to a whole multiple of ``minutes`` past the hour."""
    return instant.replace(minute=instant.minute - instant.minute % minutes, second=0,
                           microsecond=0)


@dataclass(frozen=True)
class Scope:
    """Which entities' rows are read: ``column`` (the entity key, or park_id) in ``ids``."""

    column: str
    ids: tuple[int, ...]


def _reads(entity: Entity, axis: Axis, days: LocalDays, now: datetime,
           progress: Progress) -> list[Read]:
    if axis.span is None:
        return [Read(Level.RAW, ((axis.start, axis.end),))]
    levels = entity.levels & {Level.DAILY, Level.HOURLY, Level.RAW}
    if axis.granularity == "hourly":
        # As if no day were aggregated: every hour from hourly rows or raw ones.
        progress = dataclasses.replace(progress, daily=None)
    return plan_span(axis.span, now=now, progress=progress, levels=levels, days=days)


def _bucket_sources(b: Binds, entity: Entity, axis: Axis, reads: list[Read], scope: Scope,
                    needed) -> list[str]:
    """One source per read: the entity key, ``bucket`` and the measures, per bucket.

    ``bucket`` is the bucket's index on the axis (``axis.buckets[bucket]``), an
    integer the server computes from the row's time: the driver reads it far faster
    than a DATETIME (today's park ride chart, 5,880 points: 64 -> 38 ms)."""
    out = []
    origin = b("origin", axis.start)
    first_day = b("first_day", axis.span.first_date) if axis.granularity == "daily" else None
    for i, read in enumerate(reads):
        rb = b.scope(f"{read.level.value}{i}_")
        a = {Level.DAILY: "d", Level.HOURLY: "h", Level.RAW: "s"}[read.level]
        column = {Level.DAILY: "stat_date", Level.HOURLY: "hour_start_utc",
                  Level.RAW: "recorded_at"}[read.level]
        time = f"{a}.{column}"
        join = ""
        if read.level is Level.DAILY:
            bucket = f"DATEDIFF({time}, {first_day})"
        elif axis.granularity == "daily":  # an hour or snapshot in its local day
            join = (f" JOIN calendar_days c ON {time} >= c.utc_start AND {time} < c.utc_end "
                    f"AND c.local_date >= {rb('cal_first', axis.span.first_date)} "
                    f"AND c.local_date < {rb('cal_end', axis.span.end_date)}")
            bucket = f"DATEDIFF(c.local_date, {first_day})"
        elif axis.granularity == "hourly":  # an hourly row, or a snapshot in its hour
            bucket = f"TIMESTAMPDIFF(HOUR, {origin}, {time})"
        else:
            bucket = f"TIMESTAMPDIFF(MINUTE, {origin}, {time}) DIV {b('step', axis.step_minutes)}"
        where = (f"{_in_ranges(rb, time, read.ranges, read.skipped)} "
                 f"AND {a}.{scope.column} IN ({rb.each('id', scope.ids)})")
        if read.level is Level.RAW and entity.raw_own_time:
            where += f" AND {_in_ranges(rb, f'{a}.{entity.raw_own_time}', read.ranges)}"
        how = "raw" if read.level is Level.RAW else "row"
        group = f" GROUP BY {a}.{entity.key}, bucket" if how == "raw" else ""
        columns = ", ".join([f"{a}.{entity.key}", f"{bucket} AS bucket",
                             *measures(entity, a, how, needed)])
        out.append(f"SELECT {columns} "
                   f"FROM {entity.tables[read.level]} {a}{join} WHERE {where}{group}")
    return out


@dataclass
class Series:
    """What ``series()`` reads, by entity (its key), on an axis of ``length`` buckets.

    ``values[entity][column]``: the column's value in each bucket, in axis order
    (Decimal; None where the bucket has no row or the value is NULL), for entities
    with a row in at least one bucket; ``buckets[entity]``: the indexes of its buckets
    with a row, ascending; ``totals[entity][column]``: with totals, the column over
    the whole axis (every entity in scope with a row)."""

    length: int
    values: dict = dataclasses.field(default_factory=dict)
    buckets: dict = dataclasses.field(default_factory=dict)
    totals: dict = dataclasses.field(default_factory=dict)

    def of(self, entity: int, column: str) -> list:
        """The column's value in each bucket for ``entity`` (all None without rows)."""
        columns = self.values.get(entity)
        return columns[column] if columns else [None] * self.length

    def points(self, entity: int) -> list[tuple[int, dict]]:
        """(bucket index, {column: value}) of each bucket of ``entity`` with a row."""
        columns = self.values.get(entity, {})
        return [(i, {name: values[i] for name, values in columns.items()})
                for i in self.buckets.get(entity, ())]


Column = Callable[[Callable[[str], str], str], str]  # (summed measure, interval) -> SQL


def metric(name: str) -> Column:
    """A metric of ``metrics`` as a series column."""
    return lambda m, iv: metric_sql(name, m, iv)


def measure(name: str) -> Column:
    """A summed measure itself as a series column."""
    return lambda m, iv: m(name)


def _used(columns: dict[str, Column]) -> set[str]:
    """The measures the columns read."""
    seen: set[str] = set()

    def spy(name: str) -> str:
        seen.add(name)
        return name

    for column in columns.values():
        column(spy, "0")
    return seen


def series(db: Database, days: LocalDays, plans: PlanCache, entity: Entity, axis: Axis, *,
           now: datetime, interval: int, scope: Scope, columns: dict[str, Column],
           totals: bool = False) -> Series:
    """The columns of the entities in ``scope`` in each bucket of ``axis`` (``Series``);
    with ``totals``, also each entity's columns over the whole axis (ROLLUP of the same
    sums). One statement."""
    if not scope.ids or not axis.buckets:
        return Series(len(axis.buckets))
    state = plans.get(db, days, False, ())
    b = Binds()
    iv = b("interval", interval)
    reads = _reads(entity, axis, days, now, state.progress)
    union = "\n  UNION ALL\n  ".join(_bucket_sources(b, entity, axis, reads, scope,
                                                     _used(columns)))
    if not union:
        return Series(len(axis.buckets))
    key, names = entity.key, list(columns)
    # One source with a row per entity and bucket needs no second GROUP BY: its
    # rows are the sums (today's park ride chart: 19 -> 15.5 ms of statement).
    once = not totals and len(reads) == 1 and _one_row_per_bucket(reads[0], axis)

    def measure_sql(m: str) -> str:
        return f"u.{m}" if once else summed(entity, m)

    select = ", ".join(f"{column(measure_sql, iv)} AS {name}"
                       for name, column in columns.items())
    group = "" if once else f"\nGROUP BY u.{key}, u.bucket{' WITH ROLLUP' if totals else ''}"
    # Summed per entity and bucket (and per entity: ROLLUP, bucket NULL), then one row
    # per entity: its points as one text ("bucket value value ...", comma-separated;
    # GROUP_CONCAT skips the totals' row, whose bucket is NULL) and its totals. The
    # driver reads a row far slower than the text of a point: today's park ride
    # chart (40 rides x 147 points) 33.7 -> 14.1 ms for the statement.
    point = ", ' ', ".join(["z.bucket", *(f"COALESCE(z.{n}, '-')" for n in names)])
    total = "".join(f", MAX(CASE WHEN z.bucket IS NULL THEN z.{n} END) AS {n}"
                    for n in names) if totals else ""
    sql = (f"SELECT z.{key}, COUNT(z.bucket) AS points, "
           f"GROUP_CONCAT({point} ORDER BY z.bucket SEPARATOR ',') AS series{total}\n"
           f"FROM (\nSELECT u.{key}, u.bucket, {select}\nFROM (\n  {union}\n) u{group}\n) z\n"
           # ROLLUP adds a grand total row (key NULL) that no caller wants.
           f"WHERE z.{key} IS NOT NULL\nGROUP BY z.{key}")
    found = db.query(plans.formulas.expand(db, sql, state.routines), b.values)
    return _series_of_points(found, key, names, totals, len(axis.buckets))


def _one_row_per_bucket(read: Read, axis: Axis) -> bool:
    """Whether ``read``'s source (``_bucket_sources``) has at most one row per entity
    and bucket: raw rows, grouped per bucket, or stored rows of the axis' own
    granularity (daily rows on a daily axis, hourly rows on an hourly one)."""
    own = {"daily": Level.DAILY, "hourly": Level.HOURLY}.get(axis.granularity)
    return read.level is Level.RAW or read.level is own


def _series_of_points(found: list[dict], key: str, names: list[str], totals: bool,
                      length: int) -> Series:
    """series()'s answer from one row per entity (its points as text, the totals as
    columns) on an axis of ``length`` buckets; the columns as Decimal, or None.
    RuntimeError naming the entity when its text holds fewer points than it counted
    (cut at the session's group_concat_max_len)."""
    out = Series(length)
    width = len(names) + 1  # a point: its bucket, then each column's value
    for entity in found:
        # Split once into [bucket, value, ..., bucket, value, ...] and read column by
        # column (today's park ride chart reads 5,880 points: 8.5 -> 2.8 ms).
        flat = entity["series"].replace(",", " ").split(" ") if entity["series"] else []
        if len(flat) != entity["points"] * width:
            raise RuntimeError(f"the series of {key} {entity[key]} was cut: "
                               f"{len(flat) // width} of {entity['points']} points read "
                               "(group_concat_max_len)")
        indexes = [int(bucket) for bucket in flat[0::width]]
        present = [index for index in indexes if 0 <= index < length]
        if present:
            columns = {}
            for offset, name in enumerate(names, start=1):
                column = columns[name] = [None] * length
                for index, value in zip(indexes, flat[offset::width], strict=True):
                    if value != "-" and 0 <= index < length:
                        column[index] = Decimal(value)
            out.values[entity[key]] = columns
            out.buckets[entity[key]] = present
        if totals:
            out.totals[entity[key]] = {name: entity[name] for name in names}
    return out


@dataclass(frozen=True)
class Worst:
    """How the worst entities are chosen: by ``metric`` descending, listed when not
    NULL and, with ``positive``, above 0 once rounded to ``places`` decimals."""

    metric: str
    positive: bool = False
    places: int = 1


def worst(db: Database, days: LocalDays, plans: PlanCache, entity: Entity, *, span: Span | None,
          now: datetime, interval: int, disney_universal: bool, choice: Worst, limit: int,
          live_window: timedelta) -> list[dict]:
    """The first ``limit`` entities of the filter by ``choice`` over ``span`` (None: live,
    each entity's latest snapshot in the live window): key, ``value``, names. One
    statement over the planned sources (as a ranking)."""
    state = plans.get(db, days, disney_universal, ())
    b = Binds()
    iv = b("interval", interval)
    value = metric_sql(choice.metric, lambda m: summed(entity, m), iv)
    union = sources(b, entity, days, now=now, progress=state.progress,
                    all_entities=state.all_parks, current=span, previous=None,
                    needed=_used({"value": metric(choice.metric)}), live_window=live_window)
    if union is None:
        return []
    listed = "k.value IS NOT NULL"
    if choice.positive:
        listed += f" AND ROUND(k.value, {int(choice.places)}) > 0"
    names = "p.park_id, p.name AS park_name, p.city, p.state_province, p.country"
    if entity is not PARKS:
        names += ", r.name AS ride_name, r.tier"
    # Summed per entity first, then joined once per entity (the filter needs the park),
    # listed and limited; outer: names.
    sql = (f"SELECT g.entity_id, g.value, {names}\nFROM (\n"
           f"SELECT k.entity_id, k.value\nFROM (\n"
           f"SELECT u.{entity.key} AS entity_id, {value} AS value\n"
           f"FROM (\n  {union}\n) u\nGROUP BY u.{entity.key}\n"
           f") k {joined(entity, 'k', 'entity_id')}\n"
           f"WHERE {park_filter(b, disney_universal)} AND {listed}\n"
           f"ORDER BY k.value DESC, k.entity_id LIMIT {b('limit', limit)}\n"
           f") g {joined(entity, 'g', 'entity_id')}\nORDER BY g.value DESC, g.entity_id")
    return db.query(plans.formulas.expand(db, sql, state.routines), b.values)


def joined(entity: Entity, alias: str, column: str | None = None) -> str:
    """The joins of ``alias``'s entity ids to their names and park (p; rides: r)."""
    column = column or entity.key
    if entity is PARKS:
        return f"JOIN parks p ON p.park_id = {alias}.{column}"
    return (f"JOIN rides r ON r.ride_id = {alias}.{column} "
            "JOIN parks p ON p.park_id = r.park_id")
