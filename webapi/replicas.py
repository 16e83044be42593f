"""Read replicas: each one's replication state, watched in the background, and the
choice of the database a request reads from.

``ReplicaWatch`` reads ``SHOW REPLICA STATUS`` on one replica every
``REPLICA_CHECK_SECONDS`` (1 s) in a thread of its own, through a one-connection
pool with the monitor's short timeouts, behind the replica server's breaker
(webapi/breaker.py): a request never waits on a replica's status; a hung
replica costs the watching thread its timeout and opens the breaker. The
thread starts on first use (nothing connects at creation, and a gunicorn
worker forked after creation starts its own) and ends after ``IDLE_SECONDS``
without anyone asking, so an application that is dropped leaves no thread.

``ReadDatabases`` is what the blueprints read through (``services().read_db``):
per request it picks a replica whose state is ``replicating`` (both threads
running, lag within ``REPLICA_LAG_LIMIT``, checked recently), else the
primary; a replica that fails during the request is replaced by the primary
(``fall_back``), so an answer is never read from a replica known stopped or
lagging. Reads outside a request (none today) go to the primary.

MariaDB (10.5+) names the columns ``Slave_IO_Running``, ``Slave_SQL_Running``,
``Seconds_Behind_Master``; MySQL 8.0.22+ ``Replica_IO_Running``,
``Replica_SQL_Running``, ``Seconds_Behind_Source``: both are read. Reading them
needs SLAVE MONITOR (MariaDB 10.5.9+) or REPLICATION CLIENT (MySQL 8), granted
to the API account by ``parkstats grants``. Only the default replication
connection is read (MariaDB multi-source replicas: the unnamed one).
"""

from __future__ import annotations

import itertools
import threading
import time
from dataclasses import dataclass

import pymysql
from flask import g, has_app_context

from webapi.db import Database, DatabaseUnavailable

#: Seconds a watch keeps polling after the last time its state was asked for.
IDLE_SECONDS = 60.0

#: The states of a replica, as /api/health reports them.
REPLICATING = "replicating"  # both threads running, lag within the limit: serves reads
LAGGING = "lagging"  # both threads running, lag past the limit (health: degraded)
STOPPED = "stopped"  # a replication thread is not running (health: unhealthy)
NOT_REPLICATING = "not_replicating"  # replicates from nobody (health: unhealthy)
DOWN = "down"  # the server does not answer (health: degraded, reads from the primary)
UNKNOWN = "unknown"  # the status cannot be read (privilege...) or is not read yet


@dataclass(frozen=True)
class ReplicaState:
    """One reading of a replica. ``lag_seconds`` is the server's Seconds_Behind_Master
    (None while replication is stopped); ``error`` says why ``state`` is down or unknown;
    ``checked_at`` is ``time.monotonic()`` of the reading."""

    replica: str  # host:port
    state: str
    io_running: bool | None = None
    sql_running: bool | None = None
    lag_seconds: int | None = None
    last_io_error: str | None = None
    last_sql_error: str | None = None
    error: str | None = None
    checked_at: float = float("-inf")


def _column(row: dict, *names: str):
    """The first of ``names`` present in a SHOW REPLICA STATUS row (MariaDB / MySQL 8)."""
    for name in names:
        if name in row:
            return row[name]
    raise KeyError(f"SHOW REPLICA STATUS has none of {names}")


def state_of(replica: str, row: dict | None, lag_limit: float, checked_at: float) -> ReplicaState:
    """The state of a replica from its SHOW REPLICA STATUS row (None: no replication)."""
    if row is None:
        return ReplicaState(replica, NOT_REPLICATING, checked_at=checked_at,
                            error="SHOW REPLICA STATUS is empty: the server replicates "
                                  "from no primary")
    io = _column(row, "Slave_IO_Running", "Replica_IO_Running") == "Yes"
    sql = _column(row, "Slave_SQL_Running", "Replica_SQL_Running") == "Yes"
    lag = _column(row, "Seconds_Behind_Master", "Seconds_Behind_Source")
    lag = int(lag) if lag is not None else None
    if not (io and sql) or lag is None:
        state = STOPPED
    else:
        state = LAGGING if lag > lag_limit else REPLICATING
    return ReplicaState(replica, state, io, sql, lag,
                        _column(row, "Last_IO_Error") or None,
                        _column(row, "Last_SQL_Error") or None, checked_at=checked_at)


