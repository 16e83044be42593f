"""What ``parkstats migrate`` checks before it changes anything.

A DBA's server is not the test harness's: binary logging may be on, the
account may lack a privilege, the server may be too old or read-only. Any of
these used to stop ``migrate`` halfway, with tables and no routines. Now every
check runs first, and when one fails nothing has been changed: ``check``
raises ``PreflightError`` listing every problem and what the DBA should run.

The checks:

* the server: MariaDB >= 10.6 or MySQL >= 8.0 (JSON_TABLE, window functions,
  CHECK constraints), not read-only;
* binary logging: with ``log_bin`` on, creating stored functions and triggers
  needs ``log_bin_trust_function_creators = 1`` or the SUPER privilege
  (MariaDB/MySQL manuals, "Binary Logging of Stored Programs"), and
  ``binlog_format`` must be MIXED or ROW: the routines write with statements
  that are unsafe to replicate as statements (replicas would diverge), so
  STATEMENT is refused;
* the account's privileges on the schema, tried for real: a scratch table,
  function, procedure (run once: it creates a temporary table, as the
  aggregation routines do), trigger, view and (disabled) event are created and
  dropped again, so a missing grant shows up with the server's own words
  before the first migration.

Warnings (``Preflight.warnings``) do not stop the install: the event
scheduler off (nothing is aggregated until it is on).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pymysql

from parkstats.db import DatabaseUrl, connect

MIN_MARIADB = (10, 6)
MIN_MYSQL = (8, 0)
SCRATCH = "_parkstats_preflight"
TRUST_VARIABLE = "log_bin_trust_function_creators"


class PreflightError(RuntimeError):
    """The server or the account cannot take the install; nothing was changed."""


@dataclass
class Preflight:
    """What the checks found: ``problems`` stop the install, ``warnings`` do not."""

    server: str = ""
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    created_database: bool = False


# Each step: (what it does, the kind and name of what it creates, to drop it in
# reverse order whatever happens; the privileges it proves; the statement).
SCRATCH_OBJECTS = (
    ("create a table", "TABLE", SCRATCH, "CREATE",
     f"CREATE TABLE {SCRATCH} (id INT NOT NULL, CONSTRAINT pk_{SCRATCH} PRIMARY KEY (id)) "
     "ENGINE = InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"),
    ("add an index", None, None, "ALTER, INDEX",
     f"ALTER TABLE {SCRATCH} ADD INDEX ix_{SCRATCH} (id)"),
    ("create a function", "FUNCTION", f"{SCRATCH}_function", "CREATE ROUTINE",
     f"CREATE FUNCTION {SCRATCH}_function() RETURNS INT DETERMINISTIC NO SQL RETURN 1"),
    ("create a procedure", "PROCEDURE", f"{SCRATCH}_procedure", "CREATE ROUTINE",
     f"CREATE PROCEDURE {SCRATCH}_procedure() MODIFIES SQL DATA BEGIN "
     f"CREATE TEMPORARY TABLE {SCRATCH}_temporary (id INT); "
     f"INSERT INTO {SCRATCH} (id) SELECT 1 FROM DUAL WHERE {SCRATCH}_function() = 1; "
     f"DELETE FROM {SCRATCH}; "
     f"DROP TEMPORARY TABLE {SCRATCH}_temporary; END"),
    ("call a procedure", None, None, "EXECUTE, CREATE TEMPORARY TABLES, INSERT, DELETE",
     f"CALL {SCRATCH}_procedure()"),
    ("create a trigger", "TRIGGER", f"{SCRATCH}_trigger", "TRIGGER",
     f"CREATE TRIGGER {SCRATCH}_trigger BEFORE INSERT ON {SCRATCH} "
     "FOR EACH ROW SET NEW.id = NEW.id"),
    ("create a view", "VIEW", f"{SCRATCH}_view", "CREATE VIEW",
     f"CREATE VIEW {SCRATCH}_view AS SELECT id FROM {SCRATCH}"),
    ("create an event", "EVENT", f"{SCRATCH}_event", "EVENT",
     f"CREATE EVENT {SCRATCH}_event ON SCHEDULE EVERY 1 DAY DISABLE DO DELETE FROM {SCRATCH}"),
)


def _version(text: str) -> tuple[int, int]:
    match = re.match(r"(\d+)\.(\d+)", text)
    return (int(match.group(1)), int(match.group(2))) if match else (0, 0)


def _has_super(cur) -> bool:
    """Whether the account holds SUPER (directly or as ALL PRIVILEGES ON *.*)."""
    cur.execute("SHOW GRANTS")
    return any(re.match(r"GRANT (ALL PRIVILEGES|.*\bSUPER\b).* ON \*\.\* ", row[0].upper())
               for row in cur.fetchall())


def binlog_unsupported(log_bin, binlog_format) -> bool:
    """Whether the server logs by statement (binary logging on, binlog_format STATEMENT),
    which parkstats does not support: migrate refuses it, /api/health reports it."""
    return bool(int(log_bin)) and str(binlog_format).upper() == "STATEMENT"


def check_server(cur, result: Preflight) -> None:
    """Version, read-only, binary logging, the event scheduler."""
    cur.execute("SELECT VERSION(), @@read_only, @@log_bin, @@event_scheduler, "
                f"@@{TRUST_VARIABLE}, @@GLOBAL.binlog_format, CURRENT_USER()")
    version, read_only, log_bin, scheduler, trusted, binlog_format, user = cur.fetchone()
    result.server = version
    is_mariadb = "mariadb" in version.lower()
    minimum = MIN_MARIADB if is_mariadb else MIN_MYSQL
    if _version(version) < minimum:
        result.problems.append(
            f"server {version} is too old: parkstats needs "
            f"{'MariaDB' if is_mariadb else 'MySQL'} {'.'.join(map(str, minimum))} or newer")
    if int(read_only) and not _has_super(cur):
        result.problems.append(
            "the server is read-only (@@read_only = 1; a replica?): run `parkstats migrate` "
            "on the primary")
    if int(log_bin) and not int(trusted) and not _has_super(cur):
        result.problems.append(
            f"binary logging is on (log_bin = ON) and {TRUST_VARIABLE} = 0, so the account "
            f"{user} (without SUPER) cannot create stored functions and triggers. Ask the DBA "
            f"to run SET GLOBAL {TRUST_VARIABLE} = 1; and to add {TRUST_VARIABLE} = 1 to the "
            "server's configuration (or grant SUPER), then run `parkstats migrate` again")
    if str(scheduler).upper() not in ("ON", "1"):
        result.warnings.append(
            f"the event scheduler is {scheduler}: the events are installed, but nothing is "
            "aggregated until event_scheduler = ON (server configuration, or SET GLOBAL "
            "event_scheduler = ON as an administrator)")
    if binlog_unsupported(log_bin, binlog_format):
        result.problems.append(
            "binary logging is on with binlog_format = STATEMENT, which parkstats does not "
            "support: its routines write with statements that are unsafe to replicate as "
            "statements, so replicas would diverge. Set binlog_format = ROW (or MIXED) in the "
            "server's configuration and restart it (or SET GLOBAL binlog_format = 'ROW'; as "
            "an administrator, for new sessions), then run `parkstats migrate` again")


def check_privileges(cur, result: Preflight) -> None:
    """Create and drop one object of each kind the install creates."""
    created: list[tuple[str, str]] = []
    try:
        for step, kind, name, privileges, statement in SCRATCH_OBJECTS:
            try:
                cur.execute(statement)
            except pymysql.MySQLError as exc:
                result.problems.append(
                    f"the account cannot {step} (it needs {privileges} on the schema): "
                    f"{exc.args[-1]} (errno {exc.args[0]})")
                if kind == "TABLE":
                    return  # every later check needs the table
                continue
            if kind:
                created.append((kind, name))
    finally:
        cur.execute(f"DROP TEMPORARY TABLE IF EXISTS {SCRATCH}_temporary")
        for kind, name in reversed(created):
            cur.execute(f"DROP {kind} IF EXISTS {name}")


def check(url: DatabaseUrl, say: Callable[[str], None] = print) -> Preflight:
    """Run every check on ``url``; raise PreflightError when one fails.

    The database is created when missing (and dropped again when a check
    fails), so the privilege checks run where the install will."""
    result = Preflight()
    with connect(url, database=False) as conn, conn.cursor() as cur:
        check_server(cur, result)
        if result.problems:
            raise PreflightError(_report(url, result))
        cur.execute("SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = %s",
                    (url.database,))
        if cur.fetchone() is None:
            try:
                cur.execute(f"CREATE DATABASE `{url.database}` "
                            "CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
            except pymysql.MySQLError as exc:
                result.problems.append(f"the database {url.database} does not exist and the "
                                       f"account cannot create it: {exc.args[-1]}")
                raise PreflightError(_report(url, result)) from exc
            result.created_database = True
        cur.execute(f"USE `{url.database}`")
        check_privileges(cur, result)
        if result.problems:
            if result.created_database:
                cur.execute(f"DROP DATABASE `{url.database}`")
            raise PreflightError(_report(url, result))
    for warning in result.warnings:
        say(f"Warning: {warning}")
    return result


def _report(url: DatabaseUrl, result: Preflight) -> str:
    lines = [f"cannot install on {url} ({result.server}); nothing was changed:"]
    lines += [f"  - {problem}" for problem in result.problems]
    lines.append(f"The exact grants: parkstats grants --database {url.database} "
                 "(docs/operations.md, \"Accounts and grants\").")
    return "\n".join(lines)
