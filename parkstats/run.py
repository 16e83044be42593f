"""``make run``: the whole product, live, from a fresh clone.

1. a database: ``PARKSTATS_DATABASE_URL``, else the project's own server in
   ``.localdb/`` started from the installed MariaDB/MySQL binaries (its data is
   kept, so the next ``make run`` starts in seconds on it);
2. migrations and routines;
3. the demo on the first run only: parks and rides, the days from Jan 1 of
   last year as daily summaries, the last few days raw (ride by ride),
   aggregated; a later run loads the raw rows missing since the newest one;
4. the event scheduler checked (the local server starts with it ON);
5. the collector simulation and the API (gunicorn on 127.0.0.1:5001);
6. Ctrl-C stops the API, the collector and the local server, if this run
   started it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pymysql

from parkstats import ROOT
from parkstats.db import DatabaseUrl, connect
from parkstats.localdb import LocalServer, ServerUnavailable

LOCALDB_DIR = ROOT / ".localdb"
LOCAL_DATABASE = "parkstats"
HOST = "127.0.0.1"


class RunError(RuntimeError):
    """A problem the user can fix; printed as one clear message."""


def say(msg: str = "") -> None:
    print(msg, flush=True)


def get_database() -> tuple[DatabaseUrl, LocalServer | None]:
    """The database URL, and the local server if this run started it."""
    env = os.environ.get("PARKSTATS_DATABASE_URL")
    if env:
        try:
            url = DatabaseUrl.parse(env)
        except ValueError as exc:
            raise RunError(f"PARKSTATS_DATABASE_URL: {exc}") from None
        try:
            connect(url, database=False, connect_timeout=5).close()
        except pymysql.MySQLError as exc:
            raise RunError(f"cannot connect to PARKSTATS_DATABASE_URL={url}: {exc.args[-1]}. "
                           "Check the URL and that the server runs, or unset "
                           "PARKSTATS_DATABASE_URL to use a local server of the project's own."
                           ) from None
        say(f"Database: {url} (PARKSTATS_DATABASE_URL)")
        return url, None
    try:
        # Ride rows: ~550,000 a day; a bigger buffer pool keeps the recent days in memory.
        server = LocalServer(LOCALDB_DIR, options=("--innodb-buffer-pool-size=1G",))
    except ServerUnavailable as exc:
        raise RunError(f"no database: {exc}") from None
    url = server.url(LOCAL_DATABASE)
    if server.is_running():
        say(f"Database: the project's local server is already running: {url} "
            f"(data in {server.basedir}; `python -m parkstats localdb stop` stops it)")
        return url, None
    fresh = not (server.datadir / "mysql").exists()
    say(f"Database: {'initialising and ' if fresh else ''}starting the project's local "
        f"{server.binary.name} (data in {server.basedir}) ...")
    try:
        server.start()
    except ServerUnavailable as exc:
        raise RunError(f"the local server did not start: {exc}") from None
    except BaseException:  # Ctrl-C while it starts
        server.stop()
        raise
    return url, server


def check_scheduler(url: DatabaseUrl) -> None:
    with connect(url) as conn, conn.cursor() as cur:
        cur.execute("SELECT @@event_scheduler")
        state = str(cur.fetchone()[0]).upper()
        if state != "ON":
            try:
                cur.execute("SET GLOBAL event_scheduler = ON")
                state = "ON (switched on by make run)"
            except pymysql.MySQLError as exc:
                say("")
                say(f"WARNING: the server's event scheduler is {state}, and make run cannot "
                    f"switch it on ({exc.args[-1]}).")
                say("         Nothing will aggregate new snapshots: rankings stay at the demo's "
                    "history plus raw data. Set event_scheduler=ON in the server's")
                say("         configuration (or SET GLOBAL event_scheduler = ON as an admin).")
                say("")
                return
        cur.execute("SELECT EVENT_NAME, STATUS FROM information_schema.EVENTS "
                    "WHERE EVENT_SCHEMA = DATABASE() ORDER BY EVENT_NAME")
        events = cur.fetchall()
        disabled = [name for name, status in events if status != "ENABLED"]
        for name in disabled:
            cur.execute(f"ALTER EVENT `{name}` ENABLE")
        names = ", ".join(name for name, _ in events) or "none installed yet"
        say(f"Event scheduler: {state}; events: {names}"
            + (f" (re-enabled {', '.join(disabled)})" if disabled else ""))


def history_state(url: DatabaseUrl) -> tuple[int, datetime | None]:
    """(parks, newest snapshot, UTC)."""
    with connect(url) as conn, conn.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM parks")
        parks = cur.fetchone()[0]
        cur.execute("SELECT MAX(recorded_at) FROM park_snapshots")
        newest = cur.fetchone()[0]
    return parks, newest


def ensure_demo(url: DatabaseUrl, days: int | None) -> None:
    """Loads the demo on the first run: parks and rides, the days from Jan 1 of last year
    up to the raw window as daily summaries (summarize_history: daily park and ride rows,
    their weeks, months and years), then the raw window (the last RAW_DAYS local days up to now:
    ride rows and park rows, aggregated). With data older than 8 days, the raw rows
    since the newest snapshot are loaded."""
    from parkstats.demo import (
        RAW_DAYS,
        _reporting_zone,
        _utc,
        default_start,
        load_demo,
        raw_window_start,
        summarize_history,
    )

    parks, newest = history_state(url)
    now = datetime.now(UTC).replace(tzinfo=None)
    if parks and newest and newest > now - timedelta(days=8):
        say(f"Demo data: already loaded ({parks} parks, newest snapshot "
            f"{newest:%Y-%m-%d %H:%M} UTC); the collector fills the gap since then.")
        return
    if days:
        say(f"Demo data: loading ~80 parks and the last {days} days, ride by ride ...")
        say(f"Demo data: {load_demo(url, days=days, workers=2)}.")
        return
    with connect(url) as conn, conn.cursor() as cur:
        zone = _reporting_zone(cur)
    if newest is not None:
        say(f"Demo data: the newest snapshot is from {newest:%Y-%m-%d %H:%M} UTC; loading the "
            "ride rows since then, aggregated ...")
        say(f"Demo data: {load_demo(url, start=newest, workers=2)}.")
        return
    first, raw_first = default_start(now, zone), raw_window_start(now, zone)
    say(f"Demo data: ~80 parks and ~1,900 rides; {first} to {raw_first - timedelta(days=1)} "
        "as daily park and ride summaries (raw data is kept 90 days only), with their weeks, "
        "months and years ...")
    say(f"Demo data: {summarize_history(url, first, raw_first - timedelta(days=1), workers=2)}.")
    say(f"Demo data: the last {RAW_DAYS} days ({raw_first} to now) raw, ride by ride, "
        "aggregated ...")
    result = load_demo(url, start=_utc(raw_first, datetime.min.time(), zone), workers=2)
    say(f"Demo data: {result}.")


class Children:
    """The processes this run started, stopped in reverse order."""

    def __init__(self):
        self.procs: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, cmd: list[str], env: dict) -> subprocess.Popen:
        proc = subprocess.Popen(cmd, env=env, cwd=ROOT, start_new_session=True)
        self.procs.append((name, proc))
        return proc

    def dead(self) -> list[tuple[str, int]]:
        return [(name, p.returncode) for name, p in self.procs if p.poll() is not None]

    def stop(self, timeout: float = 15.0) -> None:
        for _name, proc in reversed(self.procs):
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        deadline = time.monotonic() + timeout
        for name, proc in reversed(self.procs):
            try:
                proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                say(f"  {name} did not stop within {timeout:.0f} s; killing it")
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                proc.wait()
        self.procs.clear()


def gunicorn_command(port: int) -> list[str]:
    # The settings of make serve (webapi/gunicorn_conf.py: the gevent worker, limits),
    # loaded as a module so that an installed package finds them too.
    return [sys.executable, "-m", "gunicorn", "-c", "python:webapi.gunicorn_conf",
            "--bind", f"{HOST}:{port}", "webapi:create_app()"]


def wait_for_api(base: str, proc: subprocess.Popen, timeout: float = 60.0) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RunError(f"the API exited with code {proc.returncode} (see the lines above)")
        try:
            with urllib.request.urlopen(f"{base}/api/health", timeout=2) as resp:
                return resp.status
        except urllib.error.HTTPError as exc:  # 503 unhealthy still means serving
            return exc.code
        except OSError:
            time.sleep(0.3)
    raise RunError(f"the API did not answer on {base} within {timeout:.0f} s")


def port_free(port: int) -> bool:
    import socket

    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
    return True


def run(port: int = 5001, days: int | None = None) -> None:
    began = time.monotonic()
    server: LocalServer | None = None
    children = Children()
    stopping = {"signal": None}

    def on_signal(signum, _frame):
        stopping["signal"] = signum
        raise KeyboardInterrupt

    # Ctrl-C (SIGINT) and SIGTERM both stop everything this run started.
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        if not port_free(port):
            raise RunError(f"port {port} on {HOST} is already in use (another make run or "
                           "API?); stop it or use `python -m parkstats run --port N`")
        url, server = get_database()
        from parkstats.migrate import migrate

        say("Migrations and routines:")
        try:
            migrate(url, say=lambda line: say(f"  {line.strip()}"))
        except pymysql.MySQLError as exc:
            raise RunError(f"migrating {url} failed: {exc.args[-1]}") from None
        check_scheduler(url)
        ensure_demo(url, days)

        env = dict(os.environ, PARKSTATS_DATABASE_URL=str(url), PYTHONUNBUFFERED="1")
        children.start("collector", [sys.executable, "-m", "parkstats", "collector"], env)
        api = children.start("API", gunicorn_command(port), env)
        base = f"http://{HOST}:{port}"
        status = wait_for_api(base, api)
        banner(base, url, server, status, time.monotonic() - began)
        while True:
            dead = children.dead()
            if dead:
                name, code = dead[0]
                raise RunError(f"the {name} exited unexpectedly (code {code}); stopping")
            time.sleep(0.5)
    except KeyboardInterrupt:
        say("")
        say("Stopping ...")
    except (RunError, pymysql.MySQLError, ServerUnavailable) as exc:
        if stopping["signal"] is None:
            if isinstance(exc, pymysql.MySQLError):
                exc = f"database error {exc.args[0]}: {exc.args[-1]}"
            say(f"make run: {exc}")
            shutdown(children, server)
            sys.exit(1)
        say("")
        say("Stopping ...")
    except BaseException:
        shutdown(children, server)
        raise
    shutdown(children, server)
    say("Stopped. `make run` starts again on the same data.")


def shutdown(children: Children, server: LocalServer | None) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut cleanup short
    try:
        names = [name for name, _ in children.procs]
        children.stop()
        if names:
            say(f"  stopped the {' and the '.join(reversed(names))}")
        if server is not None:
            server.stop()
            say("  stopped the local database server (data kept in .localdb/)")
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def banner(base: str, url: DatabaseUrl, server: LocalServer | None, status: int,
           elapsed: float) -> None:
    client = "mariadb" if Path("/usr/bin/mariadb").exists() else "mysql"
    say("")
    say("=" * 78)
    say(f" parkstats is running (ready in {elapsed:.0f} s; health answered HTTP {status})")
    say("")
    say(f"   API            {base}/api/health")
    say(f"                  {base}/api/parks/downtime?period=today")
    say(f"                  {base}/api/parks/waittimes?period=yesterday")
    say(f"                  {base}/api/trends/least-reliable?entity=parks&period=last_week")
    say(f"                  {base}/api/awards/yearly?year={datetime.now(UTC).year - 1}")
    say(f"                  {base}/api/live/status-summary")
    say(f"   Metrics        {base}/metrics")
    say(f"   Database       {url}")
    say(f"                  {client} -h {url.host} -P {url.port} -u {url.user} {url.database}"
        + ("" if not url.password else " -p"))
    say("                  e.g. SELECT * FROM aggregation_status;")
    say("   Collector      a snapshot per park every 5 minutes (lines below); the server's")
    say("                  event scheduler aggregates them every 5 minutes")
    stop = "the API, the collector" + (" and the local database server" if server else "")
    say(f"   Stop           Ctrl-C (stops {stop})")
    say("")
    say("   Data           every period is served now: live and today (raw snapshots), yesterday,")
    say("                  last_week, last_month, this year and last year (with its awards),")
    say("                  parks and rides; the days before the last few are daily summaries")
    say("                  (docs/demo.md)")
    if not parks_open_now(url):
        say("")
        say("   Night time     no demo park is open right now (they are in North America):")
        say("                  live and today rankings stay empty until the first parks open")
        say("                  (about 8 AM Eastern); yesterday, last_week, last_month and year")
        say("                  are full.")
    say("=" * 78)
    say("")


def parks_open_now(url: DatabaseUrl) -> bool:
    """Whether any park's newest snapshot (within 15 minutes) says it is open."""
    with connect(url) as conn, conn.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM park_snapshots "
                    "WHERE recorded_at >= UTC_TIMESTAMP() - INTERVAL 15 MINUTE AND park_open = 1")
        return cur.fetchone()[0] > 0
