"""Jobs: backfill next to its floor, the new-hour cycle, a day, a year, retention.

Every job writes the park and the ride levels (hourly_ride_stats, ...) in the
same buckets; the backfill is compared with the park floor, and with the park
and ride floors together (each one INSERT ... SELECT ... GROUP BY).

All in the bench database with the procedures' clock pinned
(``@parkstats_now``) to the end of the history, so that every run measures
the same work whatever day it runs.

* backfill: aggregates are emptied (tables truncated, watermarks reset, as
  after a bulk load), then ``backfill_aggregates(first, to)`` over the whole
  raw history but the last few hours; the floor is one ``INSERT ... SELECT
  ... GROUP BY (hour, park)`` of the same rows into a scratch copy of
  ``hourly_park_stats`` (same columns and keys), the least any hourly
  aggregation of those rows can cost.
* new hour: once the server has written the backfill's pages and purged its
  undo log (``settle``), the hours left out by the backfill are aggregated one
  per ``run_aggregation()`` call, each in a session of its own, the clock set
  just after each hour's grace period, as the event does every 5 minutes.
* ``aggregate_day`` of a complete day and ``aggregate_year`` of the current
  (partial) year, repeated (absolute upserts: each call redoes the same work).
* retention: two scratch databases copied from the bench database, a small
  and a large ``park_snapshots``; in each in turn, ``apply_retention()`` with the
  clock set so that exactly the oldest day of raw data is past the retention
  horizon.  Each run drops the next oldest day; the copies are rebuilt when
  they run short.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from bench.database import BUILD_VERSION, migrate_retrying, read_meta, write_meta
from bench.stats import sample, summary
from parkstats.db import DatabaseUrl, connect

MEASURES = ("sample_count", "open_sample_count", "shame_sum", "shame_count", "wait_sum",
            "wait_count", "peak_wait_minutes", "down_samples", "weighted_down_samples",
            "operating_samples", "max_rides_down")
HOUR_OF = "TIMESTAMPADD(HOUR, TIMESTAMPDIFF(HOUR, '2000-01-01', {0}), '2000-01-01')"
FLOOR = f"""
INSERT INTO bench_floor_hourly (hour_start_utc, park_id, {", ".join(MEASURES)}, aggregated_at)
SELECT {HOUR_OF.format("s.recorded_at")} AS hour_start, s.park_id,
       COUNT(*),
       SUM(s.park_open),
       COALESCE(SUM(CASE WHEN s.park_open = 1 THEN s.shame_score END), 0),
       SUM(s.park_open = 1 AND s.shame_score IS NOT NULL),
       COALESCE(SUM(CASE WHEN s.park_open = 1 AND s.avg_wait_minutes IS NOT NULL
                         THEN s.avg_wait_minutes * s.rides_reporting END), 0),
       COALESCE(SUM(CASE WHEN s.park_open = 1 AND s.avg_wait_minutes IS NOT NULL
                         THEN s.rides_reporting END), 0),
       MAX(CASE WHEN s.park_open = 1 THEN s.peak_wait_minutes END),
       COALESCE(SUM(CASE WHEN s.park_open = 1 THEN s.rides_down END), 0),
       COALESCE(SUM(CASE WHEN s.park_open = 1 THEN s.weight_down END), 0),
       COALESCE(SUM(CASE WHEN s.park_open = 1 THEN s.rides_operating END), 0),
       MAX(CASE WHEN s.park_open = 1 THEN s.rides_down END),
       UTC_TIMESTAMP()
  FROM park_snapshots s
 WHERE s.recorded_at >= %s AND s.recorded_at < %s
 GROUP BY hour_start, s.park_id
"""


RIDE_MEASURES = ("sample_count", "open_sample_count", "operating_samples", "down_samples",
                 "closed_samples", "refurbishment_samples", "wait_sum", "wait_count",
                 "peak_wait_minutes")
# The ride level's floor: one INSERT ... SELECT ... GROUP BY (hour, ride) of the same
# ride rows (joined to their park snapshot for park_open, as the view does).
RIDE_WAIT = "r.park_open = 1 AND r.status = 'OPERATING' AND r.wait_minutes > 0"
FLOOR_RIDES = f"""
INSERT INTO bench_floor_hourly_rides (hour_start_utc, ride_id, park_id,
       {", ".join(RIDE_MEASURES)}, aggregated_at)
