"""``parkstats checksum``: does a replica hold the same rows as its primary?

Runs the procedure ``table_checksums()`` (sql/operations/table_checksums.sql: a
checksum over the stored columns of every base table, generated columns left
out, unlike ``CHECKSUM TABLE``) on the primary, waits until the replica has
applied everything the primary had logged when the primary's checksums were
taken, runs it on the replica and compares, table by table.

A live primary keeps writing (the collector, the event scheduler), so a table can
differ only because the primary moved on between the two reads.  A difference
is conclusive when the primary's binary log position did not move from the start
of its checksums to the end of the replica's (both then read the same state);
otherwise the differing tables are checked again, up to ``attempts`` times, and
a difference left after the last attempt is reported as it is.

Waiting for the replica: MariaDB ``MASTER_GTID_WAIT(@@gtid_binlog_pos of the
primary)``; MySQL 8 ``WAIT_FOR_EXECUTED_GTID_SET(@@gtid_executed of the primary)``
(GTID replication assumed on MySQL).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import pymysql

from parkstats.db import DatabaseUrl, connect, is_mariadb


class ChecksumError(RuntimeError):
    """The comparison could not be made (message says why): unknown table,
    replica not catching up, a server that cannot be reached."""


@dataclass(frozen=True)
class TableChecksum:
    """One row of ``table_checksums()``: ``checksum`` is the sum of the rows'
    64-bit hashes (an int of up to ~84 bits)."""

    table: str
    row_count: int
    checksum: int
    ignored_columns: str | None


@dataclass(frozen=True)
class TableComparison:
    """A table on both servers; ``equal`` compares row counts and checksums."""

    primary: TableChecksum
    replica: TableChecksum | None

    @property
    def equal(self) -> bool:
        return self.replica is not None and (
            (self.primary.row_count, self.primary.checksum)
            == (self.replica.row_count, self.replica.checksum))

    def describe(self) -> str:
        """``'<table>: equal (N rows)'`` or ``'<table>: DIFFERENT (...)'``."""
        name = self.primary.table
        if self.replica is None:
            return f"{name}: DIFFERENT (missing on the replica)"
        if self.equal:
            return f"{name}: equal ({self.primary.row_count} rows)"
        return (f"{name}: DIFFERENT (primary {self.primary.row_count} rows, checksum "
                f"{self.primary.checksum}; replica {self.replica.row_count} rows, checksum "
                f"{self.replica.checksum})")


def table_checksums(conn: pymysql.Connection, table: str | None) -> dict[str, TableChecksum]:
    """``CALL table_checksums(table)`` -> {table name: TableChecksum}; ChecksumError
    with the server's message on an unknown table."""
    try:
        with conn.cursor() as cur:
            cur.execute("CALL table_checksums(%s)", (table,))
            result = cur.fetchall()
            while cur.nextset():
                pass
    except pymysql.err.OperationalError as exc:
        raise ChecksumError(f"{conn.host}:{conn.port}: {exc.args[-1]}") from exc
    return {name: TableChecksum(name, int(count), int(checksum), ignored)
            for name, count, checksum, ignored in
            ((r[0], r[1], r[2], r[4]) for r in result)}


def log_position(conn: pymysql.Connection) -> str:
    """The set of transactions the server has logged: MariaDB ``@@gtid_binlog_pos``
    (e.g. ``'0-1-812'``), MySQL ``@@gtid_executed``."""
    variable = "gtid_binlog_pos" if is_mariadb(conn) else "gtid_executed"
    with conn.cursor() as cur:
        cur.execute(f"SELECT @@GLOBAL.{variable}")
        return cur.fetchone()[0]


def wait_for(replica: pymysql.Connection, position: str, timeout: float) -> None:
    """Blocks until ``replica`` has applied ``position`` (a primary's log_position);
    ChecksumError after ``timeout`` seconds."""
    wait = ("SELECT MASTER_GTID_WAIT(%s, %s)" if is_mariadb(replica)
            else "SELECT WAIT_FOR_EXECUTED_GTID_SET(%s, %s)")
    with replica.cursor() as cur:
        cur.execute(wait, (position, timeout))
        waited = cur.fetchone()[0]
    if waited != 0:
        raise ChecksumError(f"the replica {replica.host}:{replica.port} did not apply the "
                            f"primary's position {position!r} within {timeout:g} s: "
                            "is it replicating from this primary?")


def compare(primary: DatabaseUrl, replica: DatabaseUrl, table: str | None = None, *,
            timeout: float = 60.0, attempts: int = 3,
            say: Callable[[str], None] = print) -> list[TableComparison]:
    """Compares ``table`` (None: every base table of the primary's schema) on
    ``primary`` and ``replica``; prints one line per table through ``say`` and
    returns the comparisons (``all(c.equal ...)`` when they agree).

    ``timeout``: seconds the replica may take to catch up (per attempt);
    ``attempts`` (>= 1): checks of tables that differ while the primary is writing.
    ChecksumError when the servers cannot be compared (nothing is changed on either)."""
    if attempts < 1:
        raise ValueError(f"attempts must be at least 1, not {attempts}")
    try:
        with connect(primary) as pconn, connect(replica) as rconn:
            results = _compare(pconn, rconn, table, timeout, attempts)
    except pymysql.err.OperationalError as exc:
        raise ChecksumError(f"cannot check: {exc.args[-1]}") from exc
    for comparison in results.values():
        say(comparison.describe())
    return list(results.values())


def _compare(pconn: pymysql.Connection, rconn: pymysql.Connection, table: str | None,
             timeout: float, attempts: int) -> dict[str, TableComparison]:
    results: dict[str, TableComparison] = {}
    pending: list[str | None] = [table]
    for attempt in range(1, attempts + 1):
        before = log_position(pconn)
        on_primary = _checksums(pconn, pending)
        wait_for(rconn, log_position(pconn), timeout)
        on_replica = _checksums(rconn, pending)
        # Conclusive when the primary logged nothing from its checksums to the
        # replica's: both then read the same state.
        settled = log_position(pconn) == before
        for name, checksum in on_primary.items():
            results[name] = TableComparison(checksum, on_replica.get(name))
        differing = [name for name, c in results.items() if not c.equal]
        if not differing or settled or attempt == attempts:
            break
        pending = differing
        time.sleep(1.0)
    return results


def _checksums(conn: pymysql.Connection, tables: list[str | None]) -> dict[str, TableChecksum]:
    found: dict[str, TableChecksum] = {}
    for table in tables:
        found.update(table_checksums(conn, table))
    return found
