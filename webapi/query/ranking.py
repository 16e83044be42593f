"""A park ranking in one statement: ranked and limited in SQL, each metric computed
only where it is needed."""

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
from webapi.query.state import PlanCache, PlanState, span_years
from webapi.query.vocabulary import PARKS


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


def ranked_rows(db: Database, days: LocalDays, *, now: datetime, interval: int,
                disney_universal: bool, current: Span | None, previous: Span | None,
                live_window: timedelta, with_open_flag: bool, ranking: Ranking, fields,
                limit: int, plans: PlanCache | None = None) -> tuple[list[dict], PlanState]:
    """The first ``limit`` listed parks of a ranking, in order, with ``fields``.

    ``current`` None means live: each park's latest snapshot in the live window.
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
    keyed = list(dict.fromkeys([ranking.filter_on, ranking.sort_on]))
    previous, later, together = previous_reading(fields, keyed, previous)
    plans = plans or PlanCache(0)
    state = plans.get(db, days, disney_universal, span_years(current, previous))
    b = Binds()
    iv = b("interval", interval)
    columns = Columns(PARKS)

    # The outer fields, over the inner query's columns (alias g; pv for the previous
    # period summed later).
    def metric(name: str) -> str:
        k, base = split_previous(name)
        return metric_sql(base, columns.of("pv" if later and k == 1 else "g", k), iv)

    select = []
    for name in fields:
        if name in keyed:
            select.append(f"g.{name}")
        elif name in TRENDS:
            base = TRENDS[name]
            now_sql = f"g.{base}" if base in keyed else metric(base)
            select.append(f"{trend_sql(now_sql, metric('previous_' + base))} AS {name}")
        else:
            select.append(f"{metric(name)} AS {name}")
    if ranking.totals:
        select.append(f"downtime_hours_of(g.all_down_samples, {iv}) AS all_downtime_hours")
        select.append("g.parks_tracked")
    flag = open_flag(b, now - live_window, now) if with_open_flag else ""

    # The inner query: sums per park, the keys once per park (reading the sums
    # directly), ordered and limited.
    def keys_over(measure) -> list[str]:
        out = []
        for name in keyed:
            k, base = split_previous(name)
            out.append(f"{metric_sql(base, measure(k), iv)} AS {name}")
        return out

    keys = keys_over(lambda k: columns.aggregated(k, together))
    if ranking.totals:
        columns.use(0, "sample_count")
        columns.use(0, "down_samples")
    # The sources sum only the measures used (the others are NULL in the UNION).
    now_names = {name: km for name, km in columns.names.items() if not (later and km[0] == 1)}
    needed = {measure for _, measure in now_names.values()}
    # A period that is one stored row per park (today's running rows, a day, a week, a
    # month) is ranked from those rows as they are: no GROUP BY, so no temporary table
    # (today's longest waits 0.43 -> 0.37 ms of statement).
    stored = None if together else current_rows(
        b, PARKS, days, now=now, progress=state.progress, all_entities=state.all_parks,
        current=current, needed=needed)
    if stored is not None:
        union, keys = stored, keys_over(columns.stored)
        grouped_columns = ",\n       ".join(f"u.{m} AS {name}"
                                            for name, (_k, m) in now_names.items())
    else:
        union = sources(b, PARKS, days, now=now, progress=state.progress,
                        all_entities=state.all_parks, current=current,
                        previous=None if later else previous, live_window=live_window,
                        needed=needed)
        if union is None:
            return [], state
        grouped_columns = ",\n       ".join(
            f"{summed(PARKS, m, k if together else None)} AS {name}"
            for name, (k, m) in now_names.items())
    previous_join = previous_sums(b, PARKS, days, now=now, progress=state.progress,
                                  all_entities=state.all_parks, columns=columns,
                                  previous=previous) if later else ""
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
    grouped = (f"SELECT u.park_id, {grouped_columns},\n"
               f"       {', '.join(keys)}\n"
               f"FROM (\n  {union}\n) u JOIN parks p ON p.park_id = u.park_id\n"
               f"WHERE {park_filter(b, disney_universal)}"
               + ("" if stored is not None else "\nGROUP BY u.park_id"))
    inner = (f"SELECT k.*, {listed} AS listed{totals}\nFROM (\n{grouped}\n) k\n{where}"
             f"ORDER BY {listed} DESC, {order}, k.park_id LIMIT {b('limit', limit)}")
    outer_order = f"g.listed DESC, {order.replace('k.', 'g.')}"
    sql = (f"SELECT g.park_id, p.name AS park_name, p.city, p.state_province, p.country, "
           f"g.listed, {', '.join(select)}{flag}\nFROM (\n{inner}\n) g "
           f"JOIN parks p ON p.park_id = g.park_id{previous_join}\n"
           f"ORDER BY {outer_order}, g.park_id")
    # The metric function calls are expanded in place (webapi.formulas).
    sql = plans.formulas.expand(db, sql, state.routines)
    return db.query(sql, b.values), state
