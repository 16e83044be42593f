"""``make migrate``: schema migrations (yoyo), then the routines of sql/."""

from __future__ import annotations

from collections.abc import Callable

from yoyo import get_backend, read_migrations

from parkstats import MIGRATIONS_DIR, SQL_DIR, routines
from parkstats.db import DatabaseUrl, connect, create_database


def migrate(url: DatabaseUrl, say: Callable[[str], None] = print) -> None:
    """Bring the database at ``url`` up to date; safe to run again."""
    create_database(url)
    apply_schema(url, say)
    with connect(url) as conn:
        routines.install(conn, SQL_DIR, say)
        with conn.cursor() as cur:
            # Daily raw partitions ahead of today (retention keeps this going).
            cur.execute("CALL maintain_snapshot_partitions(NULL)")
            while cur.nextset():
                pass


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
