"""Concurrent collectors: 8 at once, writing and re-writing snapshots of their parks.

Each collector is a thread with its own connection calling
``record_park_snapshot`` for its share of the parks, slot after slot (the 5-minute
slots of the last hour, real clock). Per park and slot it makes three calls:

* ``new``: the slot's snapshot, random statuses and waits for every ride;
* ``retry``: the same call again, byte for byte (a collector that lost the
  acknowledgement and sends again);
* ``rewrite``: the park's previous slot again with other statuses and waits (a
  correction, the upsert path that re-derives the park's day of ride rows).

Two collectors share a park (the first park of the first collector is also the
second's), so the same snapshot is written from two sessions at once, and a
ninth thread calls ``run_aggregation()`` once a second meanwhile, as the event
does, so that ingest and aggregation meet. No call retries on error: the target
is that no error reaches any collector. Afterwards every park snapshot must
still be the sum of its ride rows, every (park, slot) written must be stored
once, and ``verify_aggregates`` over the slots must find no difference once
the buckets that failed meanwhile are redone. A bucket the cycle could not
write (a deadlock with a collector's transaction: InnoDB rolls back the
aggregation, which then queues the bucket for a later cycle) is not an error
that reaches a collector, and nothing is lost: it is reported, then redone
with ``aggregate_hour`` before the check, as the queue's next attempt (minutes
later) would.

Runs in a scratch database (``<bench database>_collectors``, rebuilt each run
with the bench database's parks and rides), so that the bench database's
history and its pinned clock stay as built.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta

import pymysql

from bench.database import migrate_retrying
from bench.jobs import call
from bench.stats import summary
from parkstats.collector import floor_slot, utcnow
from parkstats.db import DatabaseUrl, connect

KINDS = ("new", "retry", "rewrite")
STATUSES = ("OPERATING", "OPERATING", "OPERATING", "DOWN", "CLOSED", "REFURBISHMENT")
# Every snapshot is the sum of its ride rows (the columns record_park_snapshot derives).
MISMATCHED = """
SELECT COUNT(*)
  FROM park_snapshots AS s
  LEFT JOIN (SELECT park_id, recorded_at, COUNT(*) AS n,
                    SUM(ride_class = 'operating') AS operating,
                    SUM(ride_class = 'down') AS down,
                    SUM(weight_counted) AS weight
               FROM ride_snapshots
              WHERE recorded_at >= %(first)s
              GROUP BY park_id, recorded_at) AS r
    ON r.park_id = s.park_id
   AND r.recorded_at = s.recorded_at
 WHERE s.recorded_at >= %(first)s
   AND NOT (s.rides_total <=> r.n
            AND s.rides_operating <=> r.operating
            AND s.rides_down <=> r.down
            AND s.weight_total <=> r.weight)
"""


def scratch_database(source: DatabaseUrl, say=print) -> DatabaseUrl:
    """``<source>_collectors``: dropped, installed and given the source's parks and rides."""
    url = source.with_database(f"{source.database}_collectors")
    with connect(source, database=False) as conn, conn.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS `{url.database}`")
    migrate_retrying(url, say)
    with connect(url) as conn, conn.cursor() as cur:
        cur.execute(f"INSERT INTO parks SELECT * FROM `{source.database}`.parks")
        cur.execute(f"INSERT INTO rides SELECT * FROM `{source.database}`.rides")
    return url


def park_shares(park_ids: list[int], collectors: int) -> list[list[int]]:
    """The parks of each collector: a round-robin split, and the first collector's
    first park also the second collector's (the shared park)."""
    shares = [park_ids[i::collectors] for i in range(collectors)]
    if collectors > 1:
        shares[1].append(shares[0][0])
    return shares


def ride_item(rng: random.Random, ride_id: int) -> dict:
    """One ride of a snapshot: a random status, a wait only when operating."""
    status = rng.choice(STATUSES)
    wait = rng.choice((5, 15, 40, None)) if status == "OPERATING" else None
    return {"ride_id": ride_id, "status": status, "wait_minutes": wait}


def rides_json(rng: random.Random, rides: list[int]) -> str:
    return json.dumps([ride_item(rng, r) for r in rides])


class _Collector(threading.Thread):
    """One collector: its parks, slot after slot, three calls each (see the module)."""

    def __init__(self, url: DatabaseUrl, seed: int, parks: dict[int, list[int]],
                 slots: list[datetime]):
        super().__init__(name=f"collector-{seed}")
        self.url, self.rng, self.parks, self.slots = url, random.Random(seed), parks, slots
        self.seconds: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []
        self.written: set[tuple[int, datetime]] = set()

    def record(self, cur, kind: str, park: int, at: datetime, rides: str) -> None:
        began = time.perf_counter()
        try:
            call(cur, "CALL record_park_snapshot(%s, %s, 1, %s)", (park, at, rides))
        except pymysql.MySQLError as exc:
            self.errors.append(f"{kind}: {exc.args[0]} {exc.args[-1]}")
            return
        self.seconds[kind].append(time.perf_counter() - began)
        self.written.add((park, at))

    def run(self) -> None:
        with connect(self.url) as conn, conn.cursor() as cur:
            for i, at in enumerate(self.slots):
                for park, rides in self.parks.items():
                    sent = rides_json(self.rng, rides)
                    self.record(cur, "new", park, at, sent)
                    self.record(cur, "retry", park, at, sent)
                    if i > 0:
                        self.record(cur, "rewrite", park, self.slots[i - 1],
                                    rides_json(self.rng, rides))


