"""Shared by the blueprints: cached JSON answers, rounding, locations, period rows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from flask import current_app, request
from werkzeug.http import generate_etag

from webapi.cache import Alias, Answer
from webapi.db import DatabaseUnavailable
from webapi.errors import ApiError
from webapi.headers import cache_control
from webapi.periods import resolve
from webapi.query.ranking import Ranking, ranked_rows
from webapi.services import services

UNAVAILABLE = "Database unavailable: statistics cannot be read right now; retry shortly"


def respond(key: tuple, compute: Callable[[], dict]):
    """Answer from the cache, else compute; stale last-good answer or 503 when the DB is down."""
    svc = services()
    key = (request.path, *key)
    answer = svc.cache.fresh(key)
    if answer is not None:
        svc.metrics.cache_hits.inc()
        _remember_as_asked(svc, key)
        return _send(answer, svc.cache.seconds)

    def compute_and_store() -> Answer:
        try:
            body = compute()
        except DatabaseUnavailable:
            # A replica failed under this request: the primary answers it, or nobody.
            if not svc.read_db.fall_back():
                raise
            body = compute()
        answer = encode(body)
        if answer.body.get("success"):
            svc.cache.store(key, answer)
        return answer

    try:
        answer = svc.cache.single_flight(key, compute_and_store)
    except DatabaseUnavailable:
        last = svc.cache.last_good(key)
        if last is None:
            raise ApiError(UNAVAILABLE, 503) from None
        svc.metrics.stale.inc()
        return _send(encode({**last.body, "stale": True}), 0)
    if answer.body.get("success"):
        _remember_as_asked(svc, key)
    return _send(answer, svc.cache.seconds)


def _remember_as_asked(svc, key: tuple) -> None:
    """So that webapi.fastpath answers the same request, as it arrives, before routing."""
    environ = request.environ
    svc.cache.remember_as_asked(environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", ""),
                                Alias(key, request.url_rule.rule))


def encode(body: dict) -> Answer:
    """The body as sent (what jsonify writes) and its ETag, computed once."""
    data = (current_app.json.dumps(body) + "\n").encode()
    return Answer(body, data, generate_etag(data))


def _send(answer: Answer, max_age: float):
    response = current_app.response_class(answer.data, mimetype="application/json")
    response.headers["Cache-Control"] = cache_control(max_age)
    response.set_etag(answer.etag)
    return response.make_conditional(request)


# The quantum of each number of decimal places: 10 ** -places.
_QUANTA = {places: Decimal(1).scaleb(-places) for places in range(7)}


def rounded(value, places: int):
    """Half-up rounding of an exact DECIMAL (or an int) to ``places`` decimals (0-6), as a
    JSON number (None stays None). Charts round thousands of values a request: the
    value is used as it is when already a Decimal."""
    if value is None:
        return None
    if not isinstance(value, Decimal):
        value = Decimal(value)
    exact = value.quantize(_QUANTA[places], rounding=ROUND_HALF_UP)
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
    """(label, rows, plan state, now): the first ``limit`` parks of a ranking, in order.

    Rows with ``listed`` 0 are not part of the ranking (one such row may come back
    only to carry ``parks_tracked`` and ``all_downtime_hours``).
    """
    svc = services()
    now = svc.now()
    if period == "year" and year is None:
        year = svc.calendar.day_containing(now).year
    label, current, previous = resolve(svc.calendar, period, now, year)
    rows, state = ranked_rows(
        svc.read_db, svc.calendar, now=now, interval=svc.interval_minutes(),
        disney_universal=park_filter == "disney-universal", current=current,
        previous=previous if with_previous else None,
        live_window=svc.live_window, with_open_flag=open_flag, ranking=ranking,
        fields=fields, limit=limit, plans=svc.plans)
    return label, rows, state, now
