"""make migrate: idempotent schema, routines re-installed only when changed,
a broken routine file refused with its name while the old version works,
and a clean rollback."""

import shutil

import pytest
from support import rows, scalar
from yoyo import get_backend, read_migrations

from parkstats import MIGRATIONS_DIR, SQL_DIR, routines
from parkstats.db import connect
from parkstats.migrate import migrate, rollback_schema


def migrate_quietly(url):
    lines = []
    migrate(url, say=lines.append)
    return lines


def test_second_migrate_changes_nothing_and_says_so(fresh_db_url):
    first = migrate_quietly(fresh_db_url)
    count = len(read_migrations(str(MIGRATIONS_DIR)))
    assert any(f"applied {count} migration" in line for line in first)
    with connect(fresh_db_url) as conn:
        installed = rows(conn, "SELECT routine_name, version, checksum, installed_at "
                               "FROM routine_versions ORDER BY routine_name")
    assert {r["routine_name"] for r in installed} >= {"record_park_snapshot", "parkstats_now"}
    second = migrate_quietly(fresh_db_url)
    assert any("Schema: up to date" in line for line in second)
    assert any("Routines: nothing changed" in line for line in second)
    assert not any(line.lstrip().startswith("installed") for line in second)
    with connect(fresh_db_url) as conn:
        assert rows(conn, "SELECT routine_name, version, checksum, installed_at "
                          "FROM routine_versions ORDER BY routine_name") == installed


@pytest.fixture
def sql_copy(tmp_path):
    target = tmp_path / "sql"
    shutil.copytree(SQL_DIR, target)
    return target


def test_only_the_edited_routine_is_reinstalled(fresh_db_url, sql_copy):
    migrate_quietly(fresh_db_url)
    path = sql_copy / "common" / "parkstats_setting.sql"
    path.write_text(path.read_text().replace("Signals an error", "Raises an error"))
    with connect(fresh_db_url) as conn:
        changed = routines.install(conn, sql_copy, say=lambda _line: None)
        assert changed == ["parkstats_setting"]
        assert scalar(conn, "SELECT version FROM routine_versions "
                            "WHERE routine_name = 'parkstats_setting'") == 2
        assert "Raises an error" in scalar(
            conn, "SELECT ROUTINE_COMMENT FROM information_schema.ROUTINES "
                  "WHERE ROUTINE_SCHEMA = DATABASE() AND ROUTINE_NAME = 'parkstats_setting'")
        assert routines.install(conn, sql_copy, say=lambda _line: None) == []


def test_a_broken_routine_fails_with_its_name_and_the_old_one_keeps_working(
        fresh_db_url, sql_copy):
    migrate_quietly(fresh_db_url)
    path = sql_copy / "common" / "parkstats_setting.sql"
    path.write_text(path.read_text().replace("RETURN v_value;", "RETURN v_value +;"))
    with connect(fresh_db_url) as conn:
        with pytest.raises(routines.RoutineError) as refused:
            routines.install(conn, sql_copy, say=lambda _line: None)
        message = str(refused.value)
        assert "parkstats_setting.sql" in message
        assert "SQL syntax" in message
        assert scalar(conn, "SELECT parkstats_setting('raw_retention_days')") == "90"
        assert scalar(conn, "SELECT version FROM routine_versions "
                            "WHERE routine_name = 'parkstats_setting'") == 1
        assert scalar(conn, "SELECT COUNT(*) FROM information_schema.ROUTINES "
                            "WHERE ROUTINE_SCHEMA = DATABASE() "
                            "AND ROUTINE_NAME LIKE '\\_trial\\_%%'") == 0


def test_a_file_must_hold_one_routine_named_like_it(tmp_path):
    (tmp_path / "wrong_name.sql").write_text(
        "CREATE FUNCTION right_name() RETURNS INT DETERMINISTIC NO SQL RETURN 1")
    with pytest.raises(routines.RoutineError, match="wrong_name.sql"):
        routines.load_all(tmp_path)
    (tmp_path / "wrong_name.sql").write_text(
        "CREATE FUNCTION wrong_name() RETURNS INT DETERMINISTIC NO SQL RETURN 1;\n"
        "CREATE FUNCTION another() RETURNS INT DETERMINISTIC NO SQL RETURN 2;")
    with pytest.raises(routines.RoutineError, match="exactly one CREATE statement"):
        routines.load_all(tmp_path)


def test_a_view_is_installed_after_the_views_it_reads(tmp_path):
    """By name a_rows would come first; it reads b_rows, which reads c_base."""
    for name, source in (("a_rows", "b_rows"), ("b_rows", "c_base"), ("c_base", "parks")):
        (tmp_path / f"{name}.sql").write_text(
            f"CREATE VIEW {name} AS SELECT park_id FROM {source}")
    (tmp_path / "a_proc.sql").write_text("CREATE PROCEDURE a_proc() BEGIN END")
    assert [r.name for r in routines.load_all(tmp_path)] == [
        "a_proc", "c_base", "b_rows", "a_rows"]


