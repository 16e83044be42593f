"""Every park's figures of a period and of the previous one, in one statement (the
awards rank them in Python)."""

from __future__ import annotations

from datetime import datetime

from webapi.db import Database
from webapi.periods import Span
from webapi.query.binds import Binds
from webapi.query.metrics import METRIC_NAMES, TRENDS, metric_sql, trend_sql
from webapi.query.render import park_filter, sources, summed
from webapi.query.spans import LocalDays
from webapi.query.state import read_state, span_years
from webapi.query.vocabulary import PARKS


def period_figures(db: Database, days: LocalDays, *, now: datetime, interval: int,
                   disney_universal: bool, current: Span, previous: Span,
                   fields) -> list[dict]:
    """Per park (of the filter, with any row in either span): ``fields``, metrics of
    ``current`` or (previous_<metric>) of ``previous``, and trends."""
    state = read_state(db, days, disney_universal, span_years(current, previous))
    b = Binds()
    union = sources(b, PARKS, days, now=now, progress=state.progress,
                    all_entities=state.all_parks, current=current, previous=previous,
                    needed={*PARKS.measures, "days", "complete"})
    if union is None:
        return []
    wanted = set(fields)
    for name in fields:
        if name in TRENDS:
            wanted |= {TRENDS[name], f"previous_{TRENDS[name]}"}
    iv = b("interval", interval)
    metrics = [f"{metric_sql(name, lambda m, k=k: summed(PARKS, m, k), iv)} AS {prefix}{name}"
               for k, prefix in ((0, ""), (1, "previous_"))
               for name in METRIC_NAMES if prefix + name in wanted]
    trends = "".join(f", {trend_sql(f'g.{base}', f'g.previous_{base}')} AS {name}"
                     for name, base in TRENDS.items() if name in wanted)
    metric_list = ",\n       ".join(metrics)
    # The grouped query is materialised, so each metric function runs once per park.
    sql = (f"SELECT g.*{trends} FROM (\n"
           f"SELECT p.park_id, p.name AS park_name, p.city, p.state_province, p.country,"
           f"\n       {metric_list}\n"
           f"FROM (\n  {union}\n) u JOIN parks p ON p.park_id = u.park_id\n"
           f"WHERE {park_filter(b, disney_universal)}\n"
           "GROUP BY p.park_id, p.name, p.city, p.state_province, p.country\n) g")
    return db.query(sql, b.values)
