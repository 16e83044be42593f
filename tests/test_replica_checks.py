"""Checking a replica: verify_aggregates on a read-only server (reporting, writing
nothing, no errant transaction) and the column-wise checksum (table_checksums(),
parkstats checksum) that ignores generated columns, with ROW and MIXED replication."""

from __future__ import annotations

import hashlib
import json
import random
from datetime import datetime, timedelta

import pymysql
import pytest
from aggregation_support import run_until_idle
from replication_support import admin
from support import call, rows, scalar, set_now

from parkstats.checksum import ChecksumError, compare
from parkstats.cli import main as cli_main
from parkstats.db import DatabaseUrl, connect
from parkstats.migrate import migrate

START = datetime(2026, 10, 30, 7, 0)     # local midnight, Oct 30 (PDT)
END = datetime(2026, 11, 2, 8, 0)        # local midnight, Nov 2 (PST): Nov 1 has 25 hours
NOW = END + timedelta(minutes=10)
PARKS = (1, 2, 3)
RIDES = {park * 10 + k: park for park in PARKS for k in (1, 2, 3)}
CHECKER = "parkstats_checker"
CHECKER_PASSWORD = "checker-secret"
GENERATED = "avg_shame_score, avg_wait_minutes"


def load_history(url: DatabaseUrl) -> None:
    """Three parks of three rides, a snapshot every 20 minutes for three local days,
    aggregated; and the database-level account CHECKER (no global privilege)."""
    rng = random.Random(2024)
    with connect(url) as conn, conn.cursor() as cur:
        cur.executemany("INSERT INTO parks (park_id, name) VALUES (%s, %s)",
                        [(p, f"Park {p}") for p in PARKS])
        cur.executemany("INSERT INTO rides (ride_id, park_id, name, tier) VALUES (%s, %s, %s, 2)",
                        [(r, p, f"Ride {r}") for r, p in RIDES.items()])
        cur.execute("UPDATE settings SET setting_value = '1000' "
                    "WHERE setting_name = 'max_hours_per_cycle'")
        set_now(conn, NOW)
        at = START
        while at < END:
            for park in PARKS:
                items = [{"ride_id": r, "status": rng.choice(("OPERATING", "OPERATING", "DOWN")),
                          "wait_minutes": rng.choice((None, 5, 20, 45))}
                         for r, p in RIDES.items() if p == park]
                call(conn, "record_park_snapshot", park, at + timedelta(minutes=park),
                     int(8 <= (at - timedelta(hours=7)).hour < 22), json.dumps(items))
            at += timedelta(minutes=20)
        run_until_idle(conn, NOW)
        cur.execute(f"CREATE USER '{CHECKER}'@'%%' IDENTIFIED BY %s", (CHECKER_PASSWORD,))
        cur.execute(f"GRANT ALL PRIVILEGES ON `{url.database}`.* TO '{CHECKER}'@'%'")


@pytest.fixture(scope="module", params=["ROW", "MIXED"])
def pair(request, replication_pair):
    """A migrated, loaded and caught-up pair, one per binlog format (shared by this
    module's tests; a test that alters the replica restores it)."""
    started = replication_pair(f"replica-checks-{request.param.lower()}", request.param)
    migrate(started.primary, say=lambda _line: None)
    load_history(started.primary)
    started.caught_up()
    return started


def as_checker(url: DatabaseUrl) -> DatabaseUrl:
    return DatabaseUrl(url.host, url.port, CHECKER, CHECKER_PASSWORD, url.database)


def every_table(url: DatabaseUrl) -> dict[str, list[tuple]]:
    """Every base table of the schema, its rows sorted (read as root)."""
    with connect(url) as conn, conn.cursor() as cur:
        cur.execute("SELECT TABLE_NAME FROM information_schema.TABLES "
                    "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE'")
        tables = sorted(name for (name,) in cur.fetchall())
        content = {}
        for table in tables:
            cur.execute(f"SELECT * FROM `{table}`")
            content[table] = sorted(cur.fetchall(), key=repr)
        return content


def binlog_position(url: DatabaseUrl) -> str:
    with admin(url) as conn, conn.cursor() as cur:
        cur.execute("SELECT @@GLOBAL.gtid_binlog_pos")
        return cur.fetchone()[0]


