"""The planned reads as SQL: one UNION ALL of sources, each summing one level's rows.

Every source names its columns (k, the entity's key, the measures, days,
complete) so that any of them can come first in the UNION ALL; k is 0 for the
period asked for, 1 for the previous period (trends). A source sums only the
measures a statement needs; the others are NULL. SQL text is assembled from
the entity's fixed names; every value is a named parameter (``binds``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from webapi.periods import Span
from webapi.query.binds import Binds
from webapi.query.spans import LocalDays, Progress, Read, plan_span
from webapi.query.vocabulary import Entity, Level

# The alias of each level's rows in its source.
ALIAS = {Level.YEARLY: "y", Level.MONTHLY: "m", Level.WEEKLY: "w", Level.DAILY: "d",
         Level.RUNNING: "r", Level.HOURLY: "h", Level.RAW: "s"}
# The column a level's ranges bound.
BUCKET = {Level.DAILY: "stat_date", Level.RUNNING: "stat_date", Level.HOURLY: "hour_start_utc",
          Level.RAW: "recorded_at"}


def park_filter(b: Binds, disney_universal: bool) -> str:
    """Parks p of the filter: all, or Disney and Universal ones."""
    return f"({b('disney_universal', int(disney_universal))} = 0 OR p.is_disney = 1 " \
           "OR p.is_universal = 1)"


def measures(entity: Entity, alias: str, how: str, needed) -> list[str]:
    """A source's measure columns, named: only those ``needed``, in the entity's order
    (every source of a UNION is given the same ``needed``, so their columns match; a
    NULL column for every other measure widened each row the server materialises and
    groups: the year's ride downtime ranking, 3,728 rows, 6.4 -> 5.7 ms). ``how``:
    "row" reads stored rows as they are (one per entity and bucket, summed by the
    outer query), "sum" sums stored rows per entity (maxima: MAX), "raw" sums what
    each snapshot adds like aggregate_hours_range does, "snapshot" is what one
    snapshot adds (the "raw" sums of a single row), "none" is all NULL."""
    out = []
    for m in entity.measures:
        if m not in needed:
            continue
        if how == "none":
            expr = "NULL"
        elif how == "row" or (how == "snapshot" and m in entity.maxima):
            expr = f"{alias}.{m}"
        elif how == "snapshot":
            expr = "1" if m == "sample_count" else f"COALESCE({alias}.{m}, 0)"
        elif m in entity.maxima:
            expr = f"MAX({alias}.{m})"
        elif how == "raw":
            expr = "COUNT(*)" if m == "sample_count" else f"COALESCE(SUM({alias}.{m}), 0)"
        else:
            expr = f"SUM({alias}.{m})"
        out.append(f"{expr} AS {m}")
    return out


def _columns(entity: Entity, k: int, alias: str, how: str, needed, days: str,
             complete: str) -> str:
    """A source's select list: k, the key, the measures ``needed``, and ``days`` and
    ``complete`` when needed (the metrics days_covered and is_complete read them)."""
    out = [f"{k} AS k", f"{alias}.{entity.key}", *measures(entity, alias, how, needed)]
    if "days" in needed:
        out.append(f"{days} AS days")
    if "complete" in needed:
        out.append(f"{complete} AS complete")
    return ", ".join(out)


def latest_of(entity: Entity, source: str, after: str, until: str, *,
              ahead: bool = True) -> str:
    """Each entity's latest row of ``source`` in (after, until] (placeholders).

    The latest time of each entity is a GROUP BY key with MAX(recorded_at) over the
    raw table's (key, recorded_at) index, which the server reads as a loose index
    scan (one index dive per entity and day partition of the window); each entity's
    row of ``source`` is then read by (key, time), the window bounding it too so that
    only its partitions are probed. (Numbering every row of the window per entity read
    all of them: ~45,000 ride rows for two hours, 42 ms, against 9 ms.) The grouped
    times come first (STRAIGHT_JOIN): with stale table statistics the server may
    otherwise read ``source`` first and group the times once per row read (a LATERAL
    DERIVED plan, which made verify_latest_rides run for minutes). The raw
    table's rows are those of ``source``: deleting a park snapshot deletes its ride
    rows (park_snapshots_after_delete). An entity with a parent: ``_latest_kept``
    (``ahead``: whether a snapshot stamped after ``until`` may be stored).
    """
    if entity.parent is not None:
        return _latest_kept(entity, source, after, until, ahead)
    own = entity.raw_own_time or "recorded_at"
    key = entity.key
    return (f"SELECT w.* FROM (SELECT lt.{key}, MAX(lt.recorded_at) AS latest_at "
            f"FROM {entity.snapshots} lt WHERE lt.recorded_at > {after} "
            f"AND lt.recorded_at <= {until} GROUP BY lt.{key}) l "
            f"STRAIGHT_JOIN {source} w ON w.{key} = l.{key} AND w.{own} = l.latest_at "
            f"AND w.recorded_at > {after} AND w.recorded_at <= {until}")


def _latest_kept(entity: Entity, source: str, after: str, until: str, ahead: bool) -> str:
    """Each entity's latest row in (after, until] from the table its writers keep of
    each one's newest stored row (rides: ride_latest_snapshots, kept exact in the
    writer's transaction: docs/architecture.md), with what that row adds to
    each measure and the entity's parent now, ``current_<parent key>``: one range of
    the table's time index, ~1,900 narrow rows. Finding each ride's newest row among
    the raw rows instead probed ride_snapshots, park_snapshots and rides once per ride:
    the live ride ranking's statement 22.8 -> 9.2 ms (docs/benchmarks.md). An entity
    whose newest row is after ``until`` (stamped up to a minute ahead of the clock)
    has its latest row of the window searched in ``source`` by key and time: a UNION
    read only when ``ahead`` (some snapshot is stored after ``until``), because the
    server materialises it instead of merging the one table into the query that
    sums it (the live ride downtime ranking: 13.1 against 9.4 ms)."""
    par = entity.parent
    key, pk, own = entity.key, par.key, entity.raw_own_time or "recorded_at"
    kept = [m for m in entity.measures if m != "sample_count"]  # 1 for every row

    def columns(alias: str) -> str:
        return ", ".join([f"{alias}.{key}", *(f"{alias}.{m}" for m in kept),
                          f"lt.current_{pk}"])

    in_window = (f"SELECT {columns('lt')} FROM {par.latest} lt "
                 f"WHERE lt.recorded_at > {after} AND lt.recorded_at <= {until}")
    if not ahead:
        return in_window
    after_until = (f"SELECT {columns('w')} FROM {par.latest} lt "
                   f"STRAIGHT_JOIN {source} w "
                   f"ON w.{key} = lt.{key} AND w.{own} = (SELECT MAX(o.recorded_at) "
                   f"FROM {entity.snapshots} o WHERE o.{key} = lt.{key} "
                   f"AND o.recorded_at > {after} AND o.recorded_at <= {until}) "
                   f"AND w.recorded_at > {after} AND w.recorded_at <= {until} "
                   f"WHERE lt.recorded_at > {until}")
    return f"{in_window}\n    UNION ALL\n    {after_until}"


def open_flag(b: Binds, after: datetime, until: datetime, park: str = "g.park_id") -> str:
    """park_open of a park's (``park``: its id's SQL) latest snapshot in (after, until]
    (one index probe)."""
    return (f", (SELECT o.park_open FROM park_snapshots o WHERE o.park_id = {park} "
            f"AND o.recorded_at > {b('live_after', after)} "
            f"AND o.recorded_at <= {b('now', until)} "
            "ORDER BY o.recorded_at DESC LIMIT 1) AS park_is_open")


def _head(entity: Entity, k: int, level: Level, how: str, needed, days: str,
          complete: str = "0") -> str:
    a = ALIAS[level]
    return (f"SELECT {_columns(entity, k, a, how, needed, days, complete)} "
            f"FROM {entity.tables[level]} {a}")


def _in_ranges(b: Binds, column: str, ranges, excluded=()) -> str:
    """``column`` in any [start, end) range, minus the excluded values."""
    text = " OR ".join(f"({column} >= {b(f'from{i}', start)} AND {column} < {b(f'to{i}', end)})"
                       for i, (start, end) in enumerate(ranges))
    if len(ranges) > 1:
        text = f"({text})"
    if excluded:
        text += f" AND {column} NOT IN ({b.each('not', excluded)})"
    return text


def _grouped(entity: Entity, k: int, level: Level, b: Binds, read: Read, needed,
             days: str) -> str:
    """The rows of ``read``'s ranges, summed per entity; stored rows of a single bucket
    (yesterday's daily rows, one hour) as they are, one per entity: the query reading
    the UNION sums them anyway, and a GROUP BY of its own would cost a temporary
    table (1,864 daily ride rows: 1.6 ms of a 12 ms ranking)."""
    a = ALIAS[level]
    where = _in_ranges(b, f"{a}.{BUCKET[level]}", read.ranges, read.skipped)
    if level is Level.RAW:
        return (f"{_head(entity, k, level, 'raw', needed, days)} WHERE {where} "
                f"GROUP BY {a}.{entity.key}")
    if _buckets(level, read) == 1:
        # An equality on the bucket: joined by the entity's key, the server then reads
        # each row by (bucket, key) instead of every bucket of the entity's index.
        row_days = "1" if level is Level.DAILY else "0"
        return (f"{_head(entity, k, level, 'row', needed, row_days)} "
                f"WHERE {a}.{BUCKET[level]} = {b('bucket', _only_bucket(level, read))}")
    return f"{_head(entity, k, level, 'sum', needed, days)} WHERE {where} GROUP BY {a}.{entity.key}"


def _only_bucket(level: Level, read: Read):
    """The start of the one bucket ``read`` covers (``_buckets`` is 1)."""
    unit = timedelta(hours=1) if level is Level.HOURLY else timedelta(days=1)
    for start, end in read.ranges:
        while start < end:
            if start not in read.skipped:
                return start
            start += unit
    raise ValueError(f"no bucket in {read}")


def _buckets(level: Level, read: Read) -> int:
    """How many buckets (days of DAILY, hours of HOURLY) ``read`` covers."""
    unit = timedelta(hours=1) if level is Level.HOURLY else timedelta(days=1)
    return sum((end - start) // unit for start, end in read.ranges) - len(read.skipped)


def _yearly(entity: Entity, k: int, b: Binds, span: Span, read: Read, progress: Progress,
            all_entities: int, needed) -> list[str]:
    """A year's days [first, end) from each entity's yearly row, and the days after
    its last_stat_date from daily rows (only when a row ends before the last day);
    every day of an entity without a usable row from daily rows (only when there are
    such)."""
    (first, end), = read.ranges
    rows = progress.years[span.year]
    y = entity.tables[Level.YEARLY]
    key = entity.key
    usable = _usable_year(b, end)
    # Every park has a yearly row of the year that serves it, and so does every ride.
    every_row_serves = rows.count >= all_entities and rows.newest_last < end
    if every_row_serves and entity.yearly_alone and not {"days", "complete"} & set(needed):
        # Then the rows are read without the coverage join (the year's ride downtime
        # ranking 12.5 -> 11.7 ms on a slow afternoon, docs/benchmarks.md).
        out = [f"SELECT {_columns(entity, k, 'y', 'row', needed, '0', '0')} "
               f"FROM {entity.yearly_alone} y WHERE y.year = {b('year', span.year)}"]
    else:
        out = [f"{_head(entity, k, Level.YEARLY, 'row', needed, 'y.days_covered', 'y.is_complete')}"
               f" WHERE y.year = {b('year', span.year)} AND {usable}"]
    # The days after each row (the lower bound, the oldest last_stat_date of the year,
    # keeps it a short range).
    if rows.oldest_last < end - timedelta(days=1):
        out.append(f"{_head(entity, k, Level.DAILY, 'sum', needed, 'COUNT(*)')} "
                   f"JOIN {y} y ON y.year = {b('year', span.year)} AND y.{key} = d.{key} "
                   f"AND {usable} AND d.stat_date > y.last_stat_date "
                   f"WHERE d.stat_date > {b('oldest_last', rows.oldest_last)} "
                   f"AND d.stat_date < {b('day_end', end)} GROUP BY d.{key}")
    if not every_row_serves:
        out.append(f"{_head(entity, k, Level.DAILY, 'sum', needed, 'COUNT(*)')} "
                   f"WHERE d.stat_date >= {b('first', first)} AND d.stat_date < "
                   f"{b('day_end', end)} AND NOT EXISTS (SELECT 1 FROM {y} y "
                   f"WHERE y.year = {b('year', span.year)} AND y.{key} = d.{key} "
                   f"AND {usable}) GROUP BY d.{key}")
    return out


def _usable_year(b: Binds, end) -> str:
    """Whether a yearly row y serves the year's days before ``end``: it holds days,
    all before ``end`` (the days after its last_stat_date are read from daily rows)."""
    return f"y.first_stat_date IS NOT NULL AND y.last_stat_date < {b('day_end', end)}"


def span_sources(b: Binds, entity: Entity, k: int, span: Span, reads: list[Read],
                 progress: Progress, all_entities: int, needed) -> list[str]:
    """The sources of one planned span (k: 0 asked, 1 previous)."""
    if not reads:
        return []
    out = []
    if span.year is not None and Level.YEARLY in entity.levels and "complete" in needed:
        # is_complete of the yearly row, even when the row is not used for the sums
        # (a row that is used carries it itself: 1,864 ride rows less to group).
        unused = ""
        yearly = [read for read in reads if read.level is Level.YEARLY]
        if yearly:
            (_first, end), = yearly[0].ranges
            unused = f" AND NOT COALESCE({_usable_year(b, end)}, 0)"
        out.append(f"{_head(entity, k, Level.YEARLY, 'none', needed, '0', 'y.is_complete')} "
                   f"WHERE y.year = {b('year', span.year)}{unused}")
    for i, read in enumerate(reads):
        rb = b.scope(f"{read.level.value}{i}_")
        if read.level is Level.YEARLY:
            out += _yearly(entity, k, b, span, read, progress, all_entities, needed)
        elif read.level is Level.MONTHLY:
            out.append(f"{_head(entity, k, Level.MONTHLY, 'row', needed, 'm.days_covered')} "
                       f"WHERE m.month_start IN "
                       f"({rb.each('month', [a for a, _ in read.ranges])})")
        elif read.level is Level.WEEKLY:
            out.append(f"{_head(entity, k, Level.WEEKLY, 'row', needed, 'w.days_covered')} "
                       f"WHERE w.week_start IN ({rb.each('week', [a for a, _ in read.ranges])})"
                       " AND w.days_covered > 0")
        elif read.level is Level.DAILY:
            out.append(_grouped(entity, k, Level.DAILY, rb, read, needed, "COUNT(*)"))
        elif read.level is Level.RUNNING:
            (first, end), = read.ranges
            dates = (f"r.stat_date = {rb('first', first)}" if _buckets(read.level, read) == 1
                     else f"r.stat_date >= {rb('first', first)} AND r.stat_date < "
                     f"{rb('end', end)}")
            out.append(f"{_head(entity, k, Level.RUNNING, 'row', needed, '0')} WHERE {dates}")
        else:
            out.append(_grouped(entity, k, read.level, rb, read, needed, "0"))
    return out


def row_source(b: Binds, entity: Entity, days: LocalDays, *, now: datetime,
               progress: Progress, all_entities: int, span: Span, needed) -> str | None:
    """``span``'s one source when it is stored rows, at most one per entity (a single
    day's, week's, month's or running day's rows, or a year's rows that cover every
    day), else None. Read as a table (no GROUP BY), it is merged into the query that
    joins it, which reads each entity's row by key: the previous period of 100 listed
    rides, 0.8 ms against 0.1 ms."""
    reads = plan_span(span, now=now, progress=progress, levels=entity.levels, days=days)
    if len(reads) != 1 or len(reads[0].ranges) != 1:
        return None
    read, = reads
    one_bucket = read.level in (Level.YEARLY, Level.WEEKLY, Level.MONTHLY) or (
        read.level in (Level.DAILY, Level.RUNNING) and _buckets(read.level, read) == 1)
    out = span_sources(b, entity, 0, span, reads, progress, all_entities, needed)
    return out[0] if one_bucket and len(out) == 1 else None


def current_rows(b: Binds, entity: Entity, days: LocalDays, *, now: datetime,
                 progress: Progress, all_entities: int, current: Span | None,
                 needed) -> str | None:
    """The period asked for (k = 0) as its one source of stored rows, at most one per
    entity (``row_source``, its parameters named as ``sources`` names period 0's), for
    a ranking to order as they are, without a GROUP BY; None when it is not such rows
    or is live (``current`` None)."""
    if current is None:
        return None
    return row_source(b.scope("p0_"), entity, days, now=now, progress=progress,
                      all_entities=all_entities, span=current, needed=needed)


def live_source(b: Binds, entity: Entity, after: datetime, until: datetime, needed,
                ahead: bool) -> str:
    """Each entity's latest snapshot in (after, until], as a source of period 0 (with
    its parent's key now, when it has a parent: only entities the kept table holds,
    rides still in ``rides``). ``ahead``: whether a snapshot is stored after ``until``
    (``Progress.stored_after``)."""
    latest = latest_of(entity, entity.tables[Level.RAW], b("live_after", after), b("now", until),
                       ahead=ahead)
    # One row per entity: what its snapshot adds, without a GROUP BY of its own (a
    # temporary table less: the live ride rankings, 1.8 ms). An entity with a parent
    # also names its parent now.
    columns = _columns(entity, 0, 's', 'snapshot', needed, '0', '0')
    if entity.parent is not None:
        columns += f", s.current_{entity.parent.key} AS {entity.parent.key}"
    return f"SELECT {columns} FROM ({latest}) s"


def sources(b: Binds, entity: Entity, days: LocalDays, *, now: datetime, progress: Progress,
            all_entities: int, current: Span | None, previous: Span | None,
            needed, live_window: timedelta | None = None) -> str | None:
    """The UNION ALL of the period asked for (k = 0; None: live, each entity's latest
    snapshot in the live window) and of ``previous`` (k = 1, when given); None when
    there is nothing to read. A single source is not wrapped in a UNION: read as
    stored rows, the server then merges it into the query that sums it."""
    out = []
    for k, span in ((0, current), (1, previous)):
        if k == 0 and span is None:
            out.append(live_source(b, entity, now - live_window, now, needed,
                                   progress.stored_after(now)))
        elif span is not None:
            reads = plan_span(span, now=now, progress=progress, levels=entity.levels,
                              days=days)
            out += span_sources(b.scope(f"p{k}_"), entity, k, span, reads, progress,
                                all_entities, needed)
    return "\n  UNION ALL\n  ".join(out) if out else None


def previous_sums(b: Binds, entity: Entity, days: LocalDays, *, now: datetime,
                  progress: Progress, all_entities: int, columns: Columns,
                  previous: Span, to: str = "g") -> str:
    """The join of the previous period's sums per entity (pv: the p_<measure> columns
    the fields read) to rows ``to``: the returned rows g, for a ranking whose listing
    and order do not read that period (summed apart and joined to the listed rows
    only, instead of grouped with the period asked for before the limit), or a
    period's stored rows u, one per entity, for one whose order does (a trend). A
    previous period lies before ``now``, so it always has sources (entities without
    rows in it get NULLs from the LEFT JOIN). Stored rows of a single bucket are
    joined as they are (``row_source``), each read by key."""
    key = entity.key
    names = {name: m for name, (k, m) in columns.names.items() if k == 1}
    scoped, needed = b.scope("pv_"), set(names.values())
    rows = row_source(scoped, entity, days, now=now, progress=progress,
                      all_entities=all_entities, span=previous, needed=needed)
    if rows is not None:
        renamed = ", ".join(f"u.{m} AS {name}" for name, m in names.items())
        return (f"\nLEFT JOIN (SELECT u.{key}, {renamed} FROM (\n  {rows}\n) u) pv "
                f"ON pv.{key} = {to}.{key}")
    union = sources(scoped, entity, days, now=now, progress=progress,
                    all_entities=all_entities, current=previous, previous=None,
                    needed=needed)
    summed_columns = ", ".join(f"{summed(entity, m)} AS {name}" for name, m in names.items())
    return (f"\nLEFT JOIN (SELECT u.{key}, {summed_columns}\nFROM (\n  {union}\n) u\n"
            f"GROUP BY u.{key}) pv ON pv.{key} = {to}.{key}")


def summed(entity: Entity, measure: str, k: int | None = None) -> str:
    """A measure summed per entity over the UNION rows u (maxima and ``complete``:
    MAX); of period k only when k is given (the UNION holds both periods)."""
    how = "MAX" if measure in entity.maxima or measure == "complete" else "SUM"
    if k is None:
        return f"{how}(u.{measure})"
    return f"{how}(CASE WHEN u.k = {k} THEN u.{measure} END)"


class Columns:
    """The per-entity summed columns the metrics read (c_<measure>: the period asked
    for, p_<measure>: the previous one), in the order they are first used."""

    def __init__(self, entity: Entity):
        self.entity = entity
        self.names: dict[str, tuple[int, str]] = {}

    def use(self, k: int, measure: str) -> str:
        name = f"{'c' if k == 0 else 'p'}_{measure}"
        self.names[name] = (k, measure)
        return name

    def of(self, alias: str, k: int):
        """Measure -> the column of period k, read from ``alias``."""
        return lambda measure: f"{alias}.{self.use(k, measure)}"

    def stored(self, k: int):
        """Measure -> its column of the entity's one stored row (a source of at most one
        row per entity, ``row_source``, read as rows u without a GROUP BY)."""
        def stored(measure: str) -> str:
            self.use(k, measure)
            return f"u.{measure}"
        return stored

    def aggregated(self, k: int, both: bool):
        """Measure -> its sum over the sources (the column's own aggregate)."""
        def aggregate(measure: str) -> str:
            self.use(k, measure)
            return summed(self.entity, measure, k if both else None)
        return aggregate
