"""Pooled, read-only access to the database: parameterised SELECTs only.

A ``Database`` wraps a DBUtils ``PooledDB`` of pymysql connections. A
connection lost while pooled (server restart) is reopened by DBUtils on the
next statement; a server that cannot be reached raises ``DatabaseUnavailable``
so that the API answers stale or 503 instead of a trace.
"""

from __future__ import annotations

import threading

import pymysql
import pymysql.cursors
from dbutils.pooled_db import PooledDB

from parkstats.db import DatabaseUrl


class DatabaseUnavailable(RuntimeError):
    """The database cannot be reached (connection refused, lost, timed out)."""


class Database:
    def __init__(self, url: str, *, pool_size: int = 32, connect_timeout: int = 2,
                 read_timeout: int = 10):
        self.url = DatabaseUrl.parse(url)
        self._kwargs = self.url.connect_kwargs()
        self._kwargs.update(connect_timeout=connect_timeout, read_timeout=read_timeout,
                            write_timeout=read_timeout)
        self._pool_size = pool_size
        self._pool: PooledDB | None = None
        self._lock = threading.Lock()

    def _get_pool(self) -> PooledDB:
        # Created on first use: nothing connects at import or app creation.
        if self._pool is None:
            with self._lock:
                if self._pool is None:
                    self._pool = PooledDB(
                        creator=pymysql, mincached=0, maxcached=self._pool_size,
                        maxconnections=self._pool_size, blocking=True, ping=0,
                        reset=False, **self._kwargs)
        return self._pool

    def query(self, sql: str, params=()) -> list[dict]:
        """Run one parameterised SELECT; rows as dicts (DECIMAL kept for exact rounding)."""
        try:
            conn = self._get_pool().connection()
        except pymysql.OperationalError as exc:
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
                # DBUtils reopens the connection on its next use (it is not in a transaction).
                raise DatabaseUnavailable(str(exc)) from exc
            raise
        finally:
            conn.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool = None


# Client-side errnos meaning "no usable connection" (2003 refused, 2006 gone away,
# 2013 lost during query, 2055 lost at handshake...); 1040 too many connections.
CONNECTION_ERRNOS = {0, 1040, 1053, 2002, 2003, 2006, 2013, 2014, 2055}


def _is_connection_error(exc: Exception) -> bool:
    if isinstance(exc, pymysql.InterfaceError):
        return True
    code = exc.args[0] if exc.args and isinstance(exc.args[0], int) else None
    return code in CONNECTION_ERRNOS
