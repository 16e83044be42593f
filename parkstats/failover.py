"""Failover with product support: ``parkstats promote`` and ``parkstats prepare-rebuild``.

``promote(url)`` runs on the replica chosen to become the primary (an
administrator's URL): it checks that the server is a replica that has applied
everything it received, stops and resets replication, makes the server
writable, enables the project's events (replicated events arrive
SLAVESIDE_DISABLED), records the server as primary of record
(``claim_primary_of_record()``), runs a cycle and ``verify_aggregates``,
printing each step and its result.

``prepare_rebuild(url, new_primary)`` runs on an old primary that came back
after a failover: it makes it read-only, disables its events, reports its
errant GTIDs (transactions the new primary does not have) and prints how to
rebuild it from the new primary. It is never re-attached as it is: its errant
transactions collide with the new primary's (duplicate keys on park_snapshots).

Statements use the REPLICA keyword (MariaDB 10.5+, MySQL 8.0.22+); SHOW
REPLICA STATUS names its columns Slave_*/Master_* on MariaDB and
Replica_*/Source_* on MySQL 8: ``ReplicaStatus`` reads both.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass

import pymysql
import pymysql.cursors

from parkstats.db import DatabaseUrl, connect, is_mariadb

#: Days of aggregates promote verifies (verify_aggregates over the last N days).
VERIFY_DAYS = 2


class FailoverError(RuntimeError):
    """Promote or prepare-rebuild refused; the message names what is wrong."""


@dataclass(frozen=True)
class ReplicaStatus:
    """One row of SHOW REPLICA STATUS, with MariaDB's or MySQL 8's column names."""

    source: str            # host:port of the server it replicates from
    io_running: str        # Yes / No / Connecting
    sql_running: str       # Yes / No
    read_position: tuple[str, int]      # (binlog file, position) received
    applied_position: tuple[str, int]   # (binlog file, position) applied
    sql_state: str         # what the SQL (applier) thread is doing
    last_error: str        # the applier's last error, or ''
    gtid_io_pos: str       # MariaDB: GTID received ('' on MySQL)

    @classmethod
    def from_row(cls, row: dict) -> ReplicaStatus:
        def col(mariadb: str, mysql: str):
            return row[mariadb] if mariadb in row else row[mysql]

        return cls(
            source=f"{col('Master_Host', 'Source_Host')}:{col('Master_Port', 'Source_Port')}",
            io_running=col("Slave_IO_Running", "Replica_IO_Running"),
            sql_running=col("Slave_SQL_Running", "Replica_SQL_Running"),
            read_position=(col("Master_Log_File", "Source_Log_File"),
                           int(col("Read_Master_Log_Pos", "Read_Source_Log_Pos"))),
            applied_position=(col("Relay_Master_Log_File", "Relay_Source_Log_File"),
                              int(col("Exec_Master_Log_Pos", "Exec_Source_Log_Pos"))),
            sql_state=col("Slave_SQL_Running_State", "Replica_SQL_Running_State") or "",
            last_error=row.get("Last_SQL_Error") or "",
            gtid_io_pos=row.get("Gtid_IO_Pos") or "",
        )

    def describe(self) -> str:
        return (f"replicating from {self.source} (IO thread {self.io_running}, SQL thread "
                f"{self.sql_running}; received {_position(self.read_position)}, applied "
                f"{_position(self.applied_position)})")


def _position(position: tuple[str, int]) -> str:
    return f"{position[0]}:{position[1]}"


def replica_status(cur) -> ReplicaStatus | None:
    """This server's replication, or None when it replicates from nobody."""
    cur.execute("SHOW REPLICA STATUS")
    row = cur.fetchone()
    if row is None:
        return None
    names = [d[0] for d in cur.description]
    return ReplicaStatus.from_row(dict(zip(names, row, strict=True)))


def _scalar(cur, sql: str, args=None):
    cur.execute(sql, args)
    row = cur.fetchone()
    return None if row is None else row[0]


def _call(cur, sql: str, args=None) -> list[list[dict]]:
    """CALL a procedure; every result set as a list of dict rows."""
    cur.execute(sql, args)
    names_rows = []
    while True:
        if cur.description:
            names = [d[0] for d in cur.description]
            names_rows.append([dict(zip(names, r, strict=True)) for r in cur.fetchall()])
        if not cur.nextset():
            return names_rows


