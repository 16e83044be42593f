"""A primary and a replica on loopback, replicating with the servers' own GTID replication.

``ReplicationPair.start(basedir, binlog_format)`` starts two throwaway servers from the
installed binaries (the harness's options plus binary logging, a server id each,
``log_slave_updates``; the replica ``read_only``), creates the replication account on the
primary and attaches the replica (``MASTER_USE_GTID = slave_pos``).  Tests then migrate
the primary (everything reaches the replica through the binary log) and use
``caught_up()`` before comparing the two.

The fixture ``replication_pair`` in conftest.py hands a factory to tests; each pair is
stopped and removed at the end of the session.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import pymysql

from parkstats.db import DatabaseUrl
from parkstats.localdb import LocalServer

REPLICATION_USER = "parkstats_repl"
REPLICATION_PASSWORD = "repl-secret"


def server_options(server_id: int, binlog_format: str, *extra: str) -> tuple[str, ...]:
    """What a server of a replicated topology runs with (docs/scale-out.md)."""
    return (
        f"--server-id={server_id}",
        "--log-bin=binlog",
        f"--binlog-format={binlog_format}",
        "--log-slave-updates=ON",
        "--gtid-strict-mode=ON",
        "--relay-log=relay",
        *extra,
    )


def admin(url: DatabaseUrl) -> pymysql.Connection:
    """A root connection without a default database, autocommit on."""
    return pymysql.connect(host=url.host, port=url.port, user=url.user, password=url.password,
                           autocommit=True, connect_timeout=5)


def slave_status(url: DatabaseUrl) -> dict | None:
    """``SHOW SLAVE STATUS`` as a dict, or None on a server that replicates from nobody."""
    with admin(url) as conn, conn.cursor(pymysql.cursors.DictCursor) as cur:
        cur.execute("SHOW SLAVE STATUS")
        return cur.fetchone()


def attach(replica: DatabaseUrl, primary: DatabaseUrl) -> None:
    """Points ``replica`` at ``primary`` (GTID, from the replica's own position) and
    starts replication."""
    with admin(replica) as conn, conn.cursor() as cur:
        cur.execute("STOP SLAVE")
        cur.execute(
            "CHANGE MASTER TO MASTER_HOST = %(host)s, MASTER_PORT = %(port)s, "
            "MASTER_USER = %(user)s, MASTER_PASSWORD = %(password)s, "
            "MASTER_USE_GTID = slave_pos, MASTER_CONNECT_RETRY = 1",
            {"host": primary.host, "port": primary.port, "user": REPLICATION_USER,
             "password": REPLICATION_PASSWORD})
        cur.execute("START SLAVE")


def create_replication_account(primary: DatabaseUrl) -> None:
    with admin(primary) as conn, conn.cursor() as cur:
        cur.execute(f"CREATE USER IF NOT EXISTS '{REPLICATION_USER}'@'%%' "
                    f"IDENTIFIED BY %s", (REPLICATION_PASSWORD,))
        cur.execute(f"GRANT REPLICATION SLAVE ON *.* TO '{REPLICATION_USER}'@'%'")


def caught_up(primary: DatabaseUrl, replica: DatabaseUrl, timeout: float = 60.0) -> None:
    """Waits until ``replica`` has applied everything ``primary`` has logged so far;
    AssertionError (with the replica's status) when it has not within ``timeout`` s."""
    with admin(primary) as conn, conn.cursor() as cur:
        cur.execute("SELECT @@GLOBAL.gtid_binlog_pos")
        position = cur.fetchone()[0]
    with admin(replica) as conn, conn.cursor() as cur:
        cur.execute("SELECT MASTER_GTID_WAIT(%s, %s)", (position, timeout))
        waited = cur.fetchone()[0]
    if waited != 0:
        raise AssertionError(f"replica {replica.port} did not reach {position!r} within "
                             f"{timeout} s: {slave_status(replica)}")


@dataclass
class ReplicationPair:
    """Two servers: ``primary`` (server id 1) and ``replica`` (server id 2, read-only),
    and the database name the tests use on both."""

    primary_server: LocalServer
    replica_server: LocalServer
    database: str = "parkstats"

    @classmethod
    def start(cls, basedir: Path, binlog_format: str = "ROW",
              database: str = "parkstats") -> ReplicationPair:
        primary = LocalServer(basedir / "primary", options=server_options(1, binlog_format))
        replica = LocalServer(basedir / "replica",
                              options=server_options(2, binlog_format, "--read-only=ON"))
        primary.start()
        replica.start()
        pair = cls(primary, replica, database)
        create_replication_account(pair.primary)
        attach(pair.replica, pair.primary)
        pair.wait_replicating()
        return pair

    @property
    def primary(self) -> DatabaseUrl:
        return self.primary_server.url(self.database)

    @property
    def replica(self) -> DatabaseUrl:
        return self.replica_server.url(self.database)

    def caught_up(self, timeout: float = 60.0) -> None:
        caught_up(self.primary, self.replica, timeout)

    def wait_replicating(self, timeout: float = 30.0) -> None:
        """Waits until both replication threads of the replica run."""
        deadline = time.monotonic() + timeout
        status = None
        while time.monotonic() < deadline:
            status = slave_status(self.replica)
            if status and status["Slave_IO_Running"] == "Yes" \
                    and status["Slave_SQL_Running"] == "Yes":
                return
            time.sleep(0.1)
        raise AssertionError(f"replication did not start within {timeout} s: {status}")

    def stop(self) -> None:
        for server in (self.replica_server, self.primary_server):
            server.stop()
            server.remove()