SELECT {HOUR_OF.format("r.recorded_at")} AS hour_start, r.ride_id, MAX(r.park_id),
       COUNT(*),
       COALESCE(SUM(r.park_open = 1), 0),
       COALESCE(SUM(r.park_open = 1 AND r.ride_class = 'operating'), 0),
       COALESCE(SUM(r.park_open = 1 AND r.ride_class = 'down'), 0),
       COALESCE(SUM(r.park_open = 1 AND r.ride_class = 'closed'), 0),
       COALESCE(SUM(r.park_open = 1 AND r.ride_class = 'refurbishment'), 0),
       COALESCE(SUM(CASE WHEN {RIDE_WAIT} THEN r.wait_minutes END), 0),
       COALESCE(SUM({RIDE_WAIT}), 0),
       MAX(CASE WHEN {RIDE_WAIT} THEN r.wait_minutes END),
       UTC_TIMESTAMP()
  FROM ride_snapshot_classes r
 WHERE r.recorded_at >= %s AND r.recorded_at < %s
 GROUP BY hour_start, r.ride_id
"""


def call(cur, sql: str, args=None) -> list[tuple]:
    """Run a CALL; the rows of its last result set (the procedures' summaries)."""
    cur.execute(sql, args)
    rows = list(cur.fetchall()) if cur.description else []
    names = [d[0] for d in cur.description] if cur.description else []
    while cur.nextset():
        if cur.description:
            rows = list(cur.fetchall())
            names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in rows]


def has_routine(cur, name: str) -> bool:
    cur.execute("SELECT 1 FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE() "
                "AND ROUTINE_NAME = %s", (name,))
    return cur.fetchone() is not None


def setting(cur, name: str) -> str:
    cur.execute("SELECT setting_value FROM settings WHERE setting_name = %s", (name,))
    return cur.fetchone()[0]


def floor_hour(at: datetime) -> datetime:
    return at.replace(minute=0, second=0, microsecond=0)


def reset_aggregates(cur) -> None:
    for table in ("hourly_park_stats", "daily_park_stats", "weekly_park_stats",
                  "yearly_park_stats", "hourly_ride_stats", "hourly_ride_totals",
                  "daily_ride_stats", "weekly_ride_stats", "monthly_ride_stats",
                  "yearly_ride_stats",
                  "aggregated_ranges", "aggregation_queue", "aggregation_job_log"):
        cur.execute(f"TRUNCATE TABLE {table}")
    cur.execute("UPDATE aggregation_watermarks "
                "SET done_through = NULL, updated_at = UTC_TIMESTAMP()")


