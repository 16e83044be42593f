"""What health and /metrics report: database, scheduler, aggregation lag, data age.

Lags use the API's clock (injectable), so "degraded" is testable:

* hourly lag = how long the first hour not aggregated yet has been over
  (now - (hourly.done_through + 1 h), at least 0); the contract: within 15 minutes;
* daily lag = how long the first local day not aggregated yet has been over;
  the contract: by 2 AM local, so more than 2 hours is late;
* the yearly lag is the view's (aggregation_status.lag_seconds).

Replicas (PARKSTATS_READ_DATABASE_URL) are reported from their watches
(webapi/replicas.py: read in the background, never by the health request), and
the primary's binlog_format: STATEMENT with binary logging on is unsupported.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pymysql

from parkstats.preflight import binlog_unsupported
from webapi import replicas
from webapi.db import DatabaseUnavailable

EVENTS = ("ev_run_aggregation", "ev_apply_retention")
LEVELS = ("hourly", "daily", "yearly")


def _seconds(delta: timedelta) -> int:
    return max(0, int(delta.total_seconds()))


def collect(svc, now: datetime) -> dict:
    """Raw facts; raises DatabaseUnavailable when the database cannot be reached or does
    not answer within MONITOR_TIMEOUT (its own pool: health never waits on rankings)."""
    db = svc.monitor_db
    state = db.query(
        "SELECT @@event_scheduler AS scheduler, @@GLOBAL.log_bin AS log_bin, "
        "@@GLOBAL.binlog_format AS binlog_format, "
        "(SELECT MAX(recorded_at) FROM park_snapshots) AS newest_snapshot, "
        "(SELECT done_through FROM aggregation_watermarks WHERE level = 'hourly') AS hourly, "
        "(SELECT done_through FROM aggregation_watermarks WHERE level = 'daily') AS daily")[0]
    events = {r["name"]: r["status"] for r in db.query(
        # The view, not information_schema.EVENTS: it shows the events to the
        # read-only API account too (see sql/operations/event_status.sql).
        "SELECT event_name AS name, status FROM event_status "
        "WHERE event_name IN (%s, %s)", EVENTS)}
    view_error = None
    levels: dict[str, dict] = {}
    try:
        for row in db.query(
                "SELECT level, last_success_at, last_failure_at, last_error_message, "
                "consecutive_failures, newest_period_start, lag_seconds FROM aggregation_status"):
            levels[row["level"]] = row
    except pymysql.MySQLError as exc:
        view_error = f"aggregation_status is not readable: {exc.args[-1]}"
    failed = {r["job_type"]: int(r["n"]) for r in db.query(
        "SELECT job_type, COUNT(*) AS n FROM aggregation_job_log "
        "WHERE status = 'failed' AND started_at >= %s GROUP BY job_type",
        (now - timedelta(days=1),))}

    out: dict = {"scheduler": str(state["scheduler"]), "events": events,
                 "log_bin": bool(int(state["log_bin"])),
                 "binlog_format": str(state["binlog_format"]),
                 "view_error": view_error, "failed_jobs_24h": failed, "levels": {}}
    newest = state["newest_snapshot"]
    out["newest_snapshot"] = newest
    out["newest_snapshot_age"] = _seconds(now - newest) if newest else None
    for level in LEVELS:
        row = levels.get(level, {})
        info = {
            "last_success_at": row.get("last_success_at"),
            "last_failure_at": row.get("last_failure_at"),
            "last_error": row.get("last_error_message"),
            "consecutive_failures": int(row.get("consecutive_failures") or 0),
            "newest_period_start": row.get("newest_period_start"),
            "lag_seconds": (int(row["lag_seconds"]) if row.get("lag_seconds") is not None
                            else None),
        }
        out["levels"][level] = info
    hourly = state["hourly"]
    out["levels"]["hourly"]["done_through"] = hourly
    out["levels"]["hourly"]["lag_seconds"] = (
        _seconds(now - (hourly + timedelta(hours=1))) if hourly else None)
    daily = state["daily"]
    out["levels"]["daily"]["done_through"] = daily.date() if daily else None
    if daily:
        day = svc.primary_calendar.days(daily.date())[daily.date()]
        out["levels"]["daily"]["lag_seconds"] = _seconds(now - day.utc_end)
    else:
        out["levels"]["daily"]["lag_seconds"] = None
    return out


def replica_checks(svc, problems_bad: list[str], problems_soft: list[str]) -> list[dict]:
    """Each replica's state as health reports it (webapi/replicas.py); a stopped
    replication is a bad problem, a lagging, unreachable or unreadable replica a soft one
    (the primary serves the reads meanwhile)."""
    out = []
    limit = svc.config["REPLICA_LAG_LIMIT"]
    for _db, watch in svc.read_db.replicas:
        state = watch.state()
        name = state.replica
        if state.state in (replicas.STOPPED, replicas.NOT_REPLICATING):
            threads = (f"IO thread {'running' if state.io_running else 'stopped'}, "
                       f"SQL thread {'running' if state.sql_running else 'stopped'}"
                       if state.state == replicas.STOPPED else state.error)
            errors = "; ".join(e for e in (state.last_io_error, state.last_sql_error) if e)
            problems_bad.append(f"replication stopped on replica {name} ({threads}"
                                f"{'; ' + errors if errors else ''}): reads go to the primary")
        elif state.state == replicas.LAGGING:
            problems_soft.append(f"replica {name} lags {state.lag_seconds} s behind the "
                                 f"primary (limit {limit:g} s): reads go to the primary")
        elif state.state == replicas.DOWN:
            problems_soft.append(f"replica {name} is unreachable: reads go to the primary")
        elif state.state == replicas.UNKNOWN:
            problems_soft.append(f"replica {name}: {state.error}; reads go to the primary")
        out.append({"replica": name, "state": state.state,
                    "serves_reads": state.state == replicas.REPLICATING,
                    "io_running": state.io_running, "sql_running": state.sql_running,
                    "lag_seconds": state.lag_seconds, "lag_limit_seconds": limit,
                    "last_io_error": state.last_io_error,
                    "last_sql_error": state.last_sql_error, "error": state.error})
    return out


def health(svc, now: datetime) -> tuple[str, dict]:
    """(status, checks) where status is healthy, degraded or unhealthy."""
    config = svc.config
    problems_bad: list[str] = []
    problems_soft: list[str] = []
    replicas = replica_checks(svc, problems_bad, problems_soft)
    try:
        facts = collect(svc, now)
    except DatabaseUnavailable as exc:
        checks = {"database": {"status": "down", "error": str(exc)}}
        if replicas:
            checks["replicas"] = replicas
        return "unhealthy", checks
    checks: dict = {"database": {"status": "up"}}
    if replicas:
        checks["replicas"] = replicas
    statement = binlog_unsupported(facts["log_bin"], facts["binlog_format"])
    if statement:
        problems_soft.append("binlog_format is STATEMENT on the primary: unsupported: "
                             "use MIXED or ROW")
    checks["binlog"] = {"status": "unsupported" if statement else "ok",
                        "log_bin": facts["log_bin"], "format": facts["binlog_format"]}

    scheduler_on = facts["scheduler"].upper() == "ON"
    events = {name: facts["events"].get(name, "MISSING") for name in EVENTS}
    if not scheduler_on:
        problems_bad.append("event_scheduler is OFF")
    for name, status in events.items():
        if status != "ENABLED":
            problems_bad.append(f"event {name} is {status}")
    checks["event_scheduler"] = {
        "status": "ok" if scheduler_on and all(s == "ENABLED" for s in events.values())
        else "failing",
        "scheduler": "on" if scheduler_on else "off", "events": events}

    limits = {"hourly": config["HOURLY_LAG_LIMIT"], "daily": config["DAILY_LAG_LIMIT"]}
    aggregation: dict = {}
    for level, info in facts["levels"].items():
        entry = dict(info)
        late = False
        if level in limits:
            lag = info["lag_seconds"]
            late = lag is None or lag > limits[level]
            if late:
                problems_soft.append(f"{level} aggregation is behind" if lag is not None
                                     else f"{level} aggregation has not run yet")
        if info["consecutive_failures"] > 0:
            problems_soft.append(f"{level} aggregation failed "
                                 f"{info['consecutive_failures']} time(s) in a row")
        entry["status"] = "late" if late else (
            "failing" if info["consecutive_failures"] else "ok")
        aggregation[level] = entry
    if facts["view_error"]:
        problems_soft.append(facts["view_error"])
    checks["aggregation"] = aggregation

    age = facts["newest_snapshot_age"]
    stale = age is None or age > config["SNAPSHOT_AGE_LIMIT"]
    if stale:
        problems_soft.append("no snapshot yet" if age is None else "newest snapshot is old")
    checks["snapshots"] = {"status": "late" if stale else "ok",
                           "newest_recorded_at": facts["newest_snapshot"], "age_seconds": age}
    status = "unhealthy" if problems_bad else ("degraded" if problems_soft else "healthy")
    checks["problems"] = problems_bad + problems_soft
    return status, checks
