"""``make migrate``: schema migrations (yoyo), then the routines of sql/."""

from __future__ import annotations

from collections.abc import Callable

from yoyo import get_backend, read_migrations

from parkstats import MIGRATIONS_DIR, SQL_DIR, preflight, routines
from parkstats.db import DatabaseUrl, connect

# Routines that keep running_daily_park_stats and running_daily_ride_stats as
# snapshots come in.
RUNNING_SUM_ROUTINES = frozenset({
    "park_snapshots_after_insert", "park_snapshots_after_update", "park_snapshots_after_delete",
    "running_daily_add", "running_daily_refresh",
    "record_park_snapshot_write", "snapshot_recompute_pending",
    "running_daily_ride_add", "running_daily_ride_refresh",
})

# Routines that keep ride_latest_snapshots (each ride's newest row and what it adds)
# as ride rows come in, and the views that say what a row adds.
LATEST_ROW_ROUTINES = frozenset({
    "ride_latest_offer", "ride_latest_reoffer", "ride_latest_refresh",
    "record_park_snapshot_write", "snapshot_recompute_pending",
    "ride_snapshots_after_update", "ride_snapshots_after_delete", "rides_after_update",
    "rides_after_delete", "ride_orphan", "park_snapshots_after_update", "ride_latest_rows",
    "ride_snapshot_measures", "ride_snapshot_classes",
})

# The recent local days the daily watermark has not passed: yesterday (UTC
# clock), today and tomorrow (a snapshot may be up to a minute ahead).
RECENT_RUNNING_DAYS = """
SELECT GREATEST(COALESCE((SELECT DATE(done_through) FROM aggregation_watermarks
                           WHERE level = 'daily'), '1000-01-01'),
                (SELECT local_date FROM calendar_days
                  WHERE utc_start <= UTC_TIMESTAMP() - INTERVAL 1 DAY
                  ORDER BY utc_start DESC LIMIT 1)),
       (SELECT local_date FROM calendar_days
         WHERE utc_start <= UTC_TIMESTAMP() + INTERVAL 1 DAY
         ORDER BY utc_start DESC LIMIT 1)
"""


def migrate(url: DatabaseUrl, say: Callable[[str], None] = print) -> None:
    """Bring the database at ``url`` up to date; safe to run again.

    Checks the server and the account first (parkstats.preflight): when they
    cannot take the whole install, raises PreflightError having changed nothing."""
    preflight.check(url, say)
    apply_schema(url, say)
    with connect(url) as conn:
        changed = routines.install(conn, SQL_DIR, say)
        with conn.cursor() as cur:
            # Daily raw partitions ahead of today (retention keeps this going).
            cur.execute("CALL maintain_snapshot_partitions(NULL)")
            while cur.nextset():
                pass
            if RUNNING_SUM_ROUTINES.intersection(changed):
                # A collector may have written snapshots between a migration and
                # the new triggers (e.g. after 0005 filled the running sums):
                # recompute the recent days' running sums once they are in place.
                cur.execute(RECENT_RUNNING_DAYS)
                first, last = cur.fetchone()
                if first is not None and last is not None and first <= last:
                    cur.execute("CALL running_daily_refresh(NULL, %s, %s)", (first, last))
                    cur.execute("CALL running_daily_ride_refresh(NULL, %s, %s)", (first, last))
            if LATEST_ROW_ROUTINES.intersection(changed):
                # The same for each ride's newest row (a new table is filled here: its
                # migration runs before the view it is filled from is installed).
                cur.execute("CALL ride_latest_refresh(NULL)")


def apply_schema(url: DatabaseUrl, say: Callable[[str], None] = print) -> None:
    backend = get_backend(url.yoyo_url())
    migrations = read_migrations(str(MIGRATIONS_DIR))
    with backend.lock():
        pending = backend.to_apply(migrations)
        if not pending:
            say(f"Schema: up to date ({len(migrations)} migrations applied earlier).")
            return
        for migration in pending:
            say(f"  applying migration {migration.id}")
        backend.apply_migrations(pending)
    say(f"Schema: applied {len(pending)} migration(s).")


def rollback_schema(url: DatabaseUrl, say: Callable[[str], None] = print) -> None:
    """Roll every migration back (drops all parkstats tables and routines)."""
    backend = get_backend(url.yoyo_url())
    migrations = read_migrations(str(MIGRATIONS_DIR))
    with backend.lock():
        applied = backend.to_rollback(migrations)
        backend.rollback_migrations(applied)
    say(f"Schema: rolled back {len(applied)} migration(s).")
