"""The harness itself: a real server, migrated, clean for every test."""

from support import scalar


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