def project_events(cur) -> list[tuple[str, str, str]]:
    """The project's events in this schema: (name, definer as 'user'@'host', status).

    The names come from the install manifest (routine_versions); FailoverError
    when one of them is missing from information_schema.EVENTS."""
    cur.execute("SELECT v.routine_name, e.DEFINER, e.STATUS "
                "FROM routine_versions AS v "
                "LEFT JOIN information_schema.EVENTS AS e "
                "ON e.EVENT_SCHEMA = DATABASE() AND e.EVENT_NAME = v.routine_name "
                "WHERE v.routine_type = 'EVENT' ORDER BY v.routine_name")
    events = []
    for name, definer, status in cur.fetchall():
        if definer is None:
            raise FailoverError(f"the event {name} is in routine_versions but not on this "
                                "server: run `parkstats migrate` here first")
        user, _, host = definer.rpartition("@")
        events.append((name, f"'{user}'@'{host}'", status))
    return events


def set_events(cur, enable: bool, say: Callable[[str], None]) -> None:
    """ENABLE or DISABLE every project event, keeping its definer (a plain ALTER EVENT
    would make the administrator running it the definer)."""
    action = "ENABLE" if enable else "DISABLE"
    for name, definer, status in project_events(cur):
        cur.execute(f"ALTER DEFINER = {definer} EVENT `{name}` {action}")
        now = _scalar(cur, "SELECT STATUS FROM information_schema.EVENTS "
                           "WHERE EVENT_SCHEMA = DATABASE() AND EVENT_NAME = %s", (name,))
        say(f"  event {name}: {status} -> {now}")


def _applied_everything(cur, status: ReplicaStatus) -> bool:
    """Whether the replica applied all it received (positions, or MariaDB's GTIDs)."""
    if status.applied_position == status.read_position:
        return True
    if status.gtid_io_pos:
        return _scalar(cur, "SELECT @@GLOBAL.gtid_slave_pos") == status.gtid_io_pos
    return False


def _wait_applied(cur, wait: float) -> tuple[bool, ReplicaStatus]:
    deadline = time.monotonic() + wait
    while True:
        status = replica_status(cur)
        if _applied_everything(cur, status) or time.monotonic() >= deadline:
            return _applied_everything(cur, status), status
        time.sleep(0.2)


def promote(url: DatabaseUrl, *, force: bool = False, wait: float = 60.0,
            verify_days: int = VERIFY_DAYS, say: Callable[[str], None] = print) -> None:
    """Make the replica at ``url`` (an administrator's URL) the primary.

    Raises FailoverError, having changed nothing, when the server is not a
    replica, its applier stopped on an error, or it has not applied all it
    received within ``wait`` seconds (``force`` promotes anyway)."""
    with connect(url) as conn, conn.cursor() as cur:
        server_id = _scalar(cur, "SELECT @@server_id")
        say(f"Promoting {url} (server_id {server_id})")
        status = replica_status(cur)
        if status is None:
            if not force:
                raise FailoverError(
                    f"{url.host}:{url.port} (server_id {server_id}) is not a replica: SHOW "
                    "REPLICA STATUS is empty, so there is nothing to promote; nothing was "
                    "changed. If it is already the primary, see SELECT primary_of_record_state(); "
                    "--force runs the remaining steps anyway")
            say("1. replication: none (--force: going on)")
        else:
            say(f"1. replication: {status.describe()}")
            if status.last_error and not force:
                raise FailoverError(
                    f"the replica's SQL thread stopped on an error ({status.last_error}); it "
                    "has not applied all it received. Nothing was changed; fix replication or "
                    "use --force (what it did not apply is lost)")
            cur.execute("STOP REPLICA IO_THREAD")
            applied, status = _wait_applied(cur, wait if status.sql_running == "Yes" else 0)
            if not applied and not force:
                cur.execute("START REPLICA IO_THREAD")
                raise FailoverError(
                    f"the replica has not applied all it received within {wait:.0f} s: "
                    f"received {_position(status.read_position)}, applied "
                    f"{_position(status.applied_position)} (SQL thread {status.sql_running}: "
                    f"{status.sql_state or status.last_error}). Nothing was changed "
                    "(replication runs again); wait and retry, or use --force (what it did not "
                    "apply is lost)")
            say(f"2. applied everything received: {applied} "
                f"(applied {_position(status.applied_position)})")
            cur.execute("STOP REPLICA")
            cur.execute("RESET REPLICA ALL")
            say(f"3. replication stopped and reset (it followed {status.source})")
        cur.execute("SET GLOBAL read_only = 0")
        say(f"4. read_only = {_scalar(cur, 'SELECT @@GLOBAL.read_only')} (set read_only = OFF "
            "in this server's configuration too)")
        scheduler = str(_scalar(cur, "SELECT @@GLOBAL.event_scheduler")).upper()
        if scheduler not in ("ON", "1"):
            try:
                cur.execute("SET GLOBAL event_scheduler = ON")
                scheduler = "ON (was OFF)"
            except pymysql.MySQLError as exc:
                scheduler = (f"{scheduler}: cannot switch it on ({exc.args[-1]}); set "
                             "event_scheduler = ON in the configuration and restart")
        say(f"5. event scheduler: {scheduler}")
        say("6. events enabled:")
        set_events(cur, True, say)
        claim = _call(cur, "CALL claim_primary_of_record()")[0][0]
        say(f"7. primary of record: {claim['summary']}")
        cycle = _call(cur, "CALL run_aggregation()")[-1][0]
        say(f"8. run_aggregation(): {cycle['summary']}")
        results = _call(cur, "CALL verify_aggregates(UTC_TIMESTAMP() - INTERVAL %s DAY, "
                             "UTC_TIMESTAMP())", (verify_days,))
        differences = results[0] if len(results) > 1 else []
        say(f"9. verify_aggregates (last {verify_days} days): {results[-1][0]['summary']}")
        for row in differences[:20]:
            say(f"  {row}")
        say(f"Done: server_id {server_id} is the primary. Point the collector and the API's "
            "PARKSTATS_DATABASE_URL at it; on the old primary, if it comes back, run "
            "`parkstats prepare-rebuild --new-primary <this server's URL>`.")


