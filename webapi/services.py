"""Per-application state: pools, calendar, settings, caches, metrics, clock."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta

from flask import current_app

from webapi.cache import ResponseCache
from webapi.calendar import Calendar
from webapi.db import Database
from webapi.metrics import Metrics
from webapi.stats import PlanCache


class Services:
    def __init__(self, config: dict):
        self.config = config
        pool = dict(pool_size=config["POOL_SIZE"], connect_timeout=config["DB_CONNECT_TIMEOUT"],
                    read_timeout=config["DB_READ_TIMEOUT"])
        self.db = Database(config["DATABASE_URL"], **pool)
        if config["READ_DATABASE_URL"] == config["DATABASE_URL"]:
            self.read_db = self.db
        else:
            self.read_db = Database(config["READ_DATABASE_URL"], **pool)
        self.calendar = Calendar(self.read_db)
        # Health and metrics read the primary only (a replica may be the one that is down).
        self.primary_calendar = (self.calendar if self.read_db is self.db
                                 else Calendar(self.db))
        self.plans = PlanCache(config["PLAN_SECONDS"])
        self.cache = ResponseCache(config["CACHE_SECONDS"], config["STALE_ENTRIES"])
        self.metrics = Metrics(self)
        self._clock = config["NOW"]
        self._settings: dict[str, str] = {}
        self._settings_read = float("-inf")
        self._settings_lock = threading.Lock()
        self.live_window = timedelta(seconds=config["LIVE_WINDOW_SECONDS"])

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
