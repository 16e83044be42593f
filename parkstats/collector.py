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

It follows the primary (docs/scale-out.md).  It may be given several candidate
servers (``PARKSTATS_COLLECTOR_DATABASE_URL``, comma-separated); it writes to the
one that answers ``primary_of_record_state() = 'primary'`` (writable and the
primary of record), asks again before every slot and whenever a write fails with a
lost connection or the read-only error 1290, and each time it connects (start,
reconnection after an outage, switch to a new primary) it re-sends every slot of a
recent window (``RESEND_WINDOW``, 30 minutes) through ``record_park_snapshot``, an
idempotent upsert: snapshots written to an old primary in its last seconds may
never have reached the replica that replaced it.
"""

from __future__ import annotations

import json
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
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
# What the collector re-sends each time it connects (see the module docstring).
RESEND_WINDOW = timedelta(minutes=30)
RESEND_WINDOW_LIMIT = timedelta(days=1)
# Seconds to wait for a candidate server to answer before asking the next one.
CONNECT_TIMEOUT = 5
# MariaDB/MySQL errors after which the server written to may no longer be the primary:
# 1290 (--read-only), 1053 (shutdown in progress), 1927 (connection killed); client
# errors (2000-2999: cannot connect, server gone away, connection lost) are added by
# ``primary_lost``.
PRIMARY_LOST_ERRORS = frozenset({1290, 1053, 1927})


class NoPrimary(RuntimeError):
    """No candidate server is the writable primary of record (or several say they are)."""


def candidate_urls(text: str) -> tuple[DatabaseUrl, ...]:
    """The servers of a comma-separated list of database URLs (a comma inside a password
    is written %2C); ValueError naming the list when an item is empty, is not a URL or
    names a server and database twice."""
    urls = []
    for item in text.split(","):
        if not item.strip():
            raise ValueError(f"empty item in the database URL list {text!r}: "
                             "expected mysql://user:password@host:port/database[,...]")
        url = DatabaseUrl.parse(item.strip())
        if any(server_name(u) == server_name(url) for u in urls):
            raise ValueError(f"{server_name(url)} is listed twice in {text!r}")
        urls.append(url)
    return tuple(urls)


def resend_window(minutes: int) -> timedelta:
    """The re-send window of ``minutes`` (0 turns re-sending off); ValueError naming the
    value outside 0 to 1440 (a day)."""
    window = timedelta(minutes=minutes)
    if not timedelta(0) <= window <= RESEND_WINDOW_LIMIT:
        raise ValueError(f"re-send window {minutes} minutes: expected 0 to "
                         f"{RESEND_WINDOW_LIMIT // timedelta(minutes=1)} minutes")
    return window


def server_name(url: DatabaseUrl) -> str:
    """``host:port/database``, how the log names a server (never its password)."""
    return f"{url.host}:{url.port}/{url.database}"


def primary_lost(exc: Exception) -> bool:
    """Whether a failed write means the server may no longer be the primary: the
    connection is gone (client errors 2000-2999, pymysql's InterfaceError on a closed
    connection) or the server refuses writes (read-only)."""
    if isinstance(exc, pymysql.InterfaceError):
        return True
    code = exc.args[0] if exc.args and isinstance(exc.args[0], int) else 0
    return code in PRIMARY_LOST_ERRORS or 2000 <= code < 3000


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
    """Writes one snapshot per park per slot through record_park_snapshot(), to the
    candidate server that is the primary of record.

    ``urls``: one server or several candidates (e.g. the primary and its replicas).
    ``window``: what is re-sent on each new connection (``RESEND_WINDOW``).
    """

    def __init__(self, urls: DatabaseUrl | Sequence[DatabaseUrl],
                 say: Callable[[str], None] = print, window: timedelta = RESEND_WINDOW):
        self.candidates = (urls,) if isinstance(urls, DatabaseUrl) else tuple(urls)
        if not self.candidates:
            raise ValueError("the collector needs at least one database URL")
        self.window = window
        self.say = say
        self.conn: pymysql.Connection | None = None
        self.server: DatabaseUrl | None = None  # the server connected to (or last written to)
        self.resync_due = False
        self.models: list[ParkModel] = []
        self.zone: ZoneInfo | None = None

    def primary_state(self, url: DatabaseUrl) -> tuple[str, pymysql.Connection | None]:
        """(``primary_of_record_state()`` of ``url``, or why it could not be asked; the
        open connection when the state is 'primary', else None)."""
        try:
            conn = connect(url, connect_timeout=CONNECT_TIMEOUT)
        except pymysql.MySQLError as exc:
            return f"unreachable ({exc.args[-1]})", None
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT primary_of_record_state()")
                state = cur.fetchone()[0]
        except pymysql.MySQLError as exc:
            conn.close()
            return f"cannot say ({exc.args[-1]})", None
        if state != "primary":
            conn.close()
            return state, None
        return state, conn

    def find_primary(self) -> tuple[DatabaseUrl, pymysql.Connection]:
        """The one candidate that is the writable primary of record, and a connection to
        it; NoPrimary listing every candidate's answer when none is, or when several
        are (the collector then writes nowhere rather than to both)."""
        states = []
        found = []
        for url in self.candidates:
            state, conn = self.primary_state(url)
            states.append(f"{server_name(url)}: {state}")
            if conn is not None:
                found.append((url, conn))
        if len(found) == 1:
            return found[0]
        for _url, conn in found:
            conn.close()
        if found:
            raise NoPrimary("several servers say they are the primary of record, writing to "
                            "none: " + "; ".join(states))
        raise NoPrimary("no primary of record among " + "; ".join(states))

    def _connection(self) -> pymysql.Connection:
        """The connection to the primary, opened (after finding the primary) if needed;
        a new connection makes the catch-up and the window's re-send due."""
        if self.conn is None or not self.conn.open:
            url, self.conn = self.find_primary()
            if self.server is not None and url != self.server:
                self.say(f"collector: the primary is now {server_name(url)} "
                         f"(was {server_name(self.server)})")
            self.server = url
            self.resync_due = True
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

    def confirm_primary(self) -> pymysql.Connection:
        """The connection to the primary after asking the server written to whether it
        still is the primary of record (once per slot: a planned switch-over makes the
        old primary read-only, which an account with READ_ONLY ADMIN would not notice);
        if not, the candidates are asked again."""
        if self.conn is not None and self.conn.open:
            try:
                with self.conn.cursor() as cur:
                    cur.execute("SELECT primary_of_record_state()")
                    state = cur.fetchone()[0]
            except pymysql.MySQLError as exc:
                state = f"cannot say ({exc.args[-1]})"
            if state != "primary":
                self.say(f"collector: {server_name(self.server)} is no longer the primary "
                         f"({state}); looking for the primary")
                self.close()
        return self._connection()

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

    def resend(self, at: datetime) -> int:
        """Re-records every park at every slot of the window before ``at`` (UTC, a slot),
        the slots of the catch-up included; returns the snapshots written.  Raises the
        MySQLError of a write that lost the primary (the window stays due); nothing
        when the window is 0."""
        slots = []
        slot = floor_slot(at - self.window + timedelta(minutes=SLOT_MINUTES - 1))
        while slot < at:
            slots.append(slot)
            slot += timedelta(minutes=SLOT_MINUTES)
        if not slots:
            return 0
        began = time.monotonic()
        written, failures = 0, []
        for slot in slots:
            slot_written, slot_failures = self._write_slot(slot)[:2]
            written += slot_written
            failures += slot_failures
        line = (f"collector: re-sent {len(slots)} slots ({slots[0]:%H:%M} to "
                f"{slots[-1]:%H:%M} UTC, {written} snapshots) to {server_name(self.server)} "
                f"in {time.monotonic() - began:.1f} s: the last "
                f"{self.window // timedelta(minutes=1)} minutes, which a failover may have lost")
        if failures:
            line += f"; {len(failures)} failed, first: {failures[0]}"
        self.say(line)
        return written

    def _write_slot(self, at: datetime) -> tuple[int, list[str], int, int]:
        """Calls record_park_snapshot for every park at ``at``: (written, failures,
        open parks, rides down).  A write that lost the primary closes the connection
        (the next connection catches up and re-sends the window) and is raised."""
        written = open_parks = down = 0
        failures = []
        with self.conn.cursor() as cur:
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
                    if primary_lost(exc):
                        self.close()
                        self.resync_due = True
                        self.say(f"collector: writing {at:%Y-%m-%d %H:%M} UTC to "
                                 f"{server_name(self.server)} failed after {written} parks "
                                 f"({exc.args[-1]}); looking for the primary")
                        raise
                    failures.append(f"park {model.park_id}: {exc.args[-1]}")
                    continue
                written += 1
                open_parks += park_open
                down += row[2] if row else 0
        return written, failures, open_parks, down

    def collect(self, at: datetime) -> str:
        """Records every park at slot ``at`` (UTC) on the primary of record, after the
        catch-up and the window's re-send when the connection is new; returns the log
        line.  NoPrimary, or the MySQLError of a lost primary, when nothing could be
        written (call again: the next call looks for the primary)."""
        self.confirm_primary()
        if self.resync_due:
            self.catch_up(at)
            self.resend(at)
            self.resync_due = False
        began = time.monotonic()
        written, failures, open_parks, down = self._write_slot(at)
        line = (f"collector: {at:%Y-%m-%d %H:%M} UTC, {written} parks recorded "
                f"({open_parks} open, {down} rides down) in {time.monotonic() - began:.1f} s")
        if failures:
            line += f"; {len(failures)} failed, first: {failures[0]}"
        return line


