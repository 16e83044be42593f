"""The real-server test harness.

Where the server comes from, in order:
1. ``PARKSTATS_TEST_DATABASE_URL`` (its database name is used as a prefix;
   the user needs CREATE/DROP DATABASE);
2. a throwaway server started from the installed ``mariadbd``/``mysqld``
   (own temp data dir and port), stopped and removed at the end;
3. a MySQL 8 container via testcontainers, where a Docker engine runs;
4. otherwise every test fails with a message saying what to install.

``server_with`` starts further throwaway servers with other settings (a
latin1 default, binary logging...), each once per session, for the tests of
installing on servers as DBAs run them.

The schema is migrated once per session.  Each test gets it clean: data
tables truncated, settings and watermarks reset, events disabled (tests that
need the scheduler enable it themselves).  Tests that change routines or the
schema use ``fresh_db_url``, a database of their own.
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pymysql
import pytest

from parkstats.db import DatabaseUrl, connect, create_database
from parkstats.localdb import LocalServer, ServerUnavailable
from parkstats.migrate import migrate

# Every table a test may fill, children first.
DATA_TABLES = (
    "ride_snapshots", "snapshot_recompute_queue", "park_snapshots", "ride_operating_days",
    "rides", "parks",
    "hourly_park_stats", "daily_park_stats", "weekly_park_stats",
    "yearly_park_stats", "running_daily_park_stats", "running_daily_ride_stats",
    "hourly_ride_stats", "hourly_ride_totals", "daily_ride_stats", "weekly_ride_stats",
    "monthly_ride_stats", "yearly_ride_stats", "ride_latest_snapshots", "orphaned_rides",
    "aggregation_job_log", "aggregation_queue", "aggregated_ranges",
)


def _docker_available() -> bool:
    if not shutil.which("docker"):
        return False
    return subprocess.run(["docker", "info"], capture_output=True).returncode == 0


@pytest.fixture(scope="session")
def server_url():
    """A DatabaseUrl on a real server; the database itself may not exist yet."""
    env = os.environ.get("PARKSTATS_TEST_DATABASE_URL")
    if env:
        yield DatabaseUrl.parse(env)
        return
    try:
        server = LocalServer(Path(tempfile.mkdtemp(prefix="parkstats-test-")))
    except ServerUnavailable as exc:
        local_problem = str(exc)
    else:
        try:
            server.start()
            yield server.url("parkstats_test")
        finally:
            server.stop()
            server.remove()
        return
    if _docker_available():
        from testcontainers.mysql import MySqlContainer

        with MySqlContainer("mysql:8.4", dialect="pymysql") as container:
            yield DatabaseUrl(container.get_container_host_ip(),
                              int(container.get_exposed_port(3306)), "root",
                              container.root_password, "parkstats_test")
        return
    pytest.fail(f"No database server for the tests: {local_problem}. "
                "No Docker engine either, so testcontainers cannot help.", pytrace=False)


@pytest.fixture(scope="session")
def server_with(tmp_path_factory):
    """``server_with(name, *options)``: a throwaway local server started with extra
    options (after, so overriding, the harness defaults), once per name and session;
    stopped and removed at the end."""
    started: dict[str, LocalServer] = {}

    def start(name: str, *options: str) -> LocalServer:
        if name not in started:
            try:
                server = LocalServer(tmp_path_factory.mktemp(name), options=options)
                server.start()
            except ServerUnavailable as exc:
                pytest.fail(f"cannot start a {name} server for this test: {exc}", pytrace=False)
            started[name] = server
        return started[name]

    yield start
    for server in started.values():
        server.stop()
        server.remove()


@pytest.fixture(scope="session")
def replication_pair(tmp_path_factory):
    """``replication_pair(name, binlog_format="ROW")``: a primary and a replica on loopback
    (tests/replication_support.py), replication running, no database yet; once per name and
    session, stopped and removed at the end.  Tests that stop or kill a server use a name
    of their own."""
    from replication_support import ReplicationPair

    started: dict[str, ReplicationPair] = {}

    def start(name: str, binlog_format: str = "ROW") -> ReplicationPair:
        if name not in started:
            try:
                started[name] = ReplicationPair.start(tmp_path_factory.mktemp(name),
                                                      binlog_format)
            except ServerUnavailable as exc:
                pytest.fail(f"cannot start a replicated pair for this test: {exc}",
                            pytrace=False)
        return started[name]

    yield start
    for pair in started.values():
        pair.stop()


@pytest.fixture(scope="session")
def migrated_url(server_url):
    """The session's shared database, migrated once."""
    with connect(server_url, database=False) as conn, conn.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS `{server_url.database}`")
    migrate(server_url, say=lambda _line: None)
    return server_url


@pytest.fixture(scope="session")
def baseline_settings(migrated_url):
    """The settings rows as migrated, restored before every test."""
    with connect(migrated_url) as conn, conn.cursor() as cur:
        cur.execute("SELECT setting_name, setting_value FROM settings")
        return cur.fetchall()


def reset_database(conn: pymysql.Connection, baseline_settings) -> None:
    with conn.cursor() as cur:
        cur.execute("SET FOREIGN_KEY_CHECKS = 0")
        for table in DATA_TABLES:
            cur.execute(f"TRUNCATE TABLE {table}")
        cur.execute("SET FOREIGN_KEY_CHECKS = 1")
        cur.executemany("UPDATE settings SET setting_value = %s WHERE setting_name = %s",
                        [(value, name) for name, value in baseline_settings])
        cur.execute("UPDATE aggregation_watermarks SET done_through = NULL")
        cur.execute("SELECT EVENT_NAME FROM information_schema.EVENTS "
                    "WHERE EVENT_SCHEMA = DATABASE() AND STATUS = 'ENABLED'")
        for (event,) in cur.fetchall():
            cur.execute(f"ALTER EVENT `{event}` DISABLE")


@pytest.fixture
def db_url(migrated_url, baseline_settings):
    """URL of a clean, migrated database (shared by the session, reset per test)."""
    with connect(migrated_url) as conn:
        reset_database(conn, baseline_settings)
    return migrated_url


@pytest.fixture
def db(db_url):
    """An autocommit connection to the clean database (tuples as rows)."""
    conn = connect(db_url)
    yield conn
    conn.close()


_fresh_names = itertools.count(1)


@pytest.fixture
def fresh_db_url(server_url):
    """A brand-new, migrated database of this test's own, dropped afterwards."""
    url = server_url.with_database(f"{server_url.database}_fresh{next(_fresh_names)}")
    with connect(url, database=False) as conn, conn.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS `{url.database}`")
    create_database(url)
    yield url
    with connect(url, database=False) as conn, conn.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS `{url.database}`")