def checksums(url: DatabaseUrl, table: str | None = None) -> dict[str, dict]:
    with connect(as_checker(url)) as conn:
        return {r["table_name"]: r for r in call(conn, "table_checksums", table)[0]}


def test_verify_on_the_replica_reports_clean_and_writes_nothing(pair):
    before = every_table(pair.replica)
    position = binlog_position(pair.replica)
    with connect(as_checker(pair.replica)) as conn:
        set_now(conn, NOW)
        result = call(conn, "verify_aggregates", START, END)
    assert result[0] == []
    summary = result[-1][0]
    assert summary["differences"] == 0
    assert summary["hourly_checked"] == (END - START) // timedelta(hours=1) * len(PARKS)
    assert summary["days_checked"] == 3
    assert "read-only server" in summary["summary"]
    # Nothing written: every table as it was, no transaction in the replica's binary
    # log (an errant one would stop replication under gtid_strict_mode), no job row.
    assert every_table(pair.replica) == before
    assert binlog_position(pair.replica) == position
    with connect(pair.replica) as conn:
        assert scalar(conn, "SELECT COUNT(*) FROM aggregation_job_log "
                            "WHERE job_type = 'verify'") == 0
    # The same checks as on the primary, whose stored rows are the replica's.
    with connect(pair.primary) as conn:
        set_now(conn, NOW)
        on_primary = call(conn, "verify_aggregates", START, END)
    assert on_primary[0] == []
    assert {k: v for k, v in on_primary[-1][0].items() if k.endswith("_checked")} \
        == {k: v for k, v in summary.items() if k.endswith("_checked")}
    pair.caught_up()


def test_verify_on_the_primary_still_logs_its_job_row(pair):
    with connect(pair.primary) as conn:
        set_now(conn, NOW)
        jobs = scalar(conn, "SELECT COUNT(*) FROM aggregation_job_log WHERE job_type = 'verify'")
        summary = call(conn, "verify_aggregates", START, END)[-1][0]
        logged = rows(conn, "SELECT status, rows_affected, period_start, period_end "
                            "FROM aggregation_job_log WHERE job_type = 'verify' "
                            "ORDER BY job_id DESC LIMIT 1")
        assert scalar(conn, "SELECT COUNT(*) FROM aggregation_job_log "
                            "WHERE job_type = 'verify'") == jobs + 1
    assert "read-only" not in summary["summary"]
    assert logged == [{"status": "success", "rows_affected": 0, "period_start": START,
                       "period_end": END}]
    pair.caught_up()


def test_checksums_are_equal_after_catching_up_and_ignore_generated_columns(pair):
    pair.caught_up()
    position = binlog_position(pair.replica)
    on_primary = checksums(pair.primary)
    on_replica = checksums(pair.replica)
    assert binlog_position(pair.replica) == position
    assert set(on_primary) == set(every_table(pair.primary))
    assert on_replica == on_primary
    for table, content in every_table(pair.primary).items():
        assert on_primary[table]["row_count"] == len(content), table
    assert on_primary["hourly_park_stats"]["ignored_columns"] == GENERATED
    assert on_primary["hourly_park_stats"]["hashed_columns"] == 14
    assert on_primary["hourly_ride_stats"]["ignored_columns"] == "avg_wait_minutes"
    assert on_primary["park_snapshots"]["row_count"] > 0
    assert on_primary["parks"]["ignored_columns"] is None
    # Every row equal, so the CLI says equal for every table and exits 0.
    lines = []
    assert all(c.equal for c in compare(pair.primary, pair.replica, say=lines.append))
    assert lines == [f"{t}: equal ({on_primary[t]['row_count']} rows)" for t in sorted(on_primary)]