def run_collector(urls: DatabaseUrl | Sequence[DatabaseUrl], interval: int = SLOT_MINUTES * 60,
                  once: bool = False, stop: threading.Event | None = None,
                  say: Callable[[str], None] = print, window: timedelta = RESEND_WINDOW) -> None:
    """Collect on every ``interval`` boundary of the real clock until ``stop`` is set
    (or SIGINT/SIGTERM when run in the main thread), on the candidate server that is the
    primary of record (``Collector``); a slot that could not be written (no primary, lost
    connection) is tried again every 30 s."""
    stop = stop or threading.Event()
    previous = {}
    if threading.current_thread() is threading.main_thread() and not once:
        for sig in (signal.SIGINT, signal.SIGTERM):
            previous[sig] = signal.signal(sig, lambda *_: stop.set())

    def log(msg: str) -> None:
        say(msg)
        sys.stdout.flush()

    collector = Collector(urls, log, window)
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
                if last is not None and slot - last > step:
                    # Back after a pause of this process (a suspended machine): the slots
                    # missed so far (not the current one) are filled in bulk first.  A
                    # new connection does the same by itself (Collector.collect).
                    collector.catch_up(now)
                log(collector.collect(slot))
                last = slot
            except (pymysql.MySQLError, NoPrimary) as exc:
                collector.close()
                reason = exc.args[-1] if isinstance(exc, pymysql.MySQLError) else exc
                log(f"collector: database unavailable ({reason}); retrying in 30 s")
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
