"""Pooled, read-only access to the database: parameterised SELECTs only, never waiting long.

A ``Database`` wraps a DBUtils ``PooledDB`` of pymysql connections, behind the
server's ``DatabaseBreaker`` (webapi/breaker.py). Every wait is bounded:

* connecting and each read time out after ``connect_timeout`` / ``read_timeout``;
* a free pooled connection is waited for at most ``read_timeout`` (the time in
  which a busy one either answers or fails and opens the breaker);
* a statement that timed out is not run again: a timeout means a server that
  does not answer, and a second try would only double the wait. A connection
  found dead at once (server restarted) is reopened and the statement run once
  more, which DBUtils does;
* a connection error opens the breaker, after which queries fail at once with
  ``DatabaseUnavailable`` until its background probe reaches the server again.

``DatabaseUnavailable`` lets the API answer stale or 503 instead of a trace.
"""

from __future__ import annotations

import threading

import pymysql
import pymysql.cursors
from dbutils.pooled_db import PooledDB

from parkstats.db import DatabaseUrl
from webapi.breaker import DatabaseBreaker


class DatabaseUnavailable(RuntimeError):
    """The database cannot be reached (connection refused, lost, timed out, breaker open)."""


def _timed_out(exc: BaseException) -> bool:
    """pymysql reports a socket timeout as 2013 "Lost connection", raised while handling
    the TimeoutError."""
    return isinstance(exc.__context__, TimeoutError) or isinstance(exc, TimeoutError)


class Database:
    def __init__(self, url: str, *, breaker: DatabaseBreaker | None = None, pool_size: int = 32,
                 connect_timeout: float = 1, read_timeout: float = 1.5):
        """``breaker``: the server's, shared by every pool of it (the API's services pass
        one); by default one of this pool's own, probing every second."""
        self.url = DatabaseUrl.parse(url)
        self.breaker = breaker or breaker_for(self.url, connect_timeout, read_timeout, 1)
        self.read_timeout = read_timeout
        self._kwargs = connect_kwargs(self.url, connect_timeout, read_timeout)
        self._pool_size = pool_size
        self._slots = threading.BoundedSemaphore(pool_size)
        self._pool: PooledDB | None = None
        self._lock = threading.Lock()

    @property
    def source(self) -> str:
        """host:port of the server (what the API's read routing and plans are keyed by)."""
        return f"{self.url.host}:{self.url.port}"

    def _get_pool(self) -> PooledDB:
        # Created on first use: nothing connects at import or app creation.
        if self._pool is None:
            with self._lock:
                if self._pool is None:
                    self._pool = PooledDB(
                        creator=self._connect, mincached=0, maxcached=self._pool_size,
                        maxconnections=self._pool_size, blocking=True,
                        # On checkout, a connection pymysql closed (after a timeout or a
                        # loss) is reopened; an open one is used without a round trip.
                        ping=(1, lambda con: con.open),
                        isfatal=lambda exc: not _timed_out(exc),
                        reset=False)
        return self._pool

    def _connect(self):
        """A new connection, unless the breaker is open. DBUtils opens connections while
        it holds the pool's lock, so requests waiting for that lock would each wait a
        connect timeout in turn: the first failure trips the breaker right here, and
        the ones queued behind it fail at once."""
        self._refuse_if_open()
        try:
            return pymysql.connect(**self._kwargs)
        except pymysql.MySQLError as exc:
            self.breaker.trip(str(exc))
            raise

    _connect.dbapi = pymysql  # what DBUtils reads the error classes from

    def query(self, sql: str, params=()) -> list[dict]:
        """Run one parameterised SELECT; rows as dicts (DECIMAL kept for exact rounding)."""
        self._refuse_if_open()
        if not self._slots.acquire(timeout=self.read_timeout):
            raise DatabaseUnavailable(f"all {self._pool_size} connections stayed busy for "
                                      f"{self.read_timeout} s")
        try:
            self._refuse_if_open()  # it may have opened while this request waited
            return self._run(sql, params)
        finally:
            self._slots.release()

    def _refuse_if_open(self) -> None:
        if not self.breaker.is_closed:
            raise DatabaseUnavailable(
                f"the database is not answering (checked in the background every "
                f"{self.breaker.probe_seconds:g} s)")

    def _run(self, sql: str, params) -> list[dict]:
        try:
            conn = self._get_pool().connection()
        except pymysql.MySQLError as exc:  # the breaker is tripped by _connect
            raise DatabaseUnavailable(str(exc)) from exc
        try:
            cur = conn.cursor(pymysql.cursors.DictCursor)
            try:
                cur.execute(sql, params)
                return list(cur.fetchall())
            finally:
                cur.close()
        except (pymysql.OperationalError, pymysql.InterfaceError) as exc:
            if _is_connection_error(exc):
                self.breaker.trip(str(exc))
                raise DatabaseUnavailable(str(exc)) from exc
            raise
        finally:
            conn.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool = None


# The longest GROUP_CONCAT the API's sessions return (bytes): a time series comes back
# as one text per entity (webapi.query.series), a few KB each. MySQL's default is 1,024
# (MariaDB's 1 MB); a longer text would be cut, which series() detects and refuses.
GROUP_CONCAT_MAX_LEN = 4 * 1024 * 1024


def connect_kwargs(url: DatabaseUrl, connect_timeout: float, read_timeout: float) -> dict:
    kwargs = url.connect_kwargs()
    kwargs.update(connect_timeout=connect_timeout, read_timeout=read_timeout,
                  write_timeout=read_timeout)
    kwargs["init_command"] += f", group_concat_max_len = {GROUP_CONCAT_MAX_LEN}"
    return kwargs


def breaker_for(url: DatabaseUrl, connect_timeout: float, read_timeout: float,
                probe_seconds: float) -> DatabaseBreaker:
    """The breaker of the server of ``url``, probing it with these timeouts."""
    return DatabaseBreaker(f"{url.host}:{url.port}",
                           probe(url, connect_timeout, read_timeout), probe_seconds)


def probe(url: DatabaseUrl, connect_timeout: float, read_timeout: float):
    """The breaker's probe of ``url``: a fresh connection answers ``SELECT 1``."""
    kwargs = connect_kwargs(url, connect_timeout, read_timeout)

    def run() -> None:
        conn = pymysql.connect(**kwargs)
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT 1")
        finally:
            conn.close()

    return run


# Client-side errnos meaning "no usable connection" (2003 refused, 2006 gone away,
# 2013 lost during query or timed out, 2055 lost at handshake...); 1040 too many
# connections.
CONNECTION_ERRNOS = {0, 1040, 1053, 2002, 2003, 2006, 2013, 2014, 2055}


def _is_connection_error(exc: Exception) -> bool:
    if isinstance(exc, pymysql.InterfaceError):
        return True
    code = exc.args[0] if exc.args and isinstance(exc.args[0], int) else None
    return code in CONNECTION_ERRNOS