def aggregate_all(url: DatabaseUrl, now: datetime, *, new_hours: int, floors: bool = True,
                  say=print) -> dict:
    """Backfill (timed), floor (timed; not with ``floors`` False), then the last
    ``new_hours`` hours one cycle each."""
    out: dict = {}
    with connect(url, read_timeout=7200) as conn, conn.cursor() as cur:
        cur.execute("SET @parkstats_now = %s", (now,))
        cur.execute("SELECT MIN(recorded_at), COUNT(*) FROM park_snapshots")
        first, _total = cur.fetchone()
        first = floor_hour(first)
        last_complete = floor_hour(now)  # hours before it are complete
        grace = int(setting(cur, "aggregation_grace_minutes"))
        if now < last_complete + timedelta(minutes=grace):
            last_complete -= timedelta(hours=1)
        to = last_complete - timedelta(hours=new_hours)
        cur.execute("SELECT COUNT(*) FROM park_snapshots WHERE recorded_at >= %s "
                    "AND recorded_at < %s", (first, to))
        rows = cur.fetchone()[0]
        say(f"Backfill of {rows:,} raw snapshots ({first} to {to} UTC) ...")
        reset_aggregates(cur)
        if has_routine(cur, "backfill_aggregates"):
            began = time.perf_counter()
            summary_rows = call(cur, "CALL backfill_aggregates(%s, %s)", (first, to))
            backfill_s = time.perf_counter() - began
            out["backfill"] = {"from": str(first), "to": str(to), "raw_rows": rows,
                               "seconds": round(backfill_s, 3),
                               "summary": _plain(summary_rows)}
        else:
            say("  backfill_aggregates() is not installed: aggregating with run_aggregation()")
            out["backfill"] = {"from": str(first), "to": str(to), "raw_rows": rows,
                               "seconds": None, "summary": "backfill_aggregates() not installed"}
            cur.execute("UPDATE settings SET setting_value = '1000000' "
                        "WHERE setting_name = 'max_hours_per_cycle'")
            cur.execute("SET @parkstats_now = %s", (to + timedelta(minutes=grace),))
            try:
                call(cur, "CALL run_aggregation()")
            finally:
                cur.execute("UPDATE settings SET setting_value = '48' "
                            "WHERE setting_name = 'max_hours_per_cycle'")
        say(f"  backfill: {out['backfill']['seconds']} s")

        if floors:
            _floors(cur, first, to, out, say)
        else:
            say("  floors not measured (--skip-floor): the backfill's ratio to them is not "
                "checked")

        out["settled_before_cycles"] = settle(cur, say)
        out["warmed_new_hours"] = warm_new_hours(cur, to, to + timedelta(hours=new_hours),
                                                 say)
        # New hours, one cycle each.
        cycles = []
        for i in range(new_hours):
            hour = to + timedelta(hours=i)
            reads = disk_reads(cur)
            seconds, summary_rows = cycle_in_own_session(
                url, hour + timedelta(hours=1, minutes=grace + 1))
            cycles.append({"hour": str(hour), "seconds": round(seconds, 4),
                           "pages_read_from_disk": disk_reads(cur) - reads,
                           "summary": _plain(summary_rows)})
        idle_s, idle = cycle_in_own_session(url, now)
        out["new_hour_cycle"] = {**summary([c["seconds"] for c in cycles]), "cycles": cycles,
                                 "idle_cycle_ms": round(idle_s * 1000, 2),
                                 "idle_summary": _plain(idle)}
        slowest = max(cycles, key=lambda c: c["seconds"]) if cycles else None
        say(f"  new-hour cycle: median {out['new_hour_cycle']['median_ms']} ms "
            f"(n={len(cycles)})"
            + (f", max {out['new_hour_cycle']['max_ms']} ms (hour {slowest['hour']} UTC)"
               if slowest else "")
            + cycles_detail(cycles) + f"; idle cycle {idle_s * 1000:.1f} ms")
    return out


# InnoDB's state after a bulk write: dirty pages of the buffer pool not yet written,
# and the undo log length the purge threads have yet to work through.
SETTLE_STATUS = ("Innodb_buffer_pool_pages_dirty", "Innodb_history_list_length")


def _innodb_backlog(cur) -> dict[str, int]:
    cur.execute("SHOW GLOBAL STATUS WHERE Variable_name IN (%s, %s)", SETTLE_STATUS)
    return {name: int(value) for name, value in cur.fetchall()}


