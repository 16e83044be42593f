"""The benchmark's database: a private server in ``.benchdb/`` holding demo history.

The server is the project's ``LocalServer`` with its own data directory and
extra options (a buffer pool that holds the whole data set, the event
scheduler off so nothing changes the data while it is measured).  The
database ``parkstats_bench`` holds 80 demo parks and ``days`` local days of
5-minute snapshots, all kept raw (no retention while loading), written by
the demo generator.  A marker table ``bench_meta`` records what was built;
a later run with the same days, parks and build version reuses it, and only
re-installs changed routines (``migrate``).
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

from parkstats import ROOT
from parkstats.db import DatabaseUrl, connect
from parkstats.localdb import LocalServer
from parkstats.migrate import migrate

BENCH_DIR = ROOT / ".benchdb"
DATABASE = "parkstats_bench"
#: Bump when the way the data is built changes: older bench databases are rebuilt.
#: 2: ride rows (ride_snapshots), which the ride rankings' baselines read.
BUILD_VERSION = "2"
# Appended to localdb.SERVER_OPTIONS (the later value wins).
SERVER_EXTRA = (
    "--innodb-buffer-pool-size=4G",
    "--innodb-log-file-size=1G",
    "--event-scheduler=OFF",
    "--max-connections=1000",
    "--tmp-table-size=256M",
    "--max-heap-table-size=256M",
)
# The demo ends at this UTC time of day (12:10 in Los Angeles in winter):
# "today" then holds half a day of open parks whatever time the build runs.
END_UTC_HOUR, END_UTC_MINUTE = 20, 10


def database_name(days: int) -> str:
    """``parkstats_bench`` for the default 400 days, ``parkstats_bench_<days>d`` otherwise,
    so that a small development run does not replace the big one."""
    return DATABASE if days == 400 else f"{DATABASE}_{days}d"


def server() -> LocalServer:
    return LocalServer(BENCH_DIR, options=SERVER_EXTRA)


def start_server(say=print) -> LocalServer:
    srv = server()
    if not srv.is_running():
        say(f"Starting the benchmark's {srv.binary.name} (data in {srv.basedir}, "
            f"port {srv.port}) ...")
        srv.start(timeout=180)
    return srv


def default_end(now: datetime | None = None) -> datetime:
    now = now or datetime.now(UTC).replace(tzinfo=None)
    end = now.replace(hour=END_UTC_HOUR, minute=END_UTC_MINUTE, second=0, microsecond=0)
    return end if end <= now else end - timedelta(days=1)


def migrate_retrying(url: DatabaseUrl, say=print, attempts: int = 4) -> None:
    """``migrate`` (re-installs changed routines); retried a few times, because a routine
    file being edited at that very moment in the checkout may not parse yet."""
    from parkstats.routines import RoutineError

    for attempt in range(1, attempts + 1):
        try:
            migrate(url, say=lambda _line: None)
            return
        except RoutineError as exc:
            if attempt == attempts:
                raise
            say(f"  (migrate failed, retrying in 15 s: {exc})")
            time.sleep(15)


def read_meta(url: DatabaseUrl) -> dict:
    try:
        with connect(url) as conn, conn.cursor() as cur:
            cur.execute("SELECT name, value FROM bench_meta")
            return dict(cur.fetchall())
    except Exception:  # noqa: BLE001 (no database / no table: nothing built)
        return {}


def write_meta(url: DatabaseUrl, meta: dict) -> None:
    with connect(url) as conn, conn.cursor() as cur:
        cur.execute("CREATE TABLE IF NOT EXISTS bench_meta (name VARCHAR(64) PRIMARY KEY, "
                    "value VARCHAR(1024) NOT NULL) COMMENT 'What make bench built here'")
        cur.executemany("REPLACE INTO bench_meta (name, value) VALUES (%s, %s)",
                        [(k, str(v)) for k, v in meta.items()])


def ensure_database(days: int, parks: int, *, rebuild: bool = False, say=print) -> tuple:
    """(url, meta) of a bench database with ``days`` days of raw history; builds it if needed."""
    srv = start_server(say)
    url = srv.url(database_name(days))
    meta = read_meta(url)
    wanted = {"version": BUILD_VERSION, "days": str(days), "parks": str(parks)}
    if not rebuild and meta.get("status") == "complete" and all(
            meta.get(k) == v for k, v in wanted.items()):
        say(f"Reusing the bench database {url} ({int(meta['rows']):,} snapshots, "
            f"{days} days, built {meta['built_at']} UTC); re-installing changed routines.")
        migrate_retrying(url, say)
        return url, meta
    return url, build(url, days, parks, say)


def build(url: DatabaseUrl, days: int, parks: int, say=print) -> dict:
    from parkstats.demo import load_demo

    began = time.monotonic()
    say(f"Building the bench database {url}: {parks} parks, {days} days of 5-minute "
        "snapshots kept raw (demo generator) ...")
    with connect(url, database=False) as conn, conn.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS `{url.database}`")
    migrate(url, say=lambda _line: None)
    end = default_end()
    result = load_demo(url, days=days, end=end, parks=parks, aggregate=False, retention=False,
                       progress=True)
    with connect(url) as conn, conn.cursor() as cur:
        cur.execute("SELECT COUNT(*), MIN(recorded_at), MAX(recorded_at), "
                    "COUNT(DISTINCT park_id) FROM park_snapshots")
        rows, first, last, park_count = cur.fetchone()
        for table in ("park_snapshots", "ride_snapshots", "parks", "rides", "calendar_days"):
            cur.execute(f"ANALYZE TABLE {table}")
            cur.fetchall()
    meta = {
        "version": BUILD_VERSION, "days": days, "parks": parks, "status": "complete",
        "rows": rows, "park_count": park_count, "first_snapshot": first,
        "last_snapshot": last, "end": end,
        "built_at": datetime.now(UTC).replace(tzinfo=None, microsecond=0),
        "build_seconds": round(time.monotonic() - began, 1),
        "demo": json.dumps({"days": result.days if hasattr(result, "days") else days}),
    }
    write_meta(url, meta)
    say(f"Built: {rows:,} snapshots of {park_count} parks from {first} to {last} UTC "
        f"in {meta['build_seconds']} s.")
    return read_meta(url)