def parse_gtid_pos(text: str) -> dict[int, tuple[int, int]]:
    """MariaDB GTID position '0-1-500,1-3-7' -> {domain: (server_id, seqno)}."""
    position = {}
    for gtid in filter(None, (part.strip() for part in (text or "").split(","))):
        match = re.fullmatch(r"(\d+)-(\d+)-(\d+)", gtid)
        if not match:
            raise FailoverError(f"unexpected GTID {gtid!r} in {text!r}")
        domain, server, seqno = map(int, match.groups())
        position[domain] = (server, seqno)
    return position


def mariadb_errant_gtids(old_binlog: str, new_binlog: str, new_applied: str) -> list[str]:
    """The old primary's transactions the new primary does not have, per GTID domain,
    as 'domain-server-first..domain-server-last' (MariaDB).

    ``old_binlog``: the old primary's @@gtid_binlog_pos; ``new_binlog`` and
    ``new_applied``: the new primary's @@gtid_binlog_pos and @@gtid_slave_pos (where
    it stopped applying the old primary's transactions)."""
    new_positions = (parse_gtid_pos(new_binlog), parse_gtid_pos(new_applied))
    errant = []
    for domain, (server, seqno) in sorted(parse_gtid_pos(old_binlog).items()):
        known = max((positions[domain][1] for positions in new_positions
                     if positions.get(domain, (None, 0))[0] == server), default=None)
        if known is None:
            errant.append(f"{domain}-{server}-{seqno} (and maybe earlier ones of server_id "
                          f"{server}: the new primary has none of them)")
        elif known + 1 == seqno:
            errant.append(f"{domain}-{server}-{seqno}")
        elif known < seqno:
            errant.append(f"{domain}-{server}-{known + 1}..{domain}-{server}-{seqno}")
    return errant


def errant_gtids(old_cur, new_cur) -> list[str]:
    """The transactions the old primary (``old_cur``) has and the new one does not."""
    if is_mariadb(old_cur.connection):
        return mariadb_errant_gtids(_scalar(old_cur, "SELECT @@GLOBAL.gtid_binlog_pos"),
                                    _scalar(new_cur, "SELECT @@GLOBAL.gtid_binlog_pos"),
                                    _scalar(new_cur, "SELECT @@GLOBAL.gtid_slave_pos"))
    executed = _scalar(old_cur, "SELECT @@GLOBAL.gtid_executed")
    missing = _scalar(new_cur, "SELECT GTID_SUBTRACT(%s, @@GLOBAL.gtid_executed)", (executed,))
    return [missing] if missing else []


