"""The live collector simulation: a snapshot per park every 5 minutes.

``python -m parkstats collector`` (or ``run_collector(url)``) wakes up on
every 5-minute boundary of the real clock and calls
``record_park_snapshot(park_id, recorded_at, park_open, rides_json)`` for every
active demo park, ride by ride, continuing the behaviour of the demo history
(``parkstats.demo.ParkModel``): each park's opening hours in its own time zone,
rides in refurbishment, scheduled closures, breakdown tracks whose blocks last
15 minutes to 2 hours (the same hash as the history, so a breakdown in
progress when the history ends goes on), waits following the crowd of the day.

When it starts after a pause (the first start after the demo load, or a
restart hours later), it first fills the missing 5-minute slots (up to 8 days)
with the demo loader, without the bulk flag, so hours already aggregated are
queued for re-aggregation by the late-data triggers.  Then the event scheduler
does the rest: nothing here aggregates.
"""

from __future__ import annotations

import json
import signal
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pymysql

from parkstats.db import DatabaseUrl, connect
from parkstats.demo import (
    SLOT_MINUTES,
    DayPlan,
    ParkModel,
    load_demo,
    load_models,
    ride_wait,
    slot_index,
)

CATCH_UP_LIMIT = timedelta(days=8)


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def floor_slot(at: datetime, minutes: int = SLOT_MINUTES) -> datetime:
    at = at.replace(second=0, microsecond=0)
    return at - timedelta(minutes=at.minute % minutes)


def ride_statuses(model: ParkModel, at: datetime, plan: DayPlan) -> tuple[int, list[dict]]:
    """(park_open, rides_json items) of a park at ``at`` (UTC, on a 5-minute slot): the
    same statuses and waits as the history's SQL (``parkstats.demo.RIDE_ROWS``)."""
    park_open = plan.open_at is not None and plan.open_at <= at < plan.close_at
    rides = sorted(model.rides, key=lambda r: r.ride_id)
    if not park_open:
        return 0, [{"ride_id": r.ride_id,
                    "status": "REFURBISHMENT" if r.ride_id in plan.refurb else "CLOSED",
                    "wait_minutes": None} for r in rides]
    down = model.down_rides(at, plan)
    wave = model.wait_wave(at, plan)
    factors = model.wait_factors(plan)
    g = slot_index(at)
    down_status = "CLOSED" if model.info.closed_means_down else "DOWN"
    items = []
    for r in rides:
        if r.ride_id in plan.refurb:
            items.append({"ride_id": r.ride_id, "status": "REFURBISHMENT", "wait_minutes": None})
        elif r.ride_id in plan.closed:
            items.append({"ride_id": r.ride_id, "status": "CLOSED", "wait_minutes": None})
        elif r.ride_id in down:
            items.append({"ride_id": r.ride_id, "status": down_status, "wait_minutes": None})
        else:
            items.append({"ride_id": r.ride_id, "status": "OPERATING",
                          "wait_minutes": ride_wait(wave, factors[r.ride_id], r.ride_id, g)})
    return 1, items


class Collector:
    """Writes one snapshot per park per slot through record_park_snapshot()."""

    def __init__(self, url: DatabaseUrl, say: Callable[[str], None] = print):
        self.url = url
        self.say = say
        self.conn: pymysql.Connection | None = None
        self.models: list[ParkModel] = []
        self.zone: ZoneInfo | None = None

    def _connection(self) -> pymysql.Connection:
        if self.conn is None or not self.conn.open:
            self.conn = connect(self.url)
            with self.conn.cursor() as cur:
                cur.execute("SELECT setting_value FROM settings "
                            "WHERE setting_name = 'reporting_time_zone'")
                self.zone = ZoneInfo(cur.fetchone()[0])
            self.models = load_models(self.conn)
        return self.conn

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def latest_snapshot(self) -> datetime | None:
        with self._connection().cursor() as cur:
            cur.execute("SELECT MAX(recorded_at) FROM park_snapshots")
            return cur.fetchone()[0]

    def catch_up(self, now: datetime) -> int:
        """Fill the slots missed since the newest snapshot (at most 8 days back)."""
        latest = self.latest_snapshot()
        last_slot = floor_slot(now) - timedelta(minutes=SLOT_MINUTES)
        if latest is None or latest >= last_slot:
            return 0
        start = max(latest + timedelta(minutes=SLOT_MINUTES), last_slot - CATCH_UP_LIMIT)
        self.say(f"collector: filling the gap since {latest:%Y-%m-%d %H:%M} UTC "
                 f"({(last_slot - latest) / timedelta(minutes=1):.0f} minutes)")
        result = load_demo(self._connection(), start=start, end=last_slot, bulk=False,
                           aggregate=False, progress=False, models=self.models)
        return result.snapshots

    def collect(self, at: datetime) -> str:
        conn = self._connection()
        began = time.monotonic()
        open_parks = down = written = 0
        failures = []
        with conn.cursor() as cur:
            for model in self.models:
                local_day = at.replace(tzinfo=UTC).astimezone(self.zone).date()
                plan = model.day_plan(local_day, self.zone)
                park_open, items = ride_statuses(model, at, plan)
                try:
                    cur.execute("CALL record_park_snapshot(%s, %s, %s, %s)",
                                (model.park_id, at, park_open, json.dumps(items)))
                    row = cur.fetchone()
                    while cur.nextset():
                        pass
                except pymysql.MySQLError as exc:
                    failures.append(f"park {model.park_id}: {exc.args[-1]}")
                    if isinstance(exc, pymysql.OperationalError):
                        self.close()
                        break
                    continue
                written += 1
                open_parks += park_open
                down += row[2] if row else 0
        line = (f"collector: {at:%Y-%m-%d %H:%M} UTC, {written} parks recorded "
                f"({open_parks} open, {down} rides down) in {time.monotonic() - began:.1f} s")
        if failures:
            line += f"; {len(failures)} failed, first: {failures[0]}"
        return line


def run_collector(url: DatabaseUrl, interval: int = SLOT_MINUTES * 60, once: bool = False,
                  stop: threading.Event | None = None,
                  say: Callable[[str], None] = print) -> None:
    """Collect on every ``interval`` boundary of the real clock until ``stop`` is set
    (or SIGINT/SIGTERM when run in the main thread)."""
    stop = stop or threading.Event()
    previous = {}
    if threading.current_thread() is threading.main_thread() and not once:
        for sig in (signal.SIGINT, signal.SIGTERM):
            previous[sig] = signal.signal(sig, lambda *_: stop.set())

    def log(msg: str) -> None:
        say(msg)
        sys.stdout.flush()

    collector = Collector(url, log)
    step = timedelta(seconds=interval)
    last: datetime | None = None
    try:
        while not stop.is_set():
            now = utcnow()
            slot = floor_slot(now, max(1, interval // 60))
            if last is not None and slot <= last and not once:
                # Sleep until the next slot (a stop request wakes us up).
                stop.wait(max(0.0, (last + step - utcnow()).total_seconds()))
                continue
            try:
                if last is None or slot - last > step:
                    # First round, or back after an outage: the slots missed so far
                    # (not the current one) are filled in bulk first.
                    collector.catch_up(now)
                log(collector.collect(slot))
                last = slot
            except pymysql.MySQLError as exc:
                collector.close()
                log(f"collector: database unavailable ({exc.args[-1]}); retrying in 30 s")
                if once:
                    raise
                stop.wait(30)
                continue
            if once:
                return
    finally:
        collector.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
