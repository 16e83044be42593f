"""Per-application state: pools, calendar, settings, caches, metrics, clock."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta

from flask import current_app

from parkstats.db import DatabaseUrl
from webapi.breaker import DatabaseBreaker
from webapi.cache import ResponseCache
from webapi.calendar import Calendar
from webapi.db import Database, breaker_for
from webapi.metrics import Metrics
from webapi.query.state import PlanCache
from webapi.replicas import ReadDatabases, ReplicaWatch


class Services:
    def __init__(self, config: dict):
        self.config = config
        connect, read = config["DB_CONNECT_TIMEOUT"], config["DB_READ_TIMEOUT"]
        primary = self._breaker(config["DATABASE_URL"])
        self.db = Database(config["DATABASE_URL"], breaker=primary,
                           pool_size=config["POOL_SIZE"], connect_timeout=connect,
                           read_timeout=read)
        # Health and metrics read the primary only (a replica may be the one that is
        # down), through a small pool of their own with their own short limit, behind
        # the primary's breaker: a scrape never waits on a query longer than that.
        monitor = min(config["MONITOR_TIMEOUT"], connect)
        self.monitor_db = Database(config["DATABASE_URL"], breaker=primary, pool_size=4,
                                   connect_timeout=monitor,
                                   read_timeout=config["MONITOR_TIMEOUT"])
        # Reads go to a replica replicating within the lag limit, else to the primary.
        self.read_db = ReadDatabases(self.db, [self._replica(url, monitor)
                                               for url in config["READ_DATABASE_URLS"]])
        self.calendar = Calendar(self.read_db)
        self.primary_calendar = Calendar(self.monitor_db)
        self.plans = PlanCache(config["PLAN_SECONDS"])
        # Followers of a single-flight computation wait no longer than its leader's
        # own limit (connecting, then one read).
        self.cache = ResponseCache(config["CACHE_SECONDS"], config["STALE_ENTRIES"],
                                   wait_seconds=connect + read)
        self.metrics = Metrics(self)
        self._clock = config["NOW"]
        self._settings: dict[str, str] = {}
        self._settings_read = float("-inf")
        self._settings_lock = threading.Lock()
        self.live_window = timedelta(seconds=config["LIVE_WINDOW_SECONDS"])

    def _replica(self, url: str, monitor: float) -> tuple[Database, ReplicaWatch]:
        """A replica's read pool and the watch of its replication state: a pool of one
        connection with the monitor's timeouts, behind the replica's breaker too."""
        config = self.config
        breaker = self._breaker(url)
        reads = Database(url, breaker=breaker, pool_size=config["POOL_SIZE"],
                         connect_timeout=config["DB_CONNECT_TIMEOUT"],
                         read_timeout=config["DB_READ_TIMEOUT"])
        status = Database(url, breaker=breaker, pool_size=1, connect_timeout=monitor,
                          read_timeout=config["MONITOR_TIMEOUT"])
        watch = ReplicaWatch(reads.source, status, lag_limit=config["REPLICA_LAG_LIMIT"],
                             check_seconds=config["REPLICA_CHECK_SECONDS"],
                             first_wait=monitor + config["MONITOR_TIMEOUT"])
        return reads, watch

    def _breaker(self, url: str) -> DatabaseBreaker:
        config = self.config
        return breaker_for(DatabaseUrl.parse(url), config["DB_CONNECT_TIMEOUT"],
                           config["DB_READ_TIMEOUT"], config["PROBE_SECONDS"])

    def now(self) -> datetime:
        """Naive UTC "now" (the injectable clock), whole seconds."""
        value = self._clock()
        if value.tzinfo is not None:
            value = value.replace(tzinfo=None) - (value.utcoffset() or timedelta(0))
        return value.replace(microsecond=0)

    def setting(self, name: str) -> str:
        """A settings row, re-read at most every SETTINGS_SECONDS."""
        if time.monotonic() - self._settings_read > self.config["SETTINGS_SECONDS"]:
            rows = self.read_db.query("SELECT setting_name, setting_value FROM settings")
            with self._settings_lock:
                self._settings = {r["setting_name"]: r["setting_value"] for r in rows}
                self._settings_read = time.monotonic()
        return self._settings[name]

    def interval_minutes(self) -> int:
        return int(self.setting("snapshot_interval_minutes"))


def services() -> Services:
    return current_app.extensions["parkstats"]
