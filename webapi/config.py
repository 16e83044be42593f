"""Configuration of the API: defaults, overridden by the environment, then by create_app(config).

Environment variables (all optional except the database URL):

* ``PARKSTATS_DATABASE_URL``: mysql://user:password@host:port/database (primary;
  required: the API connects only to the URL it is given; ``make serve`` passes the
  project's own ``.localdb/`` server when this is unset);
* ``PARKSTATS_READ_DATABASE_URL``: one or several replicas, comma-separated, that serve
  the reads while they replicate within the lag limit (default: none, the primary serves
  every read; see webapi/replicas.py);
* ``PARKSTATS_REPLICA_LAG_LIMIT``: seconds a replica may lag (Seconds_Behind_Master) and
  still serve reads; past it, reads go to the primary and health is degraded (default 30);
* ``PARKSTATS_REPLICA_CHECK_SECONDS``: how often each replica's status is read (default 1);
* ``PARKSTATS_CACHE_SECONDS``: response cache lifetime, 0 = off (default 30);
* ``PARKSTATS_STALE_ENTRIES``: last-good answers kept for stale-on-error (default 2000);
* ``PARKSTATS_PLAN_SECONDS``: watermarks kept in-process, 0 = off (default 1);
* ``PARKSTATS_POOL_SIZE``: most pooled connections per pool, i.e. statements a pool runs
  at once; the others wait for a connection (default 4: about twice the cores of the
  2-core database server this was measured on; raise it for a bigger one);
* ``PARKSTATS_DB_CONNECT_TIMEOUT`` / ``PARKSTATS_DB_READ_TIMEOUT``: seconds a request waits
  to connect / for each read (default 1 / 1.5: a request answers within 2 s even when
  the database hangs);
* ``PARKSTATS_MONITOR_TIMEOUT``: the same limit for /api/health and /metrics (default 1);
* ``PARKSTATS_PROBE_SECONDS``: how often a database known bad is probed (default 1).
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

from parkstats.db import DatabaseUrl


def utc_now() -> datetime:
    """The real clock: naive UTC, whole seconds (stored DATETIMEs are naive UTC)."""
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


DEFAULTS = {
    "DATABASE_URL": None,
    "READ_DATABASE_URL": None,
    # Seconds a replica may lag behind the primary and still serve reads.
    "REPLICA_LAG_LIMIT": 30.0,
    # Seconds between two readings of a replica's SHOW REPLICA STATUS.
    "REPLICA_CHECK_SECONDS": 1.0,
    "CACHE_SECONDS": 30,
    "STALE_ENTRIES": 2000,
    # More statements at once than the database has cores only make them queue inside
    # it: 40 rankings of a cold cache took 0.78 s with 32 connections, 0.22 s with 4
    # (the 1,000-request cold burst 1.26 -> 0.72 s) on the 2-core bench machine.
    "POOL_SIZE": 4,
    "DB_CONNECT_TIMEOUT": 1.0,
    "DB_READ_TIMEOUT": 1.5,
    "MONITOR_TIMEOUT": 1.0,
    # Seconds between the background probes of a database whose breaker is open.
    "PROBE_SECONDS": 1.0,
    # Largest request body accepted (the API answers GET only): 413 above it.
    "MAX_CONTENT_LENGTH": 64 * 1024,
    # Seconds the aggregation watermarks and queue are kept in-process for planning the
    # period queries (0 = read with every ranking); see webapi.query.state.PlanCache.
    "PLAN_SECONDS": 1.0,
    # Seconds the settings rows (snapshot interval...) are kept in-process.
    "SETTINGS_SECONDS": 60,
    # "now" for every period: a callable returning naive UTC (tests inject a clock).
    "NOW": utc_now,
    # Health thresholds (seconds).
    "HOURLY_LAG_LIMIT": 15 * 60,
    "DAILY_LAG_LIMIT": 2 * 3600,
    "SNAPSHOT_AGE_LIMIT": 15 * 60,
    # Live: a park's latest snapshot counts when it is at most this old.
    "LIVE_WINDOW_SECONDS": 2 * 3600,
    "ATTRIBUTION": {"data_source": "Queue-Times.com", "url": "https://queue-times.com"},
}

ENVIRONMENT = {
    "PARKSTATS_DATABASE_URL": ("DATABASE_URL", str),
    "PARKSTATS_READ_DATABASE_URL": ("READ_DATABASE_URL", str),
    "PARKSTATS_REPLICA_LAG_LIMIT": ("REPLICA_LAG_LIMIT", float),
    "PARKSTATS_REPLICA_CHECK_SECONDS": ("REPLICA_CHECK_SECONDS", float),
    "PARKSTATS_CACHE_SECONDS": ("CACHE_SECONDS", float),
    "PARKSTATS_STALE_ENTRIES": ("STALE_ENTRIES", int),
    "PARKSTATS_POOL_SIZE": ("POOL_SIZE", int),
    "PARKSTATS_PLAN_SECONDS": ("PLAN_SECONDS", float),
    "PARKSTATS_DB_CONNECT_TIMEOUT": ("DB_CONNECT_TIMEOUT", float),
    "PARKSTATS_DB_READ_TIMEOUT": ("DB_READ_TIMEOUT", float),
    "PARKSTATS_MONITOR_TIMEOUT": ("MONITOR_TIMEOUT", float),
    "PARKSTATS_PROBE_SECONDS": ("PROBE_SECONDS", float),
}


def load(overrides: dict | None = None) -> dict:
    config = dict(DEFAULTS)
    for variable, (key, kind) in ENVIRONMENT.items():
        value = os.environ.get(variable)
        if value not in (None, ""):
            try:
                config[key] = kind(value)
            except ValueError as exc:
                raise ValueError(f"{variable}={value!r} is not a valid {kind.__name__}") from exc
    config.update(overrides or {})
    if not config["DATABASE_URL"]:
        raise RuntimeError("PARKSTATS_DATABASE_URL is not set "
                           "(mysql://user:password@host:port/database); the API connects only "
                           "to the database it is given")
    config["READ_DATABASE_URLS"] = replica_urls(config["READ_DATABASE_URL"],
                                                config["DATABASE_URL"])
    for key in ("REPLICA_LAG_LIMIT", "REPLICA_CHECK_SECONDS"):
        if not config[key] > 0:
            raise ValueError(f"PARKSTATS_{key}={config[key]!r} must be a number of seconds "
                             f"above 0")
    return config


def replica_urls(value: str | None, primary: str) -> list[str]:
    """The replica URLs of PARKSTATS_READ_DATABASE_URL (comma-separated; empty or unset:
    none; the primary's own URL is not a replica). ValueError naming a URL that does not
    parse."""
    urls: list[str] = []
    for url in (part.strip() for part in (value or "").split(",")):
        if not url or url == primary or url in urls:
            continue
        try:
            DatabaseUrl.parse(url)
        except ValueError as exc:
            raise ValueError(f"PARKSTATS_READ_DATABASE_URL: {url!r} is not a database URL "
                             f"(mysql://user:password@host:port/database): {exc}") from None
        urls.append(url)
    return urls
