"""The harness itself: a real server, migrated, clean for every test."""

import pytest
from support import rows, scalar

from parkstats.localdb import LocalServer, ServerUnavailable


def test_server_is_real_and_configured(db):
    version = scalar(db, "SELECT VERSION()")
    assert version and version[0].isdigit()
    assert scalar(db, "SELECT @@event_scheduler") == "ON"
    assert scalar(db, "SELECT @@character_set_database") == "utf8mb4"


def test_each_test_starts_clean_first(db):
    db.cursor().execute("INSERT INTO parks (park_id, name) VALUES (1, 'Leftover Land')")
    assert scalar(db, "SELECT COUNT(*) FROM parks") == 1


def test_each_test_starts_clean_second(db):
    assert scalar(db, "SELECT COUNT(*) FROM parks") == 0


def test_a_server_does_not_take_another_on_its_port_for_itself(db_url, tmp_path):
    """LocalServer.start() on a port another server holds fails with its own log (the
    port is taken) instead of returning as if the server answering there were itself."""
    second = LocalServer(tmp_path / "second", port=db_url.port)
    with pytest.raises(ServerUnavailable, match="exited"):
        second.start(timeout=120)
    assert not second.is_running()


def test_every_table_is_emptied_between_tests_or_kept_on_purpose(db):
    """A new table must join conftest.DATA_TABLES (emptied before each test) or the
    tables kept on purpose here; otherwise its rows leak from one test into the next."""
    from conftest import DATA_TABLES

    kept = {"settings", "calendar_days", "aggregation_watermarks", "routine_versions",
            "primary_of_record"}
    tables = {r["TABLE_NAME"] for r in rows(
        db, "SELECT TABLE_NAME FROM information_schema.TABLES "
            "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE' "
            "AND TABLE_NAME NOT LIKE '\\_yoyo%%' AND TABLE_NAME NOT LIKE 'yoyo%%'")}
    assert tables - set(DATA_TABLES) - kept == set()
    assert kept | set(DATA_TABLES) <= tables  # no name here that is not a table
