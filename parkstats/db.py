"""Database URLs and connections.

A URL looks like ``mysql://user:password@host:port/database``; the same
form is accepted for MariaDB (``mariadb://``).  ``unix_socket`` may be given
as a query parameter.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, quote, unquote, urlsplit

import pymysql
import pymysql.cursors

SCHEMES = ("mysql", "mariadb", "mysql+pymysql")


@dataclass(frozen=True)
class DatabaseUrl:
    host: str
    port: int
    user: str
    password: str
    database: str
    unix_socket: str | None = None

    @classmethod
    def parse(cls, url: str) -> DatabaseUrl:
        parts = urlsplit(url)
        if parts.scheme not in SCHEMES:
            raise ValueError(
                f"unsupported database URL scheme {parts.scheme!r} in {url!r}; "
                "expected mysql://user:password@host:port/database"
            )
        database = parts.path.lstrip("/")
        if not database:
            raise ValueError(f"database URL {url!r} names no database (…/database)")
        query = parse_qs(parts.query)
        return cls(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 3306,
            user=unquote(parts.username or "root"),
            password=unquote(parts.password or ""),
            database=database,
            unix_socket=query.get("unix_socket", [None])[0],
        )

    def with_database(self, database: str) -> DatabaseUrl:
        return DatabaseUrl(
            self.host, self.port, self.user, self.password, database, self.unix_socket
        )

    def __str__(self) -> str:
        auth = quote(self.user, safe="")
        if self.password:
            auth += ":" + quote(self.password, safe="")
        return f"mysql://{auth}@{self.host}:{self.port}/{self.database}"

    def yoyo_url(self) -> str:
        # yoyo's "mysql" backend drives pymysql.
        return str(self)

    def connect_kwargs(self, *, database: bool = True) -> dict:
        kwargs = {
            "host": self.host,
            "port": self.port,
            "user": self.user,
            "password": self.password,
            "charset": "utf8mb4",
            "autocommit": True,
            # Every stored DATETIME is UTC; make the session agree so that
            # NOW()-style server functions never leak a local zone into data.
            "init_command": "SET time_zone = '+00:00'",
        }
        if database:
            kwargs["database"] = self.database
        if self.unix_socket:
            kwargs["unix_socket"] = self.unix_socket
        return kwargs


def connect(url: DatabaseUrl | str, *, database: bool = True, **extra) -> pymysql.Connection:
    """Open a pymysql connection (autocommit, utf8mb4, UTC session)."""
    if isinstance(url, str):
        url = DatabaseUrl.parse(url)
    kwargs = url.connect_kwargs(database=database)
    kwargs.update(extra)
    return pymysql.connect(**kwargs)


def is_mariadb(conn: pymysql.Connection) -> bool:
    """Whether the connected server is MariaDB (else MySQL), from its handshake."""
    return "mariadb" in conn.get_server_info().lower()


def create_database(url: DatabaseUrl) -> None:
    """Create the URL's database (utf8mb4) if it does not exist (an existing one is kept
    as it is: every parkstats table and routine declares its own character sets)."""
    with connect(url, database=False) as conn, conn.cursor() as cur:
        cur.execute(
            f"CREATE DATABASE IF NOT EXISTS `{url.database}` "
            "CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
        )
