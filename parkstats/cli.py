"""Command line: ``parkstats migrate | rollback | grants | localdb | demo | collector |
checksum | promote | prepare-rebuild | run``.

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


def cmd_grants(args: argparse.Namespace) -> None:
    from parkstats.grants import script

    print(script(args.database, host=args.host), end="")


def cmd_localdb(args: argparse.Namespace) -> None:
    server = LocalServer(LOCALDB_DIR)
    if args.action == "start":
        server.start()
        print(f"Local server running: {server.url(LOCAL_DATABASE)} (data in {server.basedir})")
    elif args.action == "stop":
        server.stop()
        print("Local server stopped.")
    elif args.action == "url":
        # For `make serve`: the explicit development fallback of the API.
        if not server.is_running():
            raise SystemExit("parkstats: the project's local server (.localdb/) is not running; "
                             "start it with `python -m parkstats localdb start` or set "
                             "PARKSTATS_DATABASE_URL")
        print(server.url(LOCAL_DATABASE))
    else:
        state = "running" if server.is_running() else "stopped"
        print(f"Local server {state}: {server.url(LOCAL_DATABASE)} (data in {server.basedir})")


def _utc_datetime(text: str):
    from datetime import UTC, datetime

    value = datetime.fromisoformat(text)
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


def cmd_demo(args: argparse.Namespace) -> None:
    from parkstats.demo import load_demo

    url = database_url()
    print(f"Loading demo data into {url}", flush=True)
    result = load_demo(url, days=args.days, end=args.end, parks=args.parks,
                       aggregate=not args.no_aggregate, retention=not args.keep_raw,
                       workers=args.workers)
    print(f"Loaded {result}.")


def cmd_collector(args: argparse.Namespace) -> None:
    from parkstats.collector import (
        RESEND_WINDOW,
        NoPrimary,
        candidate_urls,
        resend_window,
        run_collector,
    )

    window = RESEND_WINDOW if args.resend_minutes is None else resend_window(args.resend_minutes)
    # The servers it may write to (docs/scale-out.md): it writes to the primary of record.
    candidates = os.environ.get("PARKSTATS_COLLECTOR_DATABASE_URL")
    urls = candidate_urls(candidates) if candidates else (database_url(),)
    try:
        run_collector(urls, interval=args.interval, once=args.once, window=window)
    except NoPrimary as exc:
        sys.exit(f"parkstats: {exc}")


def cmd_checksum(args: argparse.Namespace) -> None:
    """Exit 0 when every table is equal on both servers, 1 on a difference."""
    from parkstats.checksum import ChecksumError, compare

    try:
        comparisons = compare(DatabaseUrl.parse(args.primary), DatabaseUrl.parse(args.replica),
                              args.table, timeout=args.timeout, attempts=args.attempts)
    except ChecksumError as exc:
        sys.exit(f"parkstats checksum: {exc}")
    if not all(c.equal for c in comparisons):
        sys.exit(1)


def cmd_promote(args: argparse.Namespace) -> None:
    """Promote the replica of PARKSTATS_DATABASE_URL (an administrator's URL)."""
    from parkstats.failover import FailoverError, promote

    try:
        days = {} if args.verify_days is None else {"verify_days": args.verify_days}
        promote(database_url(start_local=False), force=args.force, wait=args.wait, **days)
    except FailoverError as exc:
        sys.exit(f"parkstats promote: {exc}")


def cmd_prepare_rebuild(args: argparse.Namespace) -> None:
    """Fence the old primary of PARKSTATS_DATABASE_URL; print how to rebuild it."""
    from parkstats.failover import FailoverError, prepare_rebuild

    try:
        prepare_rebuild(database_url(start_local=False), DatabaseUrl.parse(args.new_primary))
    except FailoverError as exc:
        sys.exit(f"parkstats prepare-rebuild: {exc}")


def cmd_run(args: argparse.Namespace) -> None:
    from parkstats.run import run

    run(port=args.port, days=args.days)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="parkstats", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="apply schema migrations and (re)install changed routines"
                   ).set_defaults(func=cmd_migrate)
    sub.add_parser("rollback", help="roll back every migration (drops all parkstats objects)"
                   ).set_defaults(func=cmd_rollback)
    grants = sub.add_parser("grants", help="print the CREATE USER and GRANT statements of the "
                            "three least-privileged accounts (migration, API, collector)")
    grants.add_argument("--database", required=True, help="the parkstats database (schema) name")
    grants.add_argument("--host", default="%", help="the accounts' host part (default %%)")
    grants.set_defaults(func=cmd_grants)
    local = sub.add_parser("localdb", help="the project's own local server in .localdb/")
    local.add_argument("action", choices=("start", "stop", "status", "url"))
    local.set_defaults(func=cmd_localdb)
    demo = sub.add_parser("demo", help="create the ~80 demo parks and load their history")
    demo.add_argument("--days", type=int, default=None,
                      help="local days of history up to --end (default: from Jan 1 of last year)")
    demo.add_argument("--end", type=_utc_datetime, default=None,
                      help="last snapshot time, ISO 8601, UTC unless it has an offset "
                           "(default: now)")
    demo.add_argument("--parks", type=int, default=None, help="only the first N parks")
    demo.add_argument("--no-aggregate", action="store_true",
                      help="raw snapshots only: no backfill_aggregates(), no retention")
    demo.add_argument("--keep-raw", action="store_true",
                      help="aggregate but keep all raw history (no apply_retention())")
    demo.add_argument("--workers", type=int, default=1,
                      help="connections writing days in parallel (default 1)")
    demo.set_defaults(func=cmd_demo)
    coll = sub.add_parser("collector", help="the live collector simulation: a snapshot per "
                          "park every 5 minutes through record_park_snapshot()")
    coll.add_argument("--interval", type=int, default=300, help="seconds between collections")
    coll.add_argument("--once", action="store_true", help="collect once and exit")
    coll.add_argument("--resend-minutes", type=int, default=None,
                      help="on each connection (start, after an outage, to a new primary) "
                           "re-send this many minutes of slots (0 to 1440; default 30)")
    coll.set_defaults(func=cmd_collector)
    check = sub.add_parser("checksum", help="compare a replica with its primary, table by table "
                           "(stored columns; exit 1 on a difference)")
    check.add_argument("--primary", required=True, help="mysql://user:password@host:port/database")
    check.add_argument("--replica", required=True, help="mysql://user:password@host:port/database")
    check.add_argument("--table", default=None, help="one table (default: every table)")
    check.add_argument("--timeout", type=float, default=60.0,
                       help="seconds the replica may take to catch up (default 60)")
    check.add_argument("--attempts", type=int, default=3,
                       help="checks of a table that differs while the primary writes (default 3)")
    check.set_defaults(func=cmd_checksum)
    prom = sub.add_parser("promote", help="on the replica of PARKSTATS_DATABASE_URL (an "
                          "administrator): stop and reset replication, read_only OFF, enable "
                          "the events, claim primary of record, run a cycle and verify")
    prom.add_argument("--force", action="store_true",
                      help="promote even a server that is not a replica or has not applied "
                           "all it received (what it did not apply is lost)")
    prom.add_argument("--wait", type=float, default=60.0,
                      help="seconds to wait for the replica to apply what it received "
                           "(default 60)")
    prom.add_argument("--verify-days", type=int, default=None,
                      help="days of aggregates verify_aggregates checks (default 2)")
    prom.set_defaults(func=cmd_promote)
    rebuild = sub.add_parser("prepare-rebuild", help="on an old primary back after a "
                             "failover (PARKSTATS_DATABASE_URL, an administrator): read_only "
                             "ON, events disabled, its errant GTIDs, how to rebuild it")
    rebuild.add_argument("--new-primary", required=True,
                         help="the promoted server: mysql://user:password@host:port/database")
    rebuild.set_defaults(func=cmd_prepare_rebuild)
    run_p = sub.add_parser("run", help="make run: database, migrations, demo, collector, API")
    run_p.add_argument("--port", type=int, default=5001)
    run_p.add_argument("--days", type=int, default=None,
                       help="on the first run, load the last DAYS days raw, ride by ride, "
                            "instead of the default (Jan 1 of last year to 3 days ago as daily "
                            "summaries, the last 3 days raw)")
    run_p.set_defaults(func=cmd_run)
    return parser


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    from pymysql import MySQLError

    from parkstats.preflight import PreflightError
    from parkstats.routines import RoutineError

    try:
        args.func(args)
    except (ServerUnavailable, RoutineError, PreflightError, ValueError) as exc:
        sys.exit(f"parkstats: {exc}")
    except MySQLError as exc:
        # A clear line, not a traceback: (errno, server message).
        sys.exit(f"parkstats: database error {exc.args[0]}: {exc.args[-1]}")
