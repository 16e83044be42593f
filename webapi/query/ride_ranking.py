"""A ride ranking in one statement: each ride's measures summed over the planned
sources of ``vocabulary.RIDES`` (yearly, daily, hourly rows, raw ride rows up to
now), listed, ordered and limited in SQL; names and flags read for the listed
rides only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from webapi.db import Database
from webapi.periods import Span
from webapi.query.binds import Binds
from webapi.query.metrics import (
    TRENDS,
    metric_sql,
    previous_reading,
    ranks_as,
    split_previous,
    trend_sql,
)
from webapi.query.render import (
    Columns,
    current_rows,
    open_flag,
    park_filter,
    previous_sums,
    sources,
    summed,
)
from webapi.query.spans import LocalDays
from webapi.query.state import PlanCache, span_years
from webapi.query.vocabulary import RIDES

CURRENT_IS_OPEN = "current_is_open"
# The one sum of the totals' row the totals read (all_downtime_hours), besides the
# count of rides tracked.
TOTAL_DOWN = "c_down_samples"


@dataclass(frozen=True)
class RideRanking:
    """How a ride ranking is listed and ordered.

    A ride is listed when ``listed_on`` (a field) is not NULL and, with
    ``positive``, above 0 once rounded to ``places`` decimals (as shown).
    ``order``: (field, descending) pairs, NULL last, then ride_id; a field is a
    metric, a trend, or ``current_is_open``.
    """

    listed_on: str
    order: tuple[tuple[str, bool], ...]
    positive: bool = False
    places: int = 2
    totals: bool = False  # rides_tracked and all_downtime_hours over all rides of the filter


@dataclass
class RankedRides:
    """A ride ranking's rows; the active rides of the filter (``total_rides``, read with
    the planning state: ``state.active_rides``); and with ``RideRanking.totals`` the
    figures over all rides of the filter (None when no ride has a row in the period):
    ``rides_tracked`` (rides with a sample) and ``all_downtime_hours``."""

    rows: list[dict]
    total_rides: int
    totals: dict | None = None


def _is_open(b: Binds, after: datetime, until: datetime, ahead: bool) -> str:
    """Whether a ride g's class in its latest ride row in (after, until] is operating
    (0 without one). That row is the ride's newest stored one, kept in
    ride_latest_snapshots (one probe by key), unless a snapshot is stored after
    ``until`` (``ahead``: stamped up to a minute ahead of the clock); then it is
    searched by one probe of ride_snapshots' (ride_id, recorded_at) key, of the
    window's day partitions (100 listed rides: yesterday's ride downtime ranking
    15.5 against 16.7 ms on a very slow day, docs/benchmarks.md)."""
    window = (f"o.recorded_at > {b('live_after', after)} "
              f"AND o.recorded_at <= {b('now', until)}")
    if not ahead:
        return ("COALESCE((SELECT o.ride_class = 'operating' FROM ride_latest_snapshots o "
                f"WHERE o.ride_id = g.ride_id AND {window}), 0)")
    return ("COALESCE((SELECT o.ride_class = 'operating' FROM ride_snapshots o "
            f"WHERE o.ride_id = g.ride_id AND {window} "
            "ORDER BY o.recorded_at DESC LIMIT 1), 0)")


def _of_filter(u: str, park_filter_sql: str | None, *, live: bool = False) -> tuple[str, str]:
    """The rows ``u`` of rides listed in the filter, as (join, where): without a filter,
    every ride id that is not orphaned (a NOT IN of the short ``orphaned_rides``: the
    rows of deleted rides are left out; 1,864 probes of ``rides`` less, yesterday's
    ride downtime ranking 19.5 -> 17.1 ms on a very slow day, docs/benchmarks.md);
    with one, the rows joined to their ride (which drops unknown ones) and its park
    now. Live rows are of rides in ``rides`` and carry their park now
    (render.live_source): only the park is joined."""
    if park_filter_sql is None:
        return "", f"{u}.ride_id NOT IN (SELECT o.ride_id FROM orphaned_rides o)"
    if live:
        return f" STRAIGHT_JOIN parks p ON p.park_id = {u}.park_id", park_filter_sql
    return (f" STRAIGHT_JOIN rides fr ON fr.ride_id = {u}.ride_id"
            f" STRAIGHT_JOIN parks p ON p.park_id = fr.park_id", park_filter_sql)


def _sums_per_ride(union: str, sums: str, keys: list[str], *, totals: bool, live: bool,
                   park_filter_sql: str | None) -> str:
    """The rows of ``union`` summed per ride (``sums``), with the listing and order
    fields (``keys``) computed once per ride.

    With ``totals`` (/api/rides/downtime) only the rows of the rides of the filter
    are summed (``_of_filter``), grouped WITH ROLLUP: the super-aggregate row
    (ride_id NULL) holds the totals, ``rides_tracked`` included. Without, the rides
    of the filter are chosen after the sums (``_listed_rides``)."""
    selected = ["u.ride_id", sums, *keys]
    if not totals:
        return f"SELECT {_select_list(selected)}\nFROM (\n  {union}\n) u\nGROUP BY u.ride_id"
    join, where = _of_filter("u", park_filter_sql, live=live)
    selected.append("COUNT(DISTINCT CASE WHEN u.k = 0 AND u.sample_count > 0 "
                    "THEN u.ride_id END) AS rides_tracked")
    return (f"SELECT {_select_list(selected)}\n"
            f"FROM (\n  {union}\n) u{join}\nWHERE {where}\nGROUP BY u.ride_id WITH ROLLUP")


def _stored_rows(source: str, stored: str, keys: dict[str, str], totals_sums: str | None,
                 park_filter_sql: str | None, joined: str = "") -> tuple[str, str | None]:
    """The rows of ``source`` (at most one per ride: ``render.row_source``) as they are,
    with the listing and order fields (``keys``: name -> SQL), and with ``totals_sums``
    the totals' row (ride_id NULL; None without). ``joined``: the previous period's
    sums joined to the rows (pv), when a key reads them.

    A period that is one stored bucket per ride (today's running rows, a day, a week,
    a month) needs no GROUP BY: the server orders and limits the rows as it reads
    them, and joins each listed ride once. The totals are one aggregate of the same
    rows, those of the rides of the filter (``_of_filter``); each ride has one row,
    so ``rides_tracked`` counts rows. Summing and grouping every ride's row WITH
    ROLLUP instead: yesterday's ride downtime ranking 5.35 against 4.58 ms of
    statement (docs/benchmarks.md)."""
    selected = ["u.ride_id", stored, *(f"{sql} AS {name}" for name, sql in keys.items())]
    if totals_sums is None:
        return f"SELECT {_select_list(selected)}\nFROM ({source}) u{joined}", None
    join, where = _of_filter("u", park_filter_sql)
    rides = f"FROM ({source}) u{join}\nWHERE {where}"
    rows = (f"SELECT {_select_list([*selected, 'NULL AS rides_tracked'])}\n"
            f"FROM ({source}) u{joined}{join}\nWHERE {where}")
    total = _select_list(["NULL AS ride_id", totals_sums, *(f"NULL AS {name}" for name in keys),
                          "COUNT(CASE WHEN u.sample_count > 0 THEN 1 END) AS rides_tracked"])
    return rows, f"SELECT {total}\n{rides}"


def _select_list(columns: list[str]) -> str:
    """A SELECT list, a column (or several, already joined) a line."""
    return ",\n       ".join(columns)


def _listed_rides(grouped: str, listed: str, extra: str, order: str, limit: str, *,
                  totals: bool, park_filter_sql: str | None,
                  totals_row: str | None = None) -> str:
    """The listed rides of ``grouped`` (k), ordered and limited (``limit``: its
    placeholder), the totals' row kept with ``totals`` (its own ``totals_row`` when
    ``grouped`` is stored rows, ahead of the limited ones). Without totals the rides
    of the filter are chosen here, after the sums (``_of_filter``)."""
    if totals_row is not None:
        no_extra = f", 0 AS {CURRENT_IS_OPEN}" if extra else ""
        return (f"(SELECT t.*{no_extra} FROM (\n{totals_row}\n) t)\nUNION ALL\n"
                f"(SELECT k.*{extra}\nFROM (\n{grouped}\n) k\n"
                f"WHERE {listed}\nORDER BY {order}, k.ride_id LIMIT {limit})")
    if totals:
        return (f"SELECT k.*{extra}\nFROM (\n{grouped}\n) k\n"
                f"WHERE k.ride_id IS NULL OR {listed}\n"
                f"ORDER BY {order}, k.ride_id LIMIT {limit}")
    join, where = _of_filter("k", park_filter_sql)
    return (f"SELECT k.*{extra}\nFROM (\n{grouped}\n) k{join}\n"
            f"WHERE {where} AND {listed}\n"
            f"ORDER BY {order}, k.ride_id LIMIT {limit}")


def ride_rows(db: Database, days: LocalDays, *, now: datetime, interval: int,
              disney_universal: bool, current: Span | None, previous: Span | None,
              live_window: timedelta, ranking: RideRanking, fields, limit: int,
              plans: PlanCache | None = None) -> RankedRides:
    """The first ``limit`` listed rides of a ranking, in order, each with ``fields``,
    ``ride_id``, ``ride_name``, ``tier``, park_id and its name and place,
    ``current_is_open`` and ``park_is_open`` (latest rows of the live window); with
    ``ranking.totals``, the totals too (``RankedRides``).

    ``current`` None means live: each ride's latest row in the live window.

    One statement, as for parks (``ranking.ranked_rows``): the innermost query sums
    per ride the measures needed over the sources and computes the listing and
    order fields once per ride; the rides of the filter are then ordered and
    limited; the outer query computes the other fields for those rows only and
    joins the names. The totals are the super-aggregate row of the sums (GROUP BY
    ... WITH ROLLUP, ride_id NULL), which comes back first: summed once with the rides,
    instead of window sums over every ride's row (today's ride downtime ranking 6.9 ->
    4.9 ms of server time). A period that is one stored row per ride (today's running
    rows, a day, a week, a month) is ranked from those rows as they are, its totals a
    row of their own (``_stored_rows``); when its order reads the previous period (a
    trend), that period's sums are joined to each row by key.
    """
    # Listed above 0 on a metric that ranks as a measure's sum: listed and ordered on
    # that sum (metrics.ranks_as), a column of the sums (c_<measure>), and the metric
    # computed for the listed rows only, instead of a DECIMAL for each of 1,864
    # rides. Side by side, in-process: yesterday's ride downtime ranking 7.65 -> 5.91
    # ms, the year's 10.70 -> 8.24 ms (docs/benchmarks.md).
    ranked_measure = (ranks_as(ranking.listed_on, interval, ranking.places)
                      if ranking.positive else None)
    keyed = list(dict.fromkeys(
        f for f in (ranking.listed_on, *(f for f, _ in ranking.order))
        if f != CURRENT_IS_OPEN and not (ranked_measure and f == ranking.listed_on)))
    fields = tuple(dict.fromkeys((*fields, ranking.listed_on, *keyed)))
    previous, later, together = previous_reading(fields, keyed, previous)
    plans = plans or PlanCache(0)
    state = plans.get(db, days, disney_universal, span_years(current, previous))
    b = Binds()
    iv = b("interval", interval)
    columns = Columns(RIDES)
    listed_column = columns.use(0, ranked_measure) if ranked_measure else ranking.listed_on

    def field(name: str, measure) -> str:
        """A field over summed measures (``measure(k)``: measure -> its SQL in period
        k): a metric, previous_<metric>, or a trend (its metric now against before)."""
        if name in TRENDS:
            base = TRENDS[name]
            return trend_sql(metric_sql(base, measure(0), iv), metric_sql(base, measure(1), iv))
        k, base = split_previous(name)
        return metric_sql(base, measure(k), iv)

    # The listing and order fields, once per ride over the sums (level k) ...
    def keys_over(measure) -> dict[str, str]:
        return {name: field(name, measure) for name in keyed}

    keys = [f"{sql} AS {name}" for name, sql in
            keys_over(lambda k: columns.aggregated(k, together)).items()]
    # ... the other fields for the listed rows only, over level k's columns (alias g;
    # pv for the previous period summed later).
    select = [f"{field(name, lambda k: columns.of('pv' if later and k == 1 else 'g', k))}"
              f" AS {name}" for name in fields if name not in keyed]
    if ranking.totals:
        columns.use(0, "sample_count")
        columns.use(0, "down_samples")
    now_names = {name: m for name, (k, m) in columns.names.items() if not (later and k == 1)}
    needed = set(now_names.values())
    filtered = park_filter(b, disney_universal)
    of_filter = filtered if disney_universal else None
    # The period asked for as one stored row per ride, when it is one (_stored_rows).
    # When the order reads the previous period too (a trend), that period's sums are
    # joined to each row by key (render.previous_sums), instead of grouping the two
    # periods' rows together.
    stored = None if together and previous is None else current_rows(
        b, RIDES, days, now=now, progress=state.progress, all_entities=state.all_parks,
        current=current, needed=needed)
    totals_row = None
    if stored is not None:
        joined = previous_sums(b, RIDES, days, now=now, progress=state.progress,
                               all_entities=state.all_parks, columns=columns,
                               previous=previous, to="u") if together else ""
        sums = ", ".join(f"{summed(RIDES, m) if name == TOTAL_DOWN else 'NULL'} AS {name}"
                         for name, m in now_names.items())
        as_stored = ", ".join(f"{f'u.{m}' if columns.names[name][0] == 0 else f'pv.{name}'}"
                              f" AS {name}" for name, m in now_names.items())
        grouped, totals_row = _stored_rows(
            stored, as_stored,
            keys_over(lambda k: columns.stored(0) if k == 0 else columns.of("pv", 1)),
            sums if ranking.totals else None, of_filter, joined=joined)
    else:
        union = sources(b, RIDES, days, now=now, progress=state.progress,
                        all_entities=state.all_parks, current=current,
                        previous=None if later else previous, live_window=live_window,
                        needed=needed)
        if union is None:
            return RankedRides([], state.total_rides)
        summed_columns = ",\n       ".join(
            f"{summed(RIDES, m, columns.names[name][0] if together else None)} AS {name}"
            for name, m in now_names.items())
        grouped = _sums_per_ride(union, summed_columns, keys, totals=ranking.totals,
                                 live=current is None, park_filter_sql=of_filter)
    previous_join = previous_sums(b, RIDES, days, now=now, progress=state.progress,
                                  all_entities=state.all_parks, columns=columns,
                                  previous=previous) if later else ""

    if ranked_measure:
        listed = f"k.{listed_column} > 0"
    else:
        listed = f"k.{listed_column} IS NOT NULL"
        if ranking.positive:
            listed = f"({listed} AND ROUND(k.{listed_column}, {ranking.places}) > 0)"

    def order(a: str) -> str:
        """The ORDER BY of rows ``a`` (the totals' row first); the flag is never NULL,
        and in the inner query it is a column of the SELECT itself (named without
        ``a``). The listed field is never NULL in a listed row: ordered on its column
        alone."""
        parts = [f"{a}.ride_id IS NULL DESC"] if ranking.totals else []
        for name, desc in ranking.order:
            direction = " DESC" if desc else ""
            if name == CURRENT_IS_OPEN:
                parts.append(f"{'g.' if a == 'g' else ''}{name}{direction}")
            elif name == ranking.listed_on:
                parts.append(f"{a}.{listed_column}{direction}")
            else:
                parts.append(f"{a}.{name} IS NULL, {a}.{name}{direction}")
        return ", ".join(parts)

    # The open flag is needed before the limit only when it orders the rides.
    sorted_on_flag = any(name == CURRENT_IS_OPEN for name, _ in ranking.order)
    flag = _is_open(b, now - live_window, now, ahead=state.progress.stored_after(now))
    extra = f", {flag.replace('g.ride_id', 'k.ride_id')} AS {CURRENT_IS_OPEN}" \
        if sorted_on_flag else ""
    # With totals, their row comes first: one row more (a row of its own for stored rows).
    summed_totals = ranking.totals and totals_row is None
    inner = _listed_rides(grouped, listed, extra, order("k"),
                          b("limit", limit + 1 if summed_totals else limit),
                          totals=ranking.totals, park_filter_sql=of_filter,
                          totals_row=totals_row)
    # Only what the answer reads (not the sums): fewer values for the driver to convert.
    outer = ["g.ride_id", "r.park_id", *(f"g.{name}" for name in keyed), *select,
             "r.name AS ride_name", "r.tier", "p.name AS park_name", "p.city",
             "p.state_province", "p.country"]
    outer.append(f"g.{CURRENT_IS_OPEN}" if sorted_on_flag else f"{flag} AS {CURRENT_IS_OPEN}")
    join = "JOIN"
    if ranking.totals:
        # LEFT: the totals' row has no ride.
        join = "LEFT JOIN"
        outer.append("g.rides_tracked")
        outer.append(f"downtime_hours_of(g.{TOTAL_DOWN}, {iv}) AS all_downtime_hours")
    # A ride is shown with its park now (rides), whatever park its rows were recorded at.
    sql = (f"SELECT {', '.join(outer)}{open_flag(b, now - live_window, now, 'r.park_id')}\n"
           f"FROM (\n{inner}\n) g {join} rides r ON r.ride_id = g.ride_id "
           f"{join} parks p ON p.park_id = r.park_id{previous_join}\n"
           f"ORDER BY {order('g')}, g.ride_id")
    # The metric function calls are expanded in place (webapi.formulas).
    rows = db.query(plans.formulas.expand(db, sql, state.routines), b.values)
    if ranking.totals and rows and rows[0]["ride_id"] is None:
        return RankedRides(rows[1:], state.total_rides, rows[0])
    return RankedRides(rows, state.total_rides)
