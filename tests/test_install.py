"""Installing on servers as DBAs run them (docs/operations.md, "Installing on
your own server" and "Accounts and grants").

Each configuration gets ``parkstats migrate``, then snapshots, a cycle and
``verify_aggregates``, with expected figures counted here in Python:

* a database created ``COLLATE utf8mb4_unicode_ci``;
* a server whose default character set is latin1 (and a latin1 database);
* binary logging on with ``log_bin_trust_function_creators = 1``, MySQL 8's
  default ``sql_mode`` and a server ``time_zone`` of +09:00, installed by the
  least-privileged migration account (no SUPER), written by the collector
  account and read by the API account, each with exactly the grants
  ``parkstats grants`` prints;
* binary logging on without the trust setting: refused before anything changes.

And a real package: the wheel, installed outside the checkout, migrates.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pymysql
import pytest
from aggregation_support import run_until_idle
from support import call, rows, scalar

from parkstats import ROOT, grants
from parkstats.db import DatabaseUrl, connect
from parkstats.migrate import migrate
from parkstats.preflight import PreflightError
from webapi import create_app

MYSQL8_SQL_MODE = ("ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,"
                   "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION")
BINLOG_OPTIONS = ("--log-bin=binlog", "--server-id=1", "--binlog-format=MIXED",
                  "--log-bin-trust-function-creators=0", f"--sql-mode={MYSQL8_SQL_MODE}",
                  "--default-time-zone=+09:00")
PASSWORD = "Parkstats-test-1"
# Text outside ASCII goes through every layer: a latin1 default must not mangle it.
PARK_NAME = "Parc Astérix – Plailly"
RIDES = {1: ("Tonnerre 2 Zeus", 1), 2: ("Oziris", 2), 3: ("Goudurix", None)}


def quiet(_line: str) -> None:
    pass


def script_statements(database: str) -> tuple[list[str], list[str]]:
    """``parkstats grants`` output as statements: before and after migrate. The
    server-wide trust setting is left to each test."""
    phases: list[list[str]] = [[]]
    for line in grants.script(database).splitlines():
        if line.startswith("-- 2."):
            phases.append([])
        elif line and not line.startswith(("--", "SET GLOBAL")):
            phases[-1].append(line.split(";")[0].replace("<password>", PASSWORD))
    before, after = phases
    return before, after


def execute_all(url: DatabaseUrl, statements: list[str]) -> None:
    with connect(url, database=False) as conn, conn.cursor() as cur:
        for statement in statements:
            cur.execute(statement)


def as_account(url: DatabaseUrl, role: str) -> DatabaseUrl:
    return DatabaseUrl(url.host, url.port, grants.DEFAULT_USERS[role], PASSWORD, url.database)


def snapshot_times() -> list[datetime]:
    """Every 5 minutes of 3 hours of the day before yesterday (UTC): complete hours."""
    day = datetime.now(UTC).replace(tzinfo=None, hour=0, minute=0, second=0,
                                    microsecond=0) - timedelta(days=2)
    return [day + timedelta(hours=17, minutes=5 * i) for i in range(36)]


def record_and_verify(admin_url: DatabaseUrl, collector_url: DatabaseUrl) -> None:
    """Parks and rides (admin), snapshots (collector), cycles and verify (admin);
    the figures checked against a count made here."""
    with connect(admin_url) as conn, conn.cursor() as cur:
        cur.execute("INSERT INTO parks (park_id, name, city, country) "
                    "VALUES (1, %s, 'Plailly', 'FR')", (PARK_NAME,))
        cur.executemany("INSERT INTO rides (ride_id, park_id, name, tier) VALUES (%s, 1, %s, %s)",
                        [(ride_id, name, tier) for ride_id, (name, tier) in RIDES.items()])
    times = snapshot_times()
    down_samples = 0
    with connect(collector_url) as conn, conn.cursor() as cur:
        for i, at in enumerate(times):
            # Ride 2 breaks down every third snapshot after it has operated.
            status_2 = "DOWN" if i % 3 == 2 else "OPERATING"
            down_samples += status_2 == "DOWN"
            rides_json = json.dumps([
                {"ride_id": 1, "status": "OPERATING", "wait_minutes": 30 + i % 7},
                {"ride_id": 2, "status": status_2, "wait_minutes": None},
                {"ride_id": 3, "status": "CLOSED"},
            ])
            cur.execute("CALL record_park_snapshot(1, %s, 1, %s)", (at, rides_json))
    now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    with connect(admin_url) as conn:
        run_until_idle(conn, now)
        hours = rows(conn, "SELECT hour_start_utc, sample_count, down_samples "
                           "FROM hourly_park_stats WHERE park_id = 1 AND sample_count > 0 "
                           "ORDER BY hour_start_utc")
        assert [h["hour_start_utc"] for h in hours] == sorted({t.replace(minute=0)
                                                               for t in times})
        assert sum(h["sample_count"] for h in hours) == len(times)
        assert sum(h["down_samples"] for h in hours) == down_samples
        assert scalar(conn, "SELECT name FROM parks WHERE park_id = 1") == PARK_NAME
        verify = call(conn, "verify_aggregates", times[0] - timedelta(hours=1), now)
        assert verify[0] == []
        assert verify[-1][0]["differences"] == 0


def column_collations(url: DatabaseUrl) -> list[tuple]:
    with connect(url) as conn:
        return [tuple(r.values()) for r in rows(
            conn, "SELECT c.TABLE_NAME, c.COLUMN_NAME, c.CHARACTER_SET_NAME, c.COLLATION_NAME "
                  "FROM information_schema.COLUMNS AS c JOIN information_schema.TABLES AS t "
                  "ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME "
                  "WHERE c.TABLE_SCHEMA = DATABASE() AND t.TABLE_TYPE = 'BASE TABLE' "
                  "AND c.COLLATION_NAME IS NOT NULL AND c.TABLE_NAME NOT LIKE '\\_yoyo%%' "
                  "ORDER BY c.TABLE_NAME, c.COLUMN_NAME")]


def drop_database(url: DatabaseUrl) -> None:
    execute_all(url, [f"DROP DATABASE IF EXISTS `{url.database}`"])


@pytest.fixture(scope="module")
def unicode_ci_install(server_url):
    url = server_url.with_database(f"{server_url.database}_unicode_ci")
    drop_database(url)
    execute_all(url, [f"CREATE DATABASE `{url.database}` "
                      "CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"])
    migrate(url, say=quiet)
    yield url
    drop_database(url)


@pytest.fixture(scope="module")
def latin1_install(server_with):
    server = server_with("latin1", "--character-set-server=latin1",
                         "--collation-server=latin1_swedish_ci")
    url = server.url("parkstats_latin1")
    execute_all(url, [f"CREATE DATABASE `{url.database}`"])  # the server's default: latin1
    migrate(url, say=quiet)
    return url


@pytest.fixture(scope="module")
def binlog_server(server_with):
    return server_with("binlog", *BINLOG_OPTIONS)


@pytest.fixture(scope="module")
def least_privilege_install(binlog_server):
    """Installed by the migration account with the trust setting on; the API and
    collector accounts granted afterwards, as the script says."""
    root = binlog_server.url("parkstats_accounts")
    before, after = script_statements(root.database)
    execute_all(root, before + ["SET GLOBAL log_bin_trust_function_creators = 1"])
    migrate(as_account(root, "migration"), say=quiet)
    execute_all(root, after)
    return root


def test_a_utf8mb4_unicode_ci_database_installs_aggregates_and_verifies(unicode_ci_install):
    record_and_verify(unicode_ci_install, unicode_ci_install)


def test_a_latin1_server_default_installs_aggregates_and_verifies(latin1_install):
    with connect(latin1_install) as conn:
        assert scalar(conn, "SELECT @@character_set_database") == "latin1"
    record_and_verify(latin1_install, latin1_install)


def test_columns_declare_the_same_collations_whatever_the_defaults(
        unicode_ci_install, latin1_install, migrated_url):
    expected = column_collations(migrated_url)
    assert {c[3] for c in expected} <= {"ascii_bin", "utf8mb4_unicode_ci", "utf8mb4_bin"}
    assert column_collations(unicode_ci_install) == expected
    assert column_collations(latin1_install) == expected


def test_binary_logging_mysql8_sql_mode_and_a_time_zone_with_least_privileges(
        least_privilege_install, binlog_server):
    with connect(least_privilege_install) as conn:
        assert scalar(conn, "SELECT @@log_bin") == 1
        assert scalar(conn, "SELECT @@global.time_zone") == "+09:00"
        assert scalar(conn, "SELECT @@global.sql_mode") == MYSQL8_SQL_MODE
        shown = " ".join(next(iter(r.values()))
                         for r in rows(conn, "SHOW GRANTS FOR 'parkstats_migrate'@'%%'"))
        assert "SUPER" not in shown and "ALL PRIVILEGES ON *.*" not in shown
    record_and_verify(as_account(least_privilege_install, "migration"),
                      as_account(least_privilege_install, "collector"))


def test_binary_logging_without_trust_is_refused_naming_the_setting(binlog_server):
    root = binlog_server.url("parkstats_untrusted")
    before, _after = script_statements(root.database)
    execute_all(root, [f"DROP DATABASE IF EXISTS `{root.database}`"] + before
                + ["SET GLOBAL log_bin_trust_function_creators = 0"])
    try:
        with pytest.raises(PreflightError) as refused:
            migrate(as_account(root, "migration"), say=quiet)
    finally:
        execute_all(root, ["SET GLOBAL log_bin_trust_function_creators = 1"])
    assert "log_bin_trust_function_creators" in str(refused.value)
    assert "nothing was changed" in str(refused.value)
    with connect(root) as conn:
        assert rows(conn, "SHOW FULL TABLES") == []
        assert scalar(conn, "SELECT COUNT(*) FROM information_schema.ROUTINES "
                            "WHERE ROUTINE_SCHEMA = DATABASE()") == 0


def test_a_missing_privilege_is_refused_before_anything_changes(server_url):
    """An account without TRIGGER and EVENT: every missing privilege is named, the
    database stays empty."""
    url = server_url.with_database(f"{server_url.database}_noprivs")
    user = DatabaseUrl(url.host, url.port, "parkstats_noprivs", PASSWORD, url.database)
    execute_all(url, [
        f"DROP DATABASE IF EXISTS `{url.database}`", f"CREATE DATABASE `{url.database}`",
        "DROP USER IF EXISTS 'parkstats_noprivs'@'%'",
        f"CREATE USER 'parkstats_noprivs'@'%' IDENTIFIED BY '{PASSWORD}'",
        "GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, INDEX, CREATE ROUTINE, "
        "ALTER ROUTINE, EXECUTE, CREATE TEMPORARY TABLES, CREATE VIEW, SHOW VIEW "
        f"ON `{url.database}`.* TO 'parkstats_noprivs'@'%'"])
    try:
        with pytest.raises(PreflightError) as refused:
            migrate(user, say=quiet)
        message = str(refused.value)
        assert "cannot create a trigger (it needs TRIGGER" in message
        assert "cannot create an event (it needs EVENT" in message
        with connect(url) as conn:
            assert rows(conn, "SHOW FULL TABLES") == []
    finally:
        execute_all(url, ["DROP USER IF EXISTS 'parkstats_noprivs'@'%'",
                          f"DROP DATABASE IF EXISTS `{url.database}`"])


def test_the_api_answers_every_endpoint_as_the_read_only_account(least_privilege_install):
    api_url = as_account(least_privilege_install, "api")
    with connect(api_url) as conn:
        # Read only: no write, no procedure.
        with pytest.raises(pymysql.MySQLError) as denied:
            conn.cursor().execute("DELETE FROM parks")
        assert denied.value.args[0] == 1142
        with pytest.raises(pymysql.MySQLError):
            conn.cursor().execute("CALL run_aggregation()")
        # The formulas and the events are visible through the definer views.
        assert scalar(conn, "SELECT COUNT(DISTINCT function_name) FROM function_definitions "
                            "WHERE body IS NOT NULL") >= 6
        assert scalar(conn, "SELECT COUNT(*) FROM event_status") == 2
    app = create_app({"DATABASE_URL": str(api_url), "CACHE_SECONDS": 0})
    client = app.test_client()
    spec = json.loads((ROOT / "webapi" / "openapi.json").read_text())
    answered = {}
    for path in spec["paths"]:
        concrete = path.replace("{park_id}", "1").replace("{ride_id}", "1")
        response = client.get(concrete)
        answered[concrete] = response.status_code
        assert response.status_code < 500 or path == "/api/health", (concrete, response.json)
    health = client.get("/api/health").json
    assert health["checks"]["database"]["status"] == "up"
    assert health["checks"]["event_scheduler"]["events"] == {
        "ev_run_aggregation": "ENABLED", "ev_apply_retention": "ENABLED"}
    assert answered["/api/parks/downtime"] == 200


def test_the_collector_account_may_record_snapshots_and_nothing_else(least_privilege_install):
    # Park 1 must exist for the refusal to be about the ride's status (the procedure
    # checks the park first); the other tests on this install may not have run.
    with connect(least_privilege_install) as conn, conn.cursor() as cur:
        cur.execute("INSERT IGNORE INTO parks (park_id, name, city, country) "
                    "VALUES (1, %s, 'Plailly', 'FR')", (PARK_NAME,))
    collector = as_account(least_privilege_install, "collector")
    with connect(collector) as conn, conn.cursor() as cur:
        with pytest.raises(pymysql.MySQLError) as refused:
            cur.execute("CALL record_park_snapshot(1, %s, 1, %s)",
                        (snapshot_times()[0], '[{"ride_id": 1, "status": "SIDEWAYS"}]'))
        assert refused.value.args[0] == 1644  # the procedure's own SIGNAL, not a privilege
        assert "SIDEWAYS" in refused.value.args[1]
        # Which server to write to (docs/scale-out.md): this one, the only server.
        cur.execute("SELECT primary_of_record_state()")
        assert cur.fetchone()[0] == "primary"
        for statement in ("SELECT COUNT(*) FROM parks", "CALL run_aggregation()",
                          "CALL apply_retention()", "DELETE FROM park_snapshots"):
            with pytest.raises(pymysql.MySQLError) as denied:
                cur.execute(statement)
            assert denied.value.args[0] in (1142, 1370), statement


def test_an_installed_package_migrates_from_any_directory(server_url, tmp_path):
    """``pip install .`` (not editable): migrations and routines ship in the package."""
    # Built from a copy of the tracked files, as a fresh clone would be (a checkout's
    # git-ignored build/ folder may hold files of an older layout).
    source, wheels, target = tmp_path / "source", tmp_path / "wheels", tmp_path / "site"
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                             check=True).stdout.decode().split("\0")
    for name in filter(None, tracked):
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        if (ROOT / name).is_symlink():
            (source / name).symlink_to(os.readlink(ROOT / name))
        elif (ROOT / name).exists():  # a tracked file deleted in the working tree
            shutil.copy2(ROOT / name, source / name)
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                            "--wheel-dir", str(wheels), str(source)],
                           capture_output=True, text=True, cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    (wheel,) = wheels.glob("parkstats-*.whl")
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                    "--target", str(target), str(wheel)], check=True, capture_output=True)
    url = server_url.with_database(f"{server_url.database}_installed")
    drop_database(url)
    env = {**os.environ, "PYTHONPATH": str(target), "PARKSTATS_DATABASE_URL": str(url)}
    try:
        result = subprocess.run([sys.executable, "-m", "parkstats", "migrate"], cwd=tmp_path,
                                env=env, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        where = subprocess.run([sys.executable, "-c", "import parkstats; print(parkstats.SQL_DIR)"],
                               cwd=tmp_path, env=env, capture_output=True, text=True)
        assert where.stdout.strip().startswith(str(target))
        with connect(url) as conn:
            assert scalar(conn, "SELECT COUNT(*) FROM routine_versions") == len(
                list((source / "sql").rglob("*.sql")))
    finally:
        drop_database(url)


def test_the_documented_grants_are_the_commands_output():
    """docs/operations.md shows `parkstats grants --database parkstats` as it is."""
    text = (ROOT / "docs" / "operations.md").read_text()
    marker = "<!-- parkstats grants --database parkstats -->\n```sql\n"
    assert marker in text
    documented = text.split(marker, 1)[1].split("```", 1)[0]
    assert documented == grants.script("parkstats")
