"""The three least-privileged accounts and their exact GRANT statements.

``parkstats grants --database NAME`` prints them; docs/operations.md shows
the same output (a test keeps the two equal).

* migration (``parkstats_migrate``): DDL and data on the schema, nothing
  global. It owns (defines) every routine, view, trigger and event, so the
  scheduler runs the cycle with its rights.
* API (``parkstats_api``): read only. SELECT on the schema, plus EXECUTE on
  the metric functions the API calls. The views ``event_status`` and
  ``function_definitions`` run with their definer's rights, so the API sees
  the events and the metric formulas without the EVENT privilege. One global
  privilege: SLAVE MONITOR (MariaDB 10.5.9+; REPLICATION CLIENT on MySQL 8),
  to read ``SHOW REPLICA STATUS`` on the replicas it reads from
  (webapi/replicas.py); it reads no data.
* collector (``parkstats_collector``): EXECUTE on ``record_park_snapshot``
  (SQL SECURITY DEFINER: it writes with the migration account's rights) and on
  ``primary_of_record_state`` (which candidate server to write to); nothing else.

Which routine each account may execute is stated once, in the routine's own
COMMENT ("Granted to" section, see parkstats.routines).
"""

from __future__ import annotations

from dataclasses import dataclass

from parkstats import SQL_DIR, routines

#: Privileges of the migration account on the schema (``db``.*). Why each:
#: data and DDL for yoyo and the tables; CREATE TEMPORARY TABLES for the
#: routines' scratch tables; CREATE/SHOW VIEW, CREATE/ALTER ROUTINE, EXECUTE,
#: TRIGGER, EVENT for the objects of sql/; LOCK TABLES for yoyo's lock.
MIGRATION_PRIVILEGES = (
    "SELECT", "INSERT", "UPDATE", "DELETE", "CREATE", "DROP", "ALTER", "INDEX", "REFERENCES",
    "CREATE TEMPORARY TABLES", "LOCK TABLES", "CREATE VIEW", "SHOW VIEW", "CREATE ROUTINE",
    "ALTER ROUTINE", "EXECUTE", "TRIGGER", "EVENT",
)

#: The API account's one global privilege: reading a replica's replication state.
#: MariaDB 10.5.9+ (SLAVE MONITOR); MySQL 8 calls it REPLICATION CLIENT.
API_REPLICATION_PRIVILEGE = "SLAVE MONITOR"
API_REPLICATION_PRIVILEGE_MYSQL = "REPLICATION CLIENT"

ROLES = ("migration", "api", "collector")
DEFAULT_USERS = {"migration": "parkstats_migrate", "api": "parkstats_api",
                 "collector": "parkstats_collector"}


@dataclass(frozen=True)
class Account:
    role: str
    user: str
    host: str = "%"

    @property
    def name(self) -> str:
        return f"'{self.user}'@'{self.host}'"


def _quote_identifier(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def executable_routines(role: str) -> list[routines.RoutineFile]:
    """The routines of sql/ whose COMMENT grants EXECUTE to ``role``."""
    return [r for r in routines.load_all(SQL_DIR) if role in r.granted_to]


def grant_statements(account: Account, database: str) -> list[str]:
    """The GRANT statements of one account on ``database`` (run after CREATE USER)."""
    db = _quote_identifier(database)
    if account.role == "migration":
        return [f"GRANT {', '.join(MIGRATION_PRIVILEGES)} ON {db}.* TO {account.name};"]
    statements = []
    if account.role == "api":
        statements += [f"GRANT SELECT ON {db}.* TO {account.name};",
                       f"GRANT {API_REPLICATION_PRIVILEGE} ON *.* TO {account.name};"]
    for routine in executable_routines(account.role):
        statements.append(f"GRANT EXECUTE ON {routine.routine_type} {db}.{routine.name} "
                          f"TO {account.name};")
    return statements


def accounts(host: str = "%", users: dict[str, str] | None = None) -> list[Account]:
    names = {**DEFAULT_USERS, **(users or {})}
    return [Account(role, names[role], host) for role in ROLES]


def script(database: str, host: str = "%") -> str:
    """The whole SQL script a DBA runs, in order, with comments."""
    migration, api, collector = accounts(host)
    lines = [
        f"-- parkstats accounts for the database {database} (replace each <password>).",
        "-- 1. As an administrator, before `parkstats migrate`:",
        f"CREATE DATABASE IF NOT EXISTS {_quote_identifier(database)} "
        "CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;",
    ]
    for account in (migration, api, collector):
        lines.append(f"CREATE USER IF NOT EXISTS {account.name} IDENTIFIED BY '<password>';")
    lines += grant_statements(migration, database)
    lines += [
        "-- With binary logging on (log_bin = ON), the migration account can create stored",
        "-- functions and triggers only if the server trusts routine creators (or it has SUPER):",
        "SET GLOBAL log_bin_trust_function_creators = 1;  -- and in the server's configuration",
        "-- 2. Run `parkstats migrate` as the migration account, then (the routines must exist):",
        f"-- The API reads replicas' SHOW REPLICA STATUS with {API_REPLICATION_PRIVILEGE} "
        f"(MariaDB 10.5.9+); on MySQL 8",
        f"-- grant {API_REPLICATION_PRIVILEGE_MYSQL} instead: GRANT "
        f"{API_REPLICATION_PRIVILEGE_MYSQL} ON *.* TO {api.name};",
    ]
    lines += grant_statements(api, database)
    lines += grant_statements(collector, database)
    return "\n".join(lines) + "\n"
