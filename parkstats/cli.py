"""Command line: ``parkstats migrate | rollback | localdb ...``.

``make migrate`` and friends call these; each prints what it did.
"""

from __future__ import annotations

import argparse
import os
import sys

from parkstats import ROOT
from parkstats.db import DatabaseUrl
from parkstats.localdb import LocalServer, ServerUnavailable

LOCALDB_DIR = ROOT / ".localdb"
LOCAL_DATABASE = "parkstats"


def database_url(*, start_local: bool = True) -> DatabaseUrl:
    """PARKSTATS_DATABASE_URL, else the project's own local server (started if needed)."""
    env = os.environ.get("PARKSTATS_DATABASE_URL")
    if env:
        return DatabaseUrl.parse(env)
    if not start_local:
        raise SystemExit("PARKSTATS_DATABASE_URL is not set")
    server = LocalServer(LOCALDB_DIR)
    if not server.is_running():
        print(f"Starting the project's local {server.binary.name} (data in {server.basedir}) ...")
        server.start()
    return server.url(LOCAL_DATABASE)


def cmd_migrate(args: argparse.Namespace) -> None:
    from parkstats.migrate import migrate

    url = database_url()
    print(f"Migrating {url}")
    migrate(url)


def cmd_rollback(args: argparse.Namespace) -> None:
    from parkstats.migrate import rollback_schema

    url = database_url()
    print(f"Rolling back every migration on {url}")
    rollback_schema(url)


def cmd_localdb(args: argparse.Namespace) -> None:
    server = LocalServer(LOCALDB_DIR)
    if args.action == "start":
        server.start()
        print(f"Local server running: {server.url(LOCAL_DATABASE)} (data in {server.basedir})")
    elif args.action == "stop":
        server.stop()
        print("Local server stopped.")
    else:
        state = "running" if server.is_running() else "stopped"
        print(f"Local server {state}: {server.url(LOCAL_DATABASE)} (data in {server.basedir})")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="parkstats", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="apply schema migrations and (re)install changed routines"
                   ).set_defaults(func=cmd_migrate)
    sub.add_parser("rollback", help="roll back every migration (drops all parkstats objects)"
                   ).set_defaults(func=cmd_rollback)
    local = sub.add_parser("localdb", help="the project's own local server in .localdb/")
    local.add_argument("action", choices=("start", "stop", "status"))
    local.set_defaults(func=cmd_localdb)
    return parser


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    from pymysql import MySQLError

    from parkstats.routines import RoutineError

    try:
        args.func(args)
    except (ServerUnavailable, RoutineError, ValueError) as exc:
        sys.exit(f"parkstats: {exc}")
    except MySQLError as exc:
        # A clear line, not a traceback: (errno, server message).
        sys.exit(f"parkstats: database error {exc.args[0]}: {exc.args[-1]}")