class _Scheduler(threading.Thread):
    """``run_aggregation()`` once a second until stopped, as the event would."""

    def __init__(self, url: DatabaseUrl):
        super().__init__(name="scheduler")
        self.url = url
        self.stop = threading.Event()
        self.cycles = 0
        self.errors: list[str] = []

    def run(self) -> None:
        with connect(self.url) as conn, conn.cursor() as cur:
            while not self.stop.is_set():
                try:
                    call(cur, "CALL run_aggregation()")
                    self.cycles += 1
                except pymysql.MySQLError as exc:
                    self.errors.append(f"{exc.args[0]} {exc.args[-1]}")
                self.stop.wait(1)


def failed_buckets(cur) -> list[str]:
    """The aggregation buckets that failed (and were queued for a later cycle): level,
    bucket, error."""
    cur.execute("SELECT job_type, period_start, error_code, error_message "
                "FROM aggregation_job_log WHERE status = 'failed' ORDER BY job_id")
    return [f"{level} {start}: {code} {message}" for level, start, code, message in cur.fetchall()]


def settle_and_verify(cur, start: datetime, end: datetime) -> dict:
    """Redo the queued hours now (``aggregate_hour``: a DBA's call, instead of waiting for
    the queue's next attempt), run a cycle, then ``verify_aggregates(start, end)``: its
    summary row."""
    cur.execute("SELECT period_start FROM aggregation_queue WHERE level = 'hourly'")
    for (hour,) in cur.fetchall():
        call(cur, "CALL aggregate_hour(%s)", (hour,))
    call(cur, "CALL run_aggregation()")
    return call(cur, "CALL verify_aggregates(%s, %s)", (start, end))[0]


def measure(url: DatabaseUrl, *, collectors: int = 8, slots: int = 12,
            say: Callable[[str], None] = print) -> dict:
    """Run ``collectors`` collectors over the last ``slots`` 5-minute slots of the real
    clock in the database ``url`` (its parks and rides), with a cycle running; the
    calls' timings by kind, the errors, and the consistency checks afterwards."""
    with connect(url) as conn, conn.cursor() as cur:
        cur.execute("SELECT park_id, ride_id FROM rides ORDER BY park_id, ride_id")
        rides: dict[int, list[int]] = defaultdict(list)
        for park, ride in cur.fetchall():
            rides[park].append(ride)
    last = floor_slot(utcnow())
    times = [last - timedelta(minutes=5 * k) for k in reversed(range(slots))]
    shares = park_shares(sorted(rides), collectors)
    threads = [_Collector(url, seed, {p: rides[p] for p in share}, times)
               for seed, share in enumerate(shares)]
    scheduler = _Scheduler(url)
    began = time.perf_counter()
    scheduler.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - began
    scheduler.stop.set()
    scheduler.join()
    errors = [e for t in threads for e in t.errors]
    written = set().union(*(t.written for t in threads))
    with connect(url, read_timeout=600) as conn, conn.cursor() as cur:
        cur.execute(MISMATCHED, {"first": times[0]})
        mismatched = cur.fetchone()[0]
        cur.execute("SELECT COUNT(*) FROM park_snapshots WHERE recorded_at >= %s", (times[0],))
        stored = cur.fetchone()[0]
        failed = failed_buckets(cur)
        verify = settle_and_verify(cur, times[0].replace(minute=0), last + timedelta(minutes=5))
    out = {
        "collectors": collectors, "slots": slots, "parks": len(rides),
        "shared_park": shares[0][0] if collectors > 1 else None,
        "wall_s": round(wall, 2),
        "calls": {k: summary([s for t in threads for s in t.seconds[k]]) for k in KINDS},
        "errors": len(errors), "error_kinds": sorted(set(errors))[:10],
        "scheduler_cycles": scheduler.cycles, "scheduler_errors": scheduler.errors[:10],
        "buckets_failed_and_queued": failed,
        "snapshots_written": len(written), "snapshots_stored": stored,
        "snapshots_not_their_ride_rows": mismatched,
        "verify_differences": int(verify["differences"]), "verify_summary": verify["summary"],
    }
    out["ok"] = (not errors and not scheduler.errors and stored == len(written)
                 and mismatched == 0 and out["verify_differences"] == 0)
    say(f"  {sum(s['n'] for s in out['calls'].values())} calls in {out['wall_s']} s, "
        f"errors {out['errors']} {out['error_kinds'] or ''}; {stored} snapshots stored of "
        f"{len(written)} written, {mismatched} not the sum of their ride rows; "
        f"{len(failed)} bucket(s) the cycle failed and queued, redone; "
        f"verify: {verify['summary']}")
    return out