def test_a_routine_of_more_than_10000_tokens_loads(tmp_path):
    """sqlparse refuses to group more than 10,000 tokens; the loader must not need to."""
    body = "".join(f"    SET @v{i} = {i} + 1; -- step {i}\n" for i in range(3000))
    (tmp_path / "long_one.sql").write_text(
        f"-- a long procedure\nCREATE PROCEDURE long_one()\nBEGIN\n{body}END\n")
    (routine,) = routines.load_all(tmp_path)
    assert (routine.routine_type, routine.name) == ("PROCEDURE", "long_one")
    assert routine.statement.count("SET @v") == 3000


def test_every_routine_documents_itself(fresh_db_url):
    migrate_quietly(fresh_db_url)
    with connect(fresh_db_url) as conn:
        comments = rows(conn, "SELECT ROUTINE_NAME AS name, ROUTINE_COMMENT AS comment "
                              "FROM information_schema.ROUTINES "
                              "WHERE ROUTINE_SCHEMA = DATABASE()")
    assert comments
    for routine in comments:
        for section in ("Description", "Parameters", "Example"):
            assert section in routine["comment"], (routine["name"], section)


def test_rollback_removes_everything_and_migrate_restores_it(fresh_db_url):
    migrate_quietly(fresh_db_url)
    rollback_schema(fresh_db_url, say=lambda _line: None)
    with connect(fresh_db_url) as conn:
        assert scalar(conn, "SELECT COUNT(*) FROM information_schema.TABLES "
                            "WHERE TABLE_SCHEMA = DATABASE() "
                            "AND TABLE_NAME NOT LIKE '\\_yoyo%%' "
                            "AND TABLE_NAME NOT LIKE 'yoyo%%'") == 0
        assert scalar(conn, "SELECT COUNT(*) FROM information_schema.ROUTINES "
                            "WHERE ROUTINE_SCHEMA = DATABASE()") == 0
    migrate_quietly(fresh_db_url)
    with connect(fresh_db_url) as conn:
        assert scalar(conn, "SELECT COUNT(*) FROM calendar_days") > 36000


def test_orphaned_rides_is_seeded_with_the_rides_deleted_before_it(fresh_db_url):
    """Migration 0019 seeds orphaned_rides with the ids of ride rows (raw or yearly)
    that are not in rides: here ride 5 (raw rows only) and 6 (a yearly row only),
    deleted while the table was not there; ride 7 is kept."""
    migrate_quietly(fresh_db_url)
    with connect(fresh_db_url) as conn, conn.cursor() as cur:
        cur.execute("INSERT INTO parks (park_id, name) VALUES (1, 'Park')")
        cur.execute("INSERT INTO rides (ride_id, park_id, name) "
                    "VALUES (5, 1, 'Raw'), (6, 1, 'Yearly'), (7, 1, 'Kept')")
        cur.execute("INSERT INTO ride_snapshots (recorded_at, ride_id, park_id, status) "
                    "VALUES (UTC_TIMESTAMP(), 5, 1, 'DOWN'), (UTC_TIMESTAMP(), 7, 1, 'DOWN')")
        cur.execute("INSERT INTO yearly_ride_stats (year, ride_id, park_id, days_covered, "
                    "sample_count, open_sample_count, operating_samples, down_samples, "
                    "closed_samples, refurbishment_samples, wait_sum, wait_count, "
                    "aggregated_at) VALUES (2025, 6, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, NOW())")
    backend = get_backend(fresh_db_url.yoyo_url())
    seeding = read_migrations(str(MIGRATIONS_DIR)).filter(
        lambda m: m.id == "0019_orphaned_rides")
    with backend.lock():
        backend.rollback_migrations(seeding)
    with connect(fresh_db_url) as conn, conn.cursor() as cur:
        cur.execute("DROP TRIGGER rides_after_delete")  # it writes to the table rolled back
        cur.execute("DELETE FROM rides WHERE ride_id IN (5, 6)")
    with backend.lock():
        backend.apply_migrations(seeding)
    with connect(fresh_db_url) as conn:
        assert [r["ride_id"] for r in rows(conn, "SELECT ride_id FROM orphaned_rides "
                                                 "ORDER BY ride_id")] == [5, 6]


def test_migrate_adds_daily_partitions_ahead(fresh_db_url):
    migrate_quietly(fresh_db_url)
    with connect(fresh_db_url) as conn:
        names = [r["PARTITION_NAME"] for r in rows(
            conn, "SELECT PARTITION_NAME FROM information_schema.PARTITIONS "
                  "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'park_snapshots' "
                  "ORDER BY PARTITION_ORDINAL_POSITION")]
    assert names[0] == "p_archive" and names[-1] == "p_future"
    assert len(names) > 90


def test_a_view_keeps_its_header_clauses(fresh_db_url):
    migrate_quietly(fresh_db_url)
    with connect(fresh_db_url) as conn, conn.cursor() as cur:
        cur.execute("SHOW CREATE VIEW park_snapshot_measures")
        definition = cur.fetchone()[1]
    assert "ALGORITHM=MERGE" in definition
    assert "SQL SECURITY INVOKER" in definition