class ReplicaWatch:
    """The replication state of one replica, read in the background every
    ``check_seconds`` through ``status_db`` (a small pool with the monitor's timeouts)."""

    def __init__(self, replica: str, status_db: Database, *, lag_limit: float,
                 check_seconds: float, first_wait: float):
        """``first_wait``: seconds the first caller waits for the very first reading."""
        self.replica = replica
        self.lag_limit = lag_limit
        self.check_seconds = check_seconds
        self._db = status_db
        self._first_wait = first_wait
        # A reading older than this (the thread is stuck on a hung server) is not trusted.
        self.max_age = 2 * check_seconds + first_wait
        self._state = ReplicaState(replica, UNKNOWN, error="not checked yet")
        self._asked_at = float("-inf")
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._read = threading.Event()

    def state(self) -> ReplicaState:
        """The latest reading (``unknown`` when none is recent enough); starts the
        thread if it is not running and waits at most ``first_wait`` for its first
        reading."""
        with self._lock:
            self._asked_at = time.monotonic()
            if self._thread is None:
                self._read.clear()
                self._thread = threading.Thread(target=self._watch, daemon=True,
                                                name=f"replica {self.replica}")
                self._thread.start()
        self._read.wait(self._first_wait)
        state = self._state
        if time.monotonic() - state.checked_at > self.max_age and state.state != UNKNOWN:
            return ReplicaState(self.replica, UNKNOWN, error=(
                f"replication status not read for {self.max_age:g} s (the replica may hang)"))
        return state

    def serves_reads(self) -> bool:
        return self.state().state == REPLICATING

    def _watch(self) -> None:
        while True:
            self._state = self.read()
            self._read.set()
            time.sleep(self.check_seconds)
            with self._lock:
                if time.monotonic() - self._asked_at > IDLE_SECONDS:
                    self._thread = None
                    return

    def read(self) -> ReplicaState:
        """One reading now (blocks up to the status pool's timeouts)."""
        checked_at = time.monotonic()
        try:
            rows = self._db.query("SHOW REPLICA STATUS")
        except DatabaseUnavailable as exc:
            return ReplicaState(self.replica, DOWN, error=str(exc), checked_at=checked_at)
        except pymysql.MySQLError as exc:
            return ReplicaState(self.replica, UNKNOWN, checked_at=checked_at, error=(
                f"SHOW REPLICA STATUS failed: {exc.args[-1]} (the API account needs SLAVE "
                f"MONITOR, or REPLICATION CLIENT on MySQL 8: see parkstats grants)"))
        return state_of(self.replica, rows[0] if rows else None, self.lag_limit, checked_at)


class ReadDatabases:
    """Where a request reads: a replica in state ``replicating`` (round robin among
    them), else the primary; chosen once per request (kept in ``flask.g``).
    ``query`` has ``Database.query``'s shape, so the blueprints and the calendar read
    through it unchanged."""

    def __init__(self, primary: Database, replicas: list[tuple[Database, ReplicaWatch]]):
        self.primary = primary
        self.replicas = replicas
        self._turn = itertools.count()

    def choose(self) -> Database:
        fresh = [db for db, watch in self.replicas if watch.serves_reads()]
        if not fresh:
            return self.primary
        return fresh[next(self._turn) % len(fresh)]

    def current(self) -> Database:
        """The database of this request (the primary outside a request)."""
        if not has_app_context():
            return self.primary
        chosen = g.get("read_db")
        if chosen is None:
            chosen = g.read_db = self.choose()
        return chosen

    def fall_back(self) -> bool:
        """After a replica failed this request: read the primary from now on. False
        when the request already reads the primary (nothing to fall back to)."""
        if self.current() is self.primary:
            return False
        g.read_db = self.primary
        return True

    @property
    def source(self) -> str:
        """host:port of the database this request reads (keys what is planned from it)."""
        return self.current().source

    def query(self, sql: str, params=()) -> list[dict]:
        return self.current().query(sql, params)