def settle(cur, say=print, *, timeout_s: float = 900, pages: int = 1000,
           poll_s: float = 1) -> dict:
    """Wait until the server has written the pages a backfill dirtied and purged its
    undo log: both ``SETTLE_STATUS`` counters at most ``pages``, or ``timeout_s``.

    The page cleaner goes on writing a 400-day backfill's pages for minutes after it
    returns (at ``innodb_io_capacity`` pages a second once the server is idle), and a
    cycle timed meanwhile pays for the backfill too; a server running the cycle every
    few minutes has no such backlog. ``innodb_max_dirty_pages_pct`` is set to 0 for the
    wait (the cleaner then writes as fast as it can) and restored after. Returns the
    seconds waited and the counters before and after (an absent counter, as on a
    server that has none of these, counts as 0).
    """
    before = _innodb_backlog(cur)
    cur.execute("SELECT @@GLOBAL.innodb_max_dirty_pages_pct")
    (saved,) = cur.fetchone()
    began = time.monotonic()
    cur.execute("SET GLOBAL innodb_max_dirty_pages_pct = 0")
    try:
        after = before
        while (any(v > pages for v in after.values())
               and time.monotonic() - began < timeout_s):
            time.sleep(poll_s)
            after = _innodb_backlog(cur)
    finally:
        cur.execute("SET GLOBAL innodb_max_dirty_pages_pct = %s", (saved,))
    waited = round(time.monotonic() - began, 1)
    settled = all(v <= pages for v in after.values())
    out = {"seconds": waited, "settled": settled, "before": before, "after": after}
    say(f"  settled in {waited} s before the cycles: {backlog_change(out)}"
        + ("" if settled else f" (still above {pages:,} after {timeout_s:g} s)"))
    return out


def completes_a_day(cycle: dict) -> bool:
    """Whether a timed cycle (an element of ``new_hour_cycle.cycles``) aggregated a
    local day besides its hour."""
    return any(row.get("days_aggregated") for row in cycle["summary"])


def cycles_detail(cycles: list[dict]) -> str:
    """The time of the cycle that completed a day and the cycles' pages read from disk,
    as the console and the report print them (result files older than the disk reads
    have none to print)."""
    day = "".join(f"; completing a day (hour {c['hour']} UTC) {c['seconds'] * 1000:.1f} ms"
                  for c in cycles if completes_a_day(c))
    if cycles and all("pages_read_from_disk" in c for c in cycles):
        day += f"; {sum(c['pages_read_from_disk'] for c in cycles):,} pages read from disk"
    return day


def disk_reads(cur) -> int:
    """InnoDB pages read from disk since the server started (``Innodb_buffer_pool_reads``:
    the reads the buffer pool could not answer)."""
    cur.execute("SHOW GLOBAL STATUS LIKE 'Innodb_buffer_pool_reads'")
    row = cur.fetchone()
    return int(row[1]) if row else 0


def warm_new_hours(cur, first: datetime, until: datetime, say=print) -> dict:
    """Read the raw rows of the hours the timed cycles aggregate, [first, until), as the
    cycle reads them (``ride_snapshot_measures``: park snapshots by time, their ride rows
    by the clustered key), so that they are in the buffer pool.

    On a running server the cycle for an hour reads rows the collectors wrote within the
    last hour, which are still in memory. The bench's were written when the database was
    built, and on a history larger than the buffer pool (400 days: 8.6 GB of raw ride
    rows, 22 GB with their indexes, in a 4 GB pool) the backfill's scan of every day has
    pushed them out since: without this, each cycle of a 400-day run read 37-109 pages
    of its hour from disk (docs/benchmarks.md, "The cycle that completes a day, warm
    and cold"). Returns the rows read, the seconds and the pages read from disk."""
    reads = disk_reads(cur)
    began = time.perf_counter()
    cur.execute("SELECT COUNT(*), SUM(m.wait_sum) FROM ride_snapshot_measures AS m "
                "WHERE m.recorded_at >= %s AND m.recorded_at < %s", (first, until))
    rows = cur.fetchone()[0]
    out = {"rows": rows, "seconds": round(time.perf_counter() - began, 3),
           "pages_read_from_disk": disk_reads(cur) - reads}
    say(f"  the new hours' {rows:,} raw ride rows read into memory in {out['seconds']} s "
        f"({out['pages_read_from_disk']:,} pages from disk), as the collectors' writes "
        "would have left them")
    return out


def backlog_change(settled: dict) -> str:
    """``settle``'s counters, before -> after, as the console and the report print them."""
    return ", ".join(f"{name} {settled['before'].get(name, 0):,} -> "
                     f"{settled['after'].get(name, 0):,}" for name in SETTLE_STATUS)