def test_a_row_altered_on_the_replica_is_reported_by_verify_and_checksum(pair, capsys):
    hour = START + timedelta(hours=20)
    damage = [
        ("UPDATE daily_park_stats SET down_samples = down_samples + {d} "
         "WHERE stat_date = '2026-10-31' AND park_id = 2"),
        ("UPDATE hourly_ride_stats SET wait_sum = wait_sum + {d} "
         f"WHERE hour_start_utc = '{hour:%Y-%m-%d %H:%M:%S}' AND ride_id = 11"),
    ]
    position = binlog_position(pair.replica)
    with admin(pair.replica) as root, root.cursor() as cur:
        cur.execute(f"USE `{pair.database}`")
        cur.execute("SET SESSION sql_log_bin = 0")
        for statement in damage:
            cur.execute(statement.format(d=3))
        try:
            with connect(as_checker(pair.replica)) as conn:
                set_now(conn, NOW)
                found = call(conn, "verify_aggregates", START, END)[0]
            assert {(r["level"], r["park_id"], r["ride_id"], r["problem"],
                     r["columns_differing"]) for r in found} == {
                ("daily", 2, None, "differs", "down_samples"),
                ("hourly_ride", 1, 11, "differs", "wait_sum"),
            }
            with pytest.raises(SystemExit) as exited:
                cli_main(["checksum", "--primary", str(pair.primary),
                          "--replica", str(pair.replica), "--attempts", "1"])
            assert exited.value.code == 1
            out = capsys.readouterr().out
            different = {line.split(":")[0] for line in out.splitlines() if "DIFFERENT" in line}
            assert different == {"daily_park_stats", "hourly_ride_stats"}
            assert "weekly_park_stats: equal" in out
            one = compare(pair.primary, pair.replica, "daily_park_stats", attempts=1,
                          say=lambda _line: None)
            assert [(c.primary.table, c.equal) for c in one] == [("daily_park_stats", False)]
        finally:
            for statement in damage:
                cur.execute(statement.format(d=-3))
    assert binlog_position(pair.replica) == position
    cli_main(["checksum", "--primary", str(pair.primary), "--replica", str(pair.replica),
              "--table", "daily_park_stats"])
    assert capsys.readouterr().out.startswith("daily_park_stats: equal")


def test_a_bad_table_name_is_an_error_naming_it(pair):
    with pytest.raises(ChecksumError, match="no base table 'no_such_table'"):
        compare(pair.primary, pair.replica, "no_such_table", say=lambda _line: None)
    with pytest.raises(SystemExit) as exited:
        cli_main(["checksum", "--primary", str(pair.primary), "--replica", str(pair.replica),
                  "--table", "no_such_table"])
    assert "no_such_table" in str(exited.value.code)


def hashed(*values) -> int:
    """The documented row hash: MD5 of HEX(text) of each column (N for NULL) joined
    with |, its first 16 hex digits as a number."""
    text = "|".join("N" if v is None else str(v).encode().hex().upper() for v in values)
    return int(hashlib.md5(text.encode()).hexdigest()[:16], 16)


def test_the_checksum_is_the_documented_sum_and_ignores_generated_columns(db):
    cur = db.cursor()
    rows_ = [(1, 2, "a|b"), (2, None, ""), (3, 7, None)]
    try:
        for name, expression in (("probe_virtual", "a * 10 + b"), ("probe_stored", "b - a")):
            kind = "VIRTUAL" if name == "probe_virtual" else "STORED"
            cur.execute(f"CREATE TABLE {name} (a INT NOT NULL, b INT NULL, "
                        f"g INT GENERATED ALWAYS AS ({expression}) {kind}, "
                        "c VARCHAR(8) NULL, CONSTRAINT pk_probe PRIMARY KEY (a))")
            cur.executemany(f"INSERT INTO {name} (a, b, c) VALUES (%s, %s, %s)", rows_)
        virtual = call(db, "table_checksums", "probe_virtual")[0]
        stored = call(db, "table_checksums", "probe_stored")[0]
        assert virtual[0]["checksum"] == sum(hashed(*r) for r in rows_)
        assert (virtual[0]["row_count"], virtual[0]["hashed_columns"],
                virtual[0]["ignored_columns"]) == (3, 3, "g")
        # Same stored columns, other generated values: the same checksum.
        assert stored[0]["checksum"] == virtual[0]["checksum"]
        cur.execute("UPDATE probe_stored SET c = 'x' WHERE a = 2")
        assert call(db, "table_checksums", "probe_stored")[0][0]["checksum"] \
            != virtual[0]["checksum"]
    finally:
        cur.execute("DROP TABLE IF EXISTS probe_virtual, probe_stored")
    with pytest.raises(pymysql.err.OperationalError, match="no base table 'probe_virtual'"):
        call(db, "table_checksums", "probe_virtual")
