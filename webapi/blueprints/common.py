"""Shared by the blueprints: cached JSON answers, rounding, locations, period rows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from flask import jsonify, request

from webapi.db import DatabaseUnavailable
from webapi.errors import ApiError
from webapi.periods import resolve
from webapi.services import services
from webapi.stats import Ranking, ranked_rows

UNAVAILABLE = "Database unavailable: statistics cannot be read right now; retry shortly"


def respond(key: tuple, compute: Callable[[], dict]):
    """Answer from the cache, else compute; stale last-good answer or 503 when the DB is down."""
    svc = services()
    key = (request.path, *key)
    body = svc.cache.fresh(key)
    if body is not None:
        svc.metrics.cache_hits.inc()
        return _json(body, svc.cache.seconds)

    def compute_and_store() -> dict:
        body = compute()
        if body.get("success"):
            svc.cache.store(key, body)
        return body

    try:
        body = svc.cache.single_flight(key, compute_and_store)
    except DatabaseUnavailable:
        last = svc.cache.last_good(key)
        if last is None:
            raise ApiError(UNAVAILABLE, 503) from None
        svc.metrics.stale.inc()
        return _json({**last, "stale": True}, 0)
    return _json(body, svc.cache.seconds)


def _json(body: dict, max_age: float):
    response = jsonify(body)
    if max_age > 0:
        response.headers["Cache-Control"] = f"public, max-age={int(max_age)}"
    else:
        response.headers["Cache-Control"] = "no-cache"
    response.add_etag()
    return response.make_conditional(request)


def rounded(value, places: int):
    """Half-up rounding of an exact DECIMAL to a JSON number (None stays None)."""
    if value is None:
        return None
    exact = Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return int(exact) if places == 0 else float(exact)


def location(row: dict) -> str:
    parts = [p for p in (row.get("city"), row.get("state_province")) if p]
    if not parts and row.get("country"):
        parts = [row["country"]]
    return ", ".join(parts)


def timestamp(now: datetime) -> str:
    return now.isoformat() + "Z"


def attribution() -> dict:
    return dict(services().config["ATTRIBUTION"])


def load_ranking(period: str, park_filter: str, year: int | None, *, open_flag: bool,
                 fields: tuple[str, ...], ranking: Ranking, limit: int,
                 with_previous: bool = True):
    """(label, rows, watermarks, now): the first ``limit`` parks of a ranking, in order.

    Rows with ``listed`` 0 are not part of the ranking (one such row may come back
    only to carry ``parks_tracked`` and ``all_downtime_hours``).
    """
    svc = services()
    now = svc.now()
    if period == "year" and year is None:
        year = svc.calendar.day_containing(now).year
    label, current, previous = resolve(svc.calendar, period, now, year)
    rows, marks = ranked_rows(
        svc.read_db, svc.calendar, now=now, interval=svc.interval_minutes(),
        disney_universal=park_filter == "disney-universal", current=current,
        previous=previous if with_previous else None,
        live_window=svc.live_window, with_open_flag=open_flag, ranking=ranking,
        fields=fields, limit=limit, plans=svc.plans)
    return label, rows, marks, now