def cycle_in_own_session(url: DatabaseUrl, at: datetime) -> tuple[float, list[dict]]:
    """(seconds, summary rows) of one ``run_aggregation()`` with the clock at ``at``, in a
    session of its own, as the event scheduler runs each execution of the event: the
    session's stored-routine cache starts empty, so the cycle parses every procedure it
    calls, as every scheduled cycle does (about 4 ms for a cycle with nothing to do and 8
    ms for a new hour on the 30-day database, docs/benchmarks.md). Connecting is not
    timed."""
    with connect(url, read_timeout=7200) as conn, conn.cursor() as cur:
        cur.execute("SET @parkstats_now = %s", (at,))
        began = time.perf_counter()
        rows = call(cur, "CALL run_aggregation()")
        return time.perf_counter() - began, rows


def _floors(cur, first: datetime, to: datetime, out: dict, say) -> None:
    """The floors of the backfill in ``out``: one INSERT ... SELECT ... GROUP BY of the
    same rows per level (park, and ride where the ride level is installed), timed, and
    the backfill's ratio to them."""
    cur.execute("DROP TABLE IF EXISTS bench_floor_hourly")
    cur.execute("CREATE TABLE bench_floor_hourly LIKE hourly_park_stats")
    began = time.perf_counter()
    floor_rows = cur.execute(FLOOR, (first, to))
    floor_s = time.perf_counter() - began
    cur.execute("DROP TABLE bench_floor_hourly")
    out["floor"] = {"statement": "INSERT ... SELECT ... GROUP BY hour, park_id",
                    "rows_written": floor_rows, "seconds": round(floor_s, 3)}
    if out["backfill"]["seconds"]:
        out["backfill"]["ratio_to_floor"] = round(out["backfill"]["seconds"] / floor_s, 2)
    say(f"  floor (INSERT ... SELECT ... GROUP BY): {floor_s:.2f} s")
    # The ride level's floor (the backfill above wrote both levels).
    if has_routine(cur, "aggregate_ride_hours_range"):
        cur.execute("DROP TABLE IF EXISTS bench_floor_hourly_rides")
        cur.execute("CREATE TABLE bench_floor_hourly_rides LIKE hourly_ride_stats")
        began = time.perf_counter()
        ride_rows = cur.execute(FLOOR_RIDES, (first, to))
        ride_floor_s = time.perf_counter() - began
        cur.execute("DROP TABLE bench_floor_hourly_rides")
        out["floor_rides"] = {"statement": "INSERT ... SELECT ... GROUP BY hour, ride_id",
                              "rows_written": ride_rows, "seconds": round(ride_floor_s, 3)}
        out["floor_both"] = {"seconds": round(floor_s + ride_floor_s, 3)}
        if out["backfill"]["seconds"]:
            out["backfill"]["ratio_to_floor_both_levels"] = round(
                out["backfill"]["seconds"] / (floor_s + ride_floor_s), 2)
        cur.execute("SELECT COUNT(*) FROM hourly_ride_stats")
        out["backfill"]["hourly_ride_rows"] = cur.fetchone()[0]
        say(f"  ride floor (INSERT ... SELECT ... GROUP BY hour, ride): {ride_floor_s:.2f} s; "
            f"backfill / both floors: {out['backfill'].get('ratio_to_floor_both_levels')}")


def _plain(rows: list[dict]) -> list[dict]:
    return [{k: (str(v) if not isinstance(v, int | float | str | type(None)) else v)
             for k, v in r.items()} for r in rows]