def rebuild_steps(url: DatabaseUrl, new_primary: DatabaseUrl) -> list[str]:
    """What the DBA runs to rebuild the old primary at ``url`` from ``new_primary``: the
    steps of docs/scale-out.md, "Rebuilding the old primary as a replica", in short."""
    db = new_primary.database
    here = f"{url.host}:{url.port}"
    return [
        f"Keep read_only = ON in this server's configuration ({here}), so a restart does "
        "not make it writable again.",
        f"Take a consistent copy of the new primary: mariadb-dump -h {new_primary.host} "
        f"-P {new_primary.port} --single-transaction --gtid --master-data=1 --routines "
        f"--events --triggers --databases {db} > {db}.sql (or mariabackup; MySQL 8: "
        "mysqldump --set-gtid-purged=ON or the clone plugin).",
        f"On this server: STOP SLAVE; RESET SLAVE ALL; DROP DATABASE {db}; RESET MASTER; "
        "(drops the diverged copy and its errant binary log and GTIDs).",
        f"Load {db}.sql here WITHOUT binary logging, so the load adds no transactions of "
        f"this server's own: mariadb -h {url.host} -P {url.port} "
        f"--init-command=\"SET SESSION sql_log_bin = 0\" < {db}.sql (it sets "
        "gtid_slave_pos to the copy's position).",
        f"Make the loaded events a replica's and forget what that wrote: ALTER EVENT "
        f"{db}.ev_run_aggregation DISABLE ON SLAVE; ALTER EVENT {db}.ev_apply_retention "
        "DISABLE ON SLAVE; RESET MASTER;",
        f"CHANGE MASTER TO MASTER_HOST = '{new_primary.host}', MASTER_PORT = "
        f"{new_primary.port}, MASTER_USER = ..., MASTER_PASSWORD = ..., MASTER_USE_GTID = "
        "slave_pos; START SLAVE; (MySQL 8: CHANGE REPLICATION SOURCE TO ... "
        "SOURCE_AUTO_POSITION = 1; START REPLICA;)",
        "Check SHOW SLAVE STATUS (both threads Yes) and compare it with the new primary "
        "(parkstats checksum). Never re-attach it without rebuilding: its errant "
        "transactions collide with the new primary's (error 1062 on park_snapshots).",
    ]


def prepare_rebuild(url: DatabaseUrl, new_primary: DatabaseUrl,
                    say: Callable[[str], None] = print) -> list[str]:
    """Fence the old primary at ``url`` (read-only, events disabled) and print how to
    rebuild it from ``new_primary``; return its errant GTID ranges.

    Raises FailoverError, having changed nothing, when ``url`` replicates from a
    server (a replica, not a returning old primary), or ``new_primary`` is the same
    server or is not the primary of record."""
    with connect(url) as conn, conn.cursor() as cur, \
            connect(new_primary) as new_conn, new_conn.cursor() as new_cur:
        server_id = _scalar(cur, "SELECT @@server_id")
        new_id = _scalar(new_cur, "SELECT @@server_id")
        say(f"Preparing {url} (server_id {server_id}) to be rebuilt from {new_primary} "
            f"(server_id {new_id})")
        if server_id == new_id:
            raise FailoverError(f"--new-primary {new_primary} is this same server (server_id "
                                f"{server_id}); nothing was changed")
        new_state = _scalar(new_cur, "SELECT primary_of_record_state()")
        if new_state != "primary":
            raise FailoverError(f"the new primary {new_primary} is not the primary of record "
                                f"({new_state}): promote it first (parkstats promote); "
                                "nothing was changed")
        status = replica_status(cur)
        if status is not None and status.io_running != "No":
            raise FailoverError(f"this server is a replica ({status.describe()}), not a "
                                "returning old primary; nothing was changed")
        say(f"1. was: read_only = {_scalar(cur, 'SELECT @@GLOBAL.read_only')}, "
            f"{_scalar(cur, 'SELECT primary_of_record_state()')}")
        cur.execute("SET GLOBAL read_only = 1")
        say(f"2. read_only = {_scalar(cur, 'SELECT @@GLOBAL.read_only')} (set read_only = ON "
            "in its configuration too)")
        # Fencing must not add errant transactions of its own.
        cur.execute("SET SESSION sql_log_bin = 0")
        say("3. events disabled:")
        set_events(cur, False, say)
        errant = errant_gtids(cur, new_cur)
        say(f"4. errant GTIDs (here, not on the new primary): "
            f"{', '.join(errant) if errant else 'none'}")
        say("5. rebuild it from the new primary (never re-attach it as it is):")
        for number, step in enumerate(rebuild_steps(url, new_primary), start=1):
            say(f"   {number}) {step}")
        return errant
