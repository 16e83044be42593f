"""The baseline: each ranking computed the old way, GROUP BY over raw snapshots.

One statement per (endpoint, period), from the docs/contract.md definitions (section 7
and the metric definitions shared with the API), over ``park_snapshots`` (park
rankings) or ``ride_snapshot_classes`` (ride rankings: ride rows with their
stored class) for the same local-calendar spans ``[utc_start, utc_end)`` the API uses (from
``calendar_days`` through ``webapi.periods.resolve``).  Endpoints that show
a trend against the previous period (``/api/parks/*``, ``/api/rides/*``) scan the previous
period too, in the same pass (the two spans are contiguous); the trends
endpoints scan only the period asked for.  The statement filters, sorts and
limits like the API, so its rows are the ranking itself.

The arithmetic is written out here, not taken from the stored functions, so
the comparison with the API also checks the aggregates independently.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime

import pymysql

from parkstats.db import DatabaseUrl, connect

#: The server's error for a statement stopped by KILL QUERY (ER_QUERY_INTERRUPTED, the
#: same number on MySQL and MariaDB).
QUERY_INTERRUPTED = 1317

# Per period k: 0 = the period asked for (recorded_at >= cs), 1 = the previous one.
_IN = {0: "s.recorded_at >= %(cs)s", 1: "s.recorded_at < %(cs)s"}


def _open(k: int) -> str:
    return f"{_IN[k]} AND s.park_open = 1"


def _shame(k: int) -> list[str]:
    return [f"SUM(CASE WHEN {_open(k)} THEN s.shame_score END) AS shame_sum{k}",
            f"SUM({_open(k)} AND s.shame_score IS NOT NULL) AS shame_n{k}"]


def _wait(k: int) -> list[str]:
    cond = f"{_open(k)} AND s.avg_wait_minutes IS NOT NULL"
    return [f"SUM(CASE WHEN {cond} THEN s.avg_wait_minutes * s.rides_reporting END) "
            f"AS wait_sum{k}",
            f"SUM(CASE WHEN {cond} THEN s.rides_reporting END) AS wait_n{k}"]


def _ratio(total: str, count: str) -> str:
    return f"CAST({total} AS DECIMAL(30, 10)) / NULLIF({count}, 0)"


def _trend(now: str, before: str) -> str:
    return f"({now} - {before}) * 100 / NULLIF({before}, 0)"


UPTIME0 = "a.op0 * 100 / NULLIF(a.op0 + a.down0, 0)"
DOWN0 = [f"SUM(CASE WHEN {_open(0)} THEN s.rides_down END) AS down0",
         f"SUM(CASE WHEN {_open(0)} THEN s.weight_down END) AS wdown0",
         f"SUM(CASE WHEN {_open(0)} THEN s.rides_operating END) AS op0",
         f"MAX(CASE WHEN {_open(0)} THEN s.rides_down END) AS maxdown0",
         f"SUM({_IN[0]}) AS n0"]
WAIT0 = [f"MAX(CASE WHEN {_open(0)} THEN s.peak_wait_minutes END) AS peak0",
         f"SUM({_open(0)}) AS open0"]


def _statement(inner: list[str], middle: list[str], where: str, order: str,
               previous: bool) -> str:
    low = "%(ps)s" if previous else "%(cs)s"
    return (
        "SELECT * FROM (\n"
        "  SELECT a.park_id, p.name AS park_name, " + ", ".join(middle) + "\n"
        "    FROM (SELECT s.park_id, " + ",\n            ".join(inner) + "\n"
        "            FROM park_snapshots s\n"
        f"           WHERE s.recorded_at >= {low} AND s.recorded_at < %(ce)s\n"
        "           GROUP BY s.park_id) a\n"
        "    JOIN parks p ON p.park_id = a.park_id) r\n"
        f" WHERE {where}\n ORDER BY {order}, r.park_id\n LIMIT %(limit)s")


DOWNTIME = _statement(
    inner=_shame(0) + _shame(1) + DOWN0,
    middle=[f"{_ratio('a.shame_sum0', 'a.shame_n0')} AS shame0",
            f"{_ratio('a.shame_sum1', 'a.shame_n1')} AS shame1",
            "a.down0 * %(interval)s / 60 AS total_downtime_hours",
            "a.wdown0 * %(interval)s / 60 AS weighted_downtime_hours",
            f"{UPTIME0} AS uptime_percentage", "a.maxdown0 AS rides_down",
            "a.n0 AS snapshot_count"],
    where="ROUND(r.shame0, 1) > 0", order="r.shame0 DESC", previous=True)

WAITTIMES = _statement(
    inner=_wait(0) + _wait(1) + WAIT0,
    middle=[f"{_ratio('a.wait_sum0', 'a.wait_n0')} AS wait0",
            f"{_ratio('a.wait_sum1', 'a.wait_n1')} AS wait1",
            "a.peak0 AS peak_wait_minutes",
            "CASE WHEN a.open0 > 0 THEN ROUND(COALESCE(a.wait_n0, 0) / a.open0) ELSE 0 END "
            "AS rides_reporting"],
    where="r.wait0 IS NOT NULL", order="r.wait0 DESC", previous=True)

LEAST_RELIABLE = _statement(
    inner=_shame(0) + DOWN0,
    middle=[f"{_ratio('a.shame_sum0', 'a.shame_n0')} AS shame0",
            f"{UPTIME0} AS uptime_percentage"],
    where="ROUND(r.shame0, 1) > 0", order="r.shame0 DESC", previous=False)

LONGEST_WAITS = _statement(
    inner=_wait(0) + WAIT0,
    middle=[f"{_ratio('a.wait_sum0', 'a.wait_n0')} AS wait0",
            "CASE WHEN a.open0 > 0 THEN ROUND(COALESCE(a.wait_n0, 0) / a.open0) ELSE 0 END "
            "AS rides_reporting"],
    where="r.wait0 IS NOT NULL", order="r.wait0 DESC", previous=False)


# Rides: the same over ride_snapshot_classes (each ride row with its park's park_open
# and its stored class under the down rule), grouped by ride.
def _ride_open(k: int, condition: str) -> str:
    return f"{_IN[k]} AND s.park_open = 1 AND {condition}"


_RIDE_WAIT = "s.status = 'OPERATING' AND s.wait_minutes > 0"
_RIDE_DOWN = "s.ride_class = 'down'"
_RIDE_OPERATING = "s.ride_class = 'operating'"


def _ride_down(k: int) -> str:
    return f"SUM({_ride_open(k, _RIDE_DOWN)}) AS down{k}"


def _ride_wait(k: int) -> list[str]:
    return [f"SUM(CASE WHEN {_ride_open(k, _RIDE_WAIT)} THEN s.wait_minutes END) AS wait_sum{k}",
            f"SUM({_ride_open(k, _RIDE_WAIT)}) AS wait_n{k}"]


RIDE_OP0 = f"SUM({_ride_open(0, _RIDE_OPERATING)}) AS op0"
RIDE_PEAK0 = f"MAX(CASE WHEN {_ride_open(0, _RIDE_WAIT)} THEN s.wait_minutes END) AS peak0"


def _ride_statement(inner: list[str], middle: list[str], where: str, order: str,
                    previous: bool) -> str:
    low = "%(ps)s" if previous else "%(cs)s"
    return (
        "SELECT * FROM (\n"
        "  SELECT a.ride_id, r.name AS ride_name, " + ", ".join(middle) + "\n"
        "    FROM (SELECT s.ride_id, " + ",\n            ".join(inner) + "\n"
        "            FROM ride_snapshot_classes s\n"
        f"           WHERE s.recorded_at >= {low} AND s.recorded_at < %(ce)s\n"
        "           GROUP BY s.ride_id) a\n"
        "    JOIN rides r ON r.ride_id = a.ride_id) r\n"
        f" WHERE {where}\n ORDER BY {order}, r.ride_id\n LIMIT %(limit)s")


RIDE_UPTIME0 = "a.op0 * 100 / NULLIF(a.op0 + a.down0, 0)"
RIDE_DOWNTIME = _ride_statement(
    inner=[_ride_down(0), _ride_down(1), RIDE_OP0],
    middle=["a.down0 * %(interval)s / 60 AS downtime0", "a.down0", "a.down1",
            f"{RIDE_UPTIME0} AS uptime_percentage"],
    where="r.downtime0 > 0", order="r.downtime0 DESC", previous=True)

RIDE_WAITTIMES = _ride_statement(
    inner=_ride_wait(0) + _ride_wait(1) + [RIDE_PEAK0],
    middle=[f"{_ratio('a.wait_sum0', 'a.wait_n0')} AS wait0",
            f"{_ratio('a.wait_sum1', 'a.wait_n1')} AS wait1", "a.peak0 AS peak_wait_minutes"],
    where="r.wait0 IS NOT NULL", order="r.wait0 DESC", previous=True)

RIDE_LEAST_RELIABLE = _ride_statement(
    inner=[_ride_down(0), RIDE_OP0],
    middle=["a.down0 * %(interval)s / 60 AS downtime0", f"{RIDE_UPTIME0} AS uptime_percentage"],
    where="r.downtime0 > 0", order="r.downtime0 DESC", previous=False)

RIDE_LONGEST_WAITS = _ride_statement(
    inner=_ride_wait(0),
    middle=[f"{_ratio('a.wait_sum0', 'a.wait_n0')} AS wait0"],
    where="r.wait0 IS NOT NULL", order="r.wait0 DESC", previous=False)


@dataclass(frozen=True)
class Endpoint:
    name: str  # short name in the table
    path: str  # URL path (without period)
    sql: str  # the baseline statement
    limit: int  # the API's default limit
    open_flag_periods: tuple[str, ...]  # periods where the API also reads park_is_open
    # (API field, baseline column, decimals; None = integer as is)
    fields: tuple[tuple[str, str, int | None], ...]
    trend: tuple[str, str] | None = None  # (now, before) columns of trend_percentage
    key: str = "park_id"  # what is ranked


def _round(value, places):
    if value is None:
        return None
    return round(float(value), places) if places is not None else int(value)


def _trend_value(row: dict, now: str, before: str):
    if row.get(now) is None or row.get(before) in (None, 0):
        return None
    return (row[now] - row[before]) * 100 / row[before]


# The ride rankings read current_is_open and park_is_open in every period.
PERIODS_WITH_FLAGS = ("today", "yesterday", "last_week", "last_month", "year")

ENDPOINTS = (
    Endpoint("parks/downtime", "/api/parks/downtime", DOWNTIME, 50, ("today",),
             (("shame_score", "shame0", 1), ("total_downtime_hours", "total_downtime_hours", 2),
              ("weighted_downtime_hours", "weighted_downtime_hours", 2),
              ("uptime_percentage", "uptime_percentage", 1), ("rides_down", "rides_down", None),
              ("trend_percentage", "trend", 1), ("snapshot_count", "snapshot_count", None)),
             trend=("shame0", "shame1")),
    Endpoint("parks/waittimes", "/api/parks/waittimes", WAITTIMES, 50, ("today",),
             (("avg_wait_minutes", "wait0", 1), ("peak_wait_minutes", "peak_wait_minutes", None),
              ("rides_reporting", "rides_reporting", None), ("trend_percentage", "trend", 1)),
             trend=("wait0", "wait1")),
    Endpoint("trends/least-reliable", "/api/trends/least-reliable?entity=parks",
             LEAST_RELIABLE, 10, (),
             (("avg_shame_score", "shame0", 1), ("uptime_percentage", "uptime_percentage", 1))),
    Endpoint("trends/longest-wait-times", "/api/trends/longest-wait-times?entity=parks",
             LONGEST_WAITS, 10, (),
             (("avg_wait_time", "wait0", 0), ("rides_with_waits", "rides_reporting", None))),
    Endpoint("rides/downtime", "/api/rides/downtime", RIDE_DOWNTIME, 100, PERIODS_WITH_FLAGS,
             (("downtime_hours", "downtime0", 2), ("uptime_percentage", "uptime_percentage", 1),
              ("trend_percentage", "trend", 1)),
             # The trend of the exact sample counts (hours, their multiple, are rounded).
             trend=("down0", "down1"), key="ride_id"),
    Endpoint("rides/waittimes", "/api/rides/waittimes", RIDE_WAITTIMES, 100, PERIODS_WITH_FLAGS,
             (("avg_wait_minutes", "wait0", 1), ("peak_wait_minutes", "peak_wait_minutes", None),
              ("trend_percentage", "trend", 1)),
             trend=("wait0", "wait1"), key="ride_id"),
    Endpoint("trends/least-reliable rides", "/api/trends/least-reliable?entity=rides",
             RIDE_LEAST_RELIABLE, 10, (),
             (("downtime_hours", "downtime0", 2), ("uptime_percentage", "uptime_percentage", 1)),
             key="ride_id"),
    Endpoint("trends/longest-wait rides", "/api/trends/longest-wait-times?entity=rides",
             RIDE_LONGEST_WAITS, 10, (), (("avg_wait_time", "wait0", 0),), key="ride_id"),
)


def params(current, previous, now: datetime, interval: int, limit: int) -> dict:
    """Statement parameters of a period (spans as resolved by webapi.periods)."""
    from datetime import timedelta

    if previous is not None and previous.utc_end != current.utc_start:
        raise ValueError("previous and current periods are not contiguous")
    return {"cs": current.utc_start, "ce": min(current.utc_end, now + timedelta(seconds=1)),
            "ps": previous.utc_start if previous is not None else current.utc_start,
            "interval": interval, "limit": limit}


class Stopped(Exception):
    """A baseline statement stopped at its time cap: it ran ``seconds`` without finishing,
    so the ranking is at least ``seconds`` / (the API's time) faster than it."""

    def __init__(self, seconds: float):
        super().__init__(f"stopped after {seconds:,.0f} s")
        self.seconds = seconds


def run(conn, endpoint: Endpoint, args: dict, *, url: DatabaseUrl | None = None,
        cap_s: float | None = None) -> list[dict]:
    """The baseline ranking: rows as dicts, with ``trend`` where the endpoint shows one.

    With ``cap_s`` (and ``url``, for a second connection), a statement still running
    after ``cap_s`` seconds is stopped by ``KILL QUERY`` from that connection (on MySQL
    and MariaDB alike) and ``Stopped`` raised: at 400 days the ride baselines of
    last_month and year read months of raw ride rows from disk, an hour and more a run.
    """
    if cap_s is None:
        return _rows(conn, endpoint, args)
    fired = threading.Event()
    thread_id = conn.thread_id()

    def kill() -> None:
        fired.set()
        with connect(url) as other, other.cursor() as cur:
            cur.execute(f"KILL QUERY {int(thread_id)}")

    timer = threading.Timer(cap_s, kill)
    timer.start()
    try:
        return _rows(conn, endpoint, args)
    except pymysql.err.OperationalError as exc:
        if fired.is_set() and exc.args[0] == QUERY_INTERRUPTED:
            raise Stopped(cap_s) from exc
        raise
    finally:
        timer.cancel()
        timer.join()


def _rows(conn, endpoint: Endpoint, args: dict) -> list[dict]:
    with conn.cursor() as cur:
        cur.execute(endpoint.sql, args)
        names = [d[0] for d in cur.description]
        rows = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    if endpoint.trend is not None:
        for row in rows:
            row["trend"] = _trend_value(row, *endpoint.trend)
    return rows


def _differs(theirs, mine, places) -> bool:
    if theirs is None or mine is None:
        return (theirs is None) != (mine is None)
    return abs(float(theirs) - mine) > 10 ** -(places or 0) * 1.0001


def compare(endpoint: Endpoint, api_items: list[dict], rows: list[dict]) -> tuple[bool, str]:
    """Whether the API's items and the baseline rows are the same ranking.

    Same length; the same displayed sort value at every rank; every park's
    displayed values agree with the baseline's for that park (within one unit
    of the last decimal shown: both round 10-decimal intermediates). Parks
    whose sort values tie may come in either order, and a tie at the limit
    may select either park.
    """
    if len(api_items) != len(rows):
        return False, f"{len(api_items)} items from the API, {len(rows)} from the baseline"
    sort_field, sort_column, sort_places = endpoint.fields[0]
    key = endpoint.key
    by_key = {row[key]: row for row in rows}
    last = _round(rows[-1].get(sort_column), sort_places) if rows else None
    for rank, (item, row) in enumerate(zip(api_items, rows, strict=True), start=1):
        mine = _round(row.get(sort_column), sort_places)
        if _differs(item.get(sort_field), mine, sort_places):
            return False, f"rank {rank} {sort_field}: API {item.get(sort_field)}, baseline {mine}"
        other = by_key.get(item[key])
        if other is None:
            if _differs(item.get(sort_field), last, sort_places):
                return False, f"rank {rank}: API {key} {item[key]} not in the baseline"
            continue
        for field, column, places in endpoint.fields[1:]:
            value = _round(other.get(column), places)
            if _differs(item.get(field), value, places):
                return False, (f"{key} {item[key]} {field}: API {item.get(field)}, "
                               f"baseline {value}")
    return True, ""