def day_and_year(url: DatabaseUrl, now: datetime, *, repeat: int, say=print) -> dict:
    out = {}
    with connect(url, read_timeout=3600) as conn, conn.cursor() as cur:
        cur.execute("SET @parkstats_now = %s", (now,))
        cur.execute("SELECT local_date, year FROM calendar_days WHERE utc_start <= %s "
                    "ORDER BY utc_start DESC LIMIT 1", (now,))
        today, year = cur.fetchone()
        day = today - timedelta(days=7)
        times, result = sample(lambda: call(cur, "CALL aggregate_day(%s)", (day,)),
                               repeat=repeat, warmup=1)
        out["aggregate_day"] = {"day": str(day), **summary(times), "summary": _plain(result)}
        times, result = sample(lambda: call(cur, "CALL aggregate_year(%s)", (year,)),
                               repeat=repeat, warmup=1)
        out["aggregate_year"] = {"year": year, **summary(times), "summary": _plain(result)}
        # What those calls queued (their year, for instance) is done by the next cycle, as
        # the scheduler would within 5 minutes: the rankings are then measured on a settled
        # database (a queued bucket is read from finer rows until re-aggregated).
        settle = call(cur, "CALL run_aggregation()")
        cur.execute("SELECT COUNT(*) FROM aggregation_queue")
        out["settled"] = {"cycle": _plain(settle), "queued_after": cur.fetchone()[0]}
    say(f"  aggregate_day: median {out['aggregate_day']['median_ms']} ms; "
        f"aggregate_year: median {out['aggregate_year']['median_ms']} ms")
    return out


# -- retention -----------------------------------------------------------------

def _day_partitions(cur) -> list[tuple[str, int]]:
    """(name, rows) of park_snapshots' daily partitions holding rows, oldest first."""
    cur.execute("SELECT PARTITION_NAME FROM information_schema.PARTITIONS "
                "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'park_snapshots' "
                "AND PARTITION_NAME REGEXP '^p[0-9]{8}$' ORDER BY PARTITION_NAME")
    names = [r[0] for r in cur.fetchall()]
    out = []
    for name in names:
        cur.execute(f"SELECT COUNT(*) FROM park_snapshots PARTITION ({name})")
        n = cur.fetchone()[0]
        if n:
            out.append((name, n))
    return out


def _partition_end(name: str) -> datetime:
    return datetime.strptime(name[1:], "%Y%m%d") + timedelta(days=1)


def ensure_retention_copy(source: DatabaseUrl, name: str, days: int, source_meta: dict,
                          min_days: int, say=print) -> DatabaseUrl:
    """A scratch database with the first ``days`` days of the bench data, aggregated."""
    url = source.with_database(name)
    meta = read_meta(url)
    if (meta.get("version") == BUILD_VERSION and meta.get("source_built_at")
            == source_meta.get("built_at") and meta.get("days") == str(days)
            and int(meta.get("days_left", 0)) >= min_days):
        migrate_retrying(url, say)
        return url
    say(f"  copying {days} days of raw snapshots into {name} ...")
    with connect(source, database=False) as conn, conn.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS `{name}`")
    migrate_retrying(url, say)
    src = f"`{source.database}`"
    with connect(url, read_timeout=7200) as conn, conn.cursor() as cur:
        cur.execute(f"SELECT MIN(recorded_at) FROM {src}.park_snapshots")
        first = cur.fetchone()[0]
        cur.execute("SELECT utc_start FROM calendar_days WHERE utc_start > %s "
                    "ORDER BY utc_start LIMIT 1 OFFSET %s", (first, days - 1))
        end = cur.fetchone()[0]
        cur.execute(f"INSERT INTO parks SELECT * FROM {src}.parks")
        cur.execute(f"INSERT INTO rides SELECT * FROM {src}.rides")
        call(cur, "CALL maintain_snapshot_partitions(%s)", (first.date(),))
        cur.execute("SET @parkstats_bulk_load = 1")
        cur.execute(f"INSERT INTO park_snapshots SELECT * FROM {src}.park_snapshots "
                    "WHERE recorded_at < %s", (end,))
        cols = ", ".join(("hour_start_utc", "park_id", *MEASURES, "aggregated_at"))
        cur.execute(f"INSERT INTO hourly_park_stats ({cols}) SELECT {cols} FROM "
                    f"{src}.hourly_park_stats WHERE hour_start_utc < %s", (end,))
        cols = ", ".join(("stat_date", "park_id", "hours_in_day", *MEASURES, "aggregated_at"))
        cur.execute(f"INSERT INTO daily_park_stats ({cols}) SELECT {cols} FROM "
                    f"{src}.daily_park_stats d WHERE d.stat_date < DATE(%s)",
                    (end - timedelta(hours=12),))
        cur.execute("SELECT local_date FROM calendar_days WHERE utc_start = %s", (end,))
        end_date = cur.fetchone()[0]
        cur.execute("UPDATE aggregation_watermarks SET done_through = %s "
                    "WHERE level = 'hourly'", (end,))
        cur.execute("UPDATE aggregation_watermarks SET done_through = %s "
                    "WHERE level = 'daily'", (datetime.combine(end_date, datetime.min.time()),))
        cur.execute("SET @parkstats_bulk_load = NULL")
        for table in ("park_snapshots", "hourly_park_stats", "daily_park_stats"):
            cur.execute(f"ANALYZE TABLE {table}")
            cur.fetchall()
        left = len(_day_partitions(cur))
    write_meta(url, {"version": BUILD_VERSION, "source_built_at": source_meta.get("built_at"),
                     "days": days, "days_left": left})
    return url


