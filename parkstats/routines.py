"""Install the stored routines of ``sql/``: one routine per file.

Each file holds one ``CREATE FUNCTION | PROCEDURE | VIEW | TRIGGER | EVENT``
statement named like the file (no DELIMITER lines; sqlparse splits it).
A file is re-installed only when its checksum changed, and never leaves a
half-installed routine behind:

1. the statement is first created under a trial name, so a routine that
   fails to parse or install raises ``RoutineError`` with the file name and
   the server's message while the installed version keeps working;
2. it then replaces the installed routine in one statement where the server
   allows it (MariaDB's ``CREATE OR REPLACE``; ``CREATE OR REPLACE VIEW``
   everywhere), else with DROP + CREATE right after the successful trial.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pymysql
import sqlparse
from sqlparse.lexer import Lexer
from sqlparse.tokens import Comment

#: Bump when the way routines are created changes (sql_mode, charset...):
#: every routine is then re-installed once.
INSTALLER_ABI = "parkstats-routines-2"

# Routines capture sql_mode and the connection charset at creation time;
# fix both so a routine behaves the same whatever the server's defaults
# (its string literals take this collation; its variables declare theirs).
SESSION_SETUP = (
    "SET SESSION sql_mode = 'ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,STRICT_ALL_TABLES,"
    "NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'",
    "SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci",
    "SET SESSION time_zone = '+00:00'",
)

# Install order: views use functions; events and triggers call procedures (and a
# view comes after the views it reads: load_all).
TYPE_ORDER = ("FUNCTION", "PROCEDURE", "VIEW", "TRIGGER", "EVENT")

HEADER = re.compile(
    r"^\s*CREATE\s+(?:OR\s+REPLACE\s+)?(?:ALGORITHM\s*=\s*\w+\s+)?"
    r"(?:DEFINER\s*=\s*\S+\s+)?(?:SQL\s+SECURITY\s+\w+\s+)?"
    r"(FUNCTION|PROCEDURE|VIEW|TRIGGER|EVENT)\s+(?:IF\s+NOT\s+EXISTS\s+)?`?(\w+)`?",
    re.IGNORECASE,
)
CREATE_WORD = re.compile(r"^\s*CREATE\s+(?:OR\s+REPLACE\s+)?", re.IGNORECASE)
# The "Granted to" section of a routine's COMMENT: which least-privileged account
# gets EXECUTE on it (parkstats.grants reads it; the routine file is the one place).
# The "Granted to" section: one "role: privilege (why)" line per account role.
GRANTED_TO = re.compile(r"^Granted to\n-+\n((?:\w+:.*\n?)+)", re.MULTILINE)


class RoutineError(RuntimeError):
    """A routine file that cannot be installed (message names the file)."""


def _without_comments(text: str) -> str:
    """``text`` without its SQL comments, by sqlparse's lexer alone: sqlparse.format()
    would also group the tokens, which sqlparse refuses for statements of more than
    10,000 tokens (its MAX_GROUPING_TOKENS), and long procedures have that many."""
    return "".join(value for ttype, value in Lexer.get_default_instance().get_tokens(text)
                   if ttype not in Comment)


@dataclass(frozen=True)
class RoutineFile:
    path: Path
    routine_type: str
    name: str
    statement: str
    checksum: str

    @property
    def granted_to(self) -> tuple[str, ...]:
        """The account roles (``api``, ``collector``) given EXECUTE on this routine (one
        per line of its "Granted to" section; empty when it has none)."""
        match = GRANTED_TO.search(self.statement)
        return tuple(re.findall(r"^(\w+):", match.group(1), re.MULTILINE)) if match else ()

    @classmethod
    def load(cls, path: Path) -> RoutineFile:
        text = path.read_text(encoding="utf-8")
        statements = [s for s in sqlparse.split(text) if _without_comments(s).strip()]
        if len(statements) != 1:
            raise RoutineError(
                f"{path}: expected exactly one CREATE statement, found {len(statements)} "
                "(one routine per file; no DELIMITER lines)"
            )
        statement = statements[0].strip().rstrip(";")
        match = HEADER.match(_without_comments(statement))
        if not match:
            raise RoutineError(
                f"{path}: does not start with CREATE FUNCTION/PROCEDURE/VIEW/TRIGGER/EVENT"
            )
        routine_type, name = match.group(1).upper(), match.group(2)
        if name != path.stem:
            raise RoutineError(f"{path}: defines {routine_type} {name}, but the file must be "
                               f"named after its routine ({name}.sql)")
        if routine_type == "EVENT" and not re.search(r"\bENABLE\b", statement, re.IGNORECASE):
            raise RoutineError(f"{path}: an event file must say ENABLE explicitly")
        checksum = hashlib.sha256((INSTALLER_ABI + "\n" + text).encode()).hexdigest()
        return cls(path, routine_type, name, statement, checksum)

    def renamed(self, new_name: str, *, or_replace: bool) -> str:
        """The statement creating this routine under another name."""
        body = self.statement
        match = HEADER.match(body)
        # Keep every clause of the header (a view's ALGORITHM, SQL SECURITY ...); swap the name.
        head = CREATE_WORD.sub("CREATE OR REPLACE " if or_replace else "CREATE ",
                               body[:match.start(2)], count=1)
        text = head + new_name + body[match.end(2):]
        if self.routine_type == "EVENT" and new_name != self.name:
            # A trial event must not fire.
            text = re.sub(r"\bENABLE\b", "DISABLE", text, count=1, flags=re.IGNORECASE)
        return text


def load_all(sql_dir: Path) -> list[RoutineFile]:
    files = [RoutineFile.load(p) for p in sorted(sql_dir.rglob("*.sql"))]
    names: dict[str, Path] = {}
    for routine in files:
        if routine.name in names:
            raise RoutineError(f"{routine.path}: {routine.name} is also defined in "
                               f"{names[routine.name]}")
        names[routine.name] = routine.path
    files = sorted(files, key=lambda r: (TYPE_ORDER.index(r.routine_type), r.name))
    views = [r for r in files if r.routine_type == "VIEW"]
    first = files.index(views[0]) if views else 0
    return files[:first] + _views_after_what_they_read(views) + files[first + len(views):]


def _views_after_what_they_read(views: list[RoutineFile]) -> list[RoutineFile]:
    """``views`` (sorted by name) in an order that creates each after the views it
    reads, by name otherwise: the server refuses a view over one not created yet."""
    by_name = {v.name: v for v in views}
    sorter = TopologicalSorter({
        v.name: {other for other in by_name if other != v.name
                 and re.search(rf"\b{other}\b", _without_comments(v.statement))}
        for v in views})
    try:
        sorter.prepare()
    except CycleError as exc:
        raise RoutineError(f"views that read each other: {' -> '.join(exc.args[1])}") from exc
    out: list[RoutineFile] = []
    while sorter.is_active():
        ready = sorted(sorter.get_ready())
        out += [by_name[name] for name in ready]
        sorter.done(*ready)
    return out


def install(conn: pymysql.Connection, sql_dir: Path,
            say: Callable[[str], None] = print) -> list[str]:
    """Install changed routines; return the names (re)installed or dropped."""
    routines = load_all(sql_dir)
    cur = conn.cursor()
    for statement in SESSION_SETUP:
        cur.execute(statement)
    cur.execute("SELECT VERSION()")
    is_mariadb = "mariadb" in cur.fetchone()[0].lower()
    cur.execute("SELECT routine_name, routine_type, checksum, version FROM routine_versions")
    installed = {row[0]: row for row in cur.fetchall()}

    changed: list[str] = []
    for routine in routines:
        current = installed.get(routine.name)
        if current and current[2] == routine.checksum and _exists(cur, routine):
            continue
        version = (current[3] + 1) if current else 1
        _install_one(cur, routine, is_mariadb)
        cur.execute(
            "REPLACE INTO routine_versions "
            "(routine_name, routine_type, source_file, checksum, version, installed_at) "
            "VALUES (%s, %s, %s, %s, %s, UTC_TIMESTAMP())",
            (routine.name, routine.routine_type, routine.path.relative_to(sql_dir).as_posix(),
             routine.checksum, version),
        )
        say(f"  installed {routine.routine_type.lower()} {routine.name} (version {version})")
        changed.append(routine.name)

    wanted = {r.name for r in routines}
    for name, routine_type, *_ in installed.values():
        if name not in wanted:
            cur.execute(f"DROP {routine_type} IF EXISTS `{name}`")
            cur.execute("DELETE FROM routine_versions WHERE routine_name = %s", (name,))
            say(f"  dropped {routine_type.lower()} {name} (its file is gone)")
            changed.append(name)
    if not changed:
        say(f"Routines: nothing changed ({len(routines)} up to date).")
    return changed


def _install_one(cur, routine: RoutineFile, is_mariadb: bool) -> None:
    trial = f"_trial_{routine.name}"[:64]
    _drop(cur, routine.routine_type, trial)
    try:
        cur.execute(routine.renamed(trial, or_replace=False))
    except pymysql.MySQLError as exc:
        raise RoutineError(
            f"{routine.path}: the server refused {routine.routine_type} {routine.name}: "
            f"{exc.args[-1]} (errno {exc.args[0]}); the installed version is unchanged"
        ) from exc
    finally:
        _drop(cur, routine.routine_type, trial)
    atomic = is_mariadb or routine.routine_type == "VIEW"
    if not atomic:
        _drop(cur, routine.routine_type, routine.name)
    try:
        cur.execute(routine.renamed(routine.name, or_replace=atomic))
    except pymysql.MySQLError as exc:
        raise RoutineError(f"{routine.path}: {exc.args[-1]} (errno {exc.args[0]})") from exc


def _drop(cur, routine_type: str, name: str) -> None:
    cur.execute(f"DROP {routine_type} IF EXISTS `{name}`")


def _exists(cur, routine: RoutineFile) -> bool:
    """Whether the routine is really on the server (a DBA may have dropped it)."""
    queries = {
        "FUNCTION": "SELECT 1 FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE() "
                    "AND ROUTINE_TYPE = 'FUNCTION' AND ROUTINE_NAME = %s",
        "PROCEDURE": "SELECT 1 FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE() "
                     "AND ROUTINE_TYPE = 'PROCEDURE' AND ROUTINE_NAME = %s",
        "VIEW": "SELECT 1 FROM information_schema.VIEWS WHERE TABLE_SCHEMA = DATABASE() "
                "AND TABLE_NAME = %s",
        "TRIGGER": "SELECT 1 FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE() "
                   "AND TRIGGER_NAME = %s",
        "EVENT": "SELECT 1 FROM information_schema.EVENTS WHERE EVENT_SCHEMA = DATABASE() "
                 "AND EVENT_NAME = %s",
    }
    cur.execute(queries[routine.routine_type], (routine.name,))
    return cur.fetchone() is not None