class _RetentionCopy:
    """One retention copy: apply_retention() calls, each with exactly one more day past
    the horizon."""

    def __init__(self, url: DatabaseUrl):
        self.url = url
        self.conn = connect(url, read_timeout=3600)
        self.cur = cur = self.conn.cursor()
        self.times: list[float] = []
        self.details: list[dict] = []
        self.keep = int(setting(cur, "raw_retention_days"))
        cur.execute("SELECT COUNT(*) FROM park_snapshots")
        self.size = cur.fetchone()[0]
        # Untimed: empty daily partitions older than the data (made by migrate) go first,
        # so that each timed call drops exactly one day of data.
        first = _day_partitions(cur)[0][0]
        cur.execute("SET @parkstats_now = %s", (_partition_end(first) - timedelta(days=1)
                                                + timedelta(days=self.keep, hours=1),))
        call(cur, "CALL maintain_snapshot_partitions(NULL)")
        call(cur, "CALL apply_retention()")

    def drop_one(self) -> None:
        cur = self.cur
        parts = _day_partitions(cur)
        oldest, oldest_rows = parts[0]
        now = _partition_end(oldest) + timedelta(days=self.keep, hours=1)
        cur.execute("SET @parkstats_now = %s", (now,))
        # Partitions ahead of this (moved) clock are added first, untimed: in production
        # apply_retention() adds one a day; here the clock may jump months.
        call(cur, "CALL maintain_snapshot_partitions(NULL)")
        began = time.perf_counter()
        result = call(cur, "CALL apply_retention()")
        seconds = time.perf_counter() - began
        after = {q for q, _ in _day_partitions(cur)}
        self.times.append(seconds)
        self.details.append({"now": str(now), "seconds": round(seconds, 4), "partition": oldest,
                             "partition_rows": oldest_rows,
                             "dropped": [p for p, _ in parts if p not in after],
                             "summary": _plain(result)})

    def finish(self) -> dict:
        cur = self.cur
        cur.execute("SET @parkstats_now = NULL")
        cur.execute("SELECT COUNT(*) FROM park_snapshots")
        size_after = cur.fetchone()[0]
        left = len(_day_partitions(cur))
        self.conn.close()
        write_meta(self.url, {"days_left": left})
        return {"database": self.url.database, "table_rows_before": self.size,
                "table_rows_after": size_after, **summary(self.times),
                "one_partition_per_call": all(len(d["dropped"]) == 1 for d in self.details),
                "calls": self.details}


def retention(urls: dict[str, DatabaseUrl], *, drops: int, say=print) -> dict:
    """{size: result}: ``drops`` apply_retention() calls per copy, one day each, the
    copies taking turns (and turns about going first), so that the machine's noise
    falls on both sizes alike."""
    copies = {size: _RetentionCopy(url) for size, url in urls.items()}
    order = list(copies)
    for i in range(drops):
        for size in (order if i % 2 == 0 else order[::-1]):
            copies[size].drop_one()
    out = {}
    for size, copy in copies.items():
        out[size] = result = copy.finish()
        say(f"  retention on {copy.size:,} rows: median {result['median_ms']} ms per day "
            f"dropped ({[d['dropped'] for d in result['calls']]})")
    return out
