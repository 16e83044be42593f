"""``python -m bench``: build or reuse the bench database, measure, print, save JSON."""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from datetime import UTC, datetime, timedelta
from importlib.metadata import version
from pathlib import Path

from bench import collectors, database, jobs, load, rankings, report, resilience, views
from bench.httpserver import ApiServer
from parkstats.db import connect


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        ram = int(open("/proc/meminfo").readline().split()[1]) / 1024 / 1024
    except OSError:
        ram = 0
    return {"cpu": cpu, "cores": os.cpu_count(), "ram_gb": round(ram, 1),
            "kernel": platform.release(), "python": platform.python_version(),
            "gunicorn": version("gunicorn"), "aiohttp": version("aiohttp"),
            "flask": version("flask"), "pymysql": version("pymysql")}


def parse_args(argv=None) -> argparse.Namespace:
    env = os.environ.get
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    p.add_argument("--days", type=int, default=int(env("BENCH_DAYS") or 400),
                   help="days of raw history (default 400, env BENCH_DAYS)")
    p.add_argument("--parks", type=int, default=80)
    p.add_argument("--repeat", type=int, default=int(env("BENCH_REPEAT") or 100),
                   help="timed calls per ranking for the API's SQL and HTTP (default 100)")
    p.add_argument("--baseline-repeat", type=int, default=5,
                   help="timed runs per raw baseline (default 5, at least 3)")
    p.add_argument("--baseline-budget", type=float, default=40,
                   help="stop timing a baseline after this many seconds (once 3 runs are in)")
    p.add_argument("--baseline-cap", type=float, default=120,
                   help="stop a raw baseline run still going after this many seconds; its "
                        "ratio is then a lower bound (cap / API time) and its ranking not "
                        "compared (default 120: at 400 days a ride baseline of last_month "
                        "or year reads months of raw ride rows from disk, an hour and more)")
    p.add_argument("--new-hours", type=int, default=3,
                   help="new-hour cycles timed (hours left to run_aggregation)")
    p.add_argument("--burst", type=int, default=1000, help="concurrent requests (1000)")
    p.add_argument("--held", type=int, default=10000, help="connections held (10000)")
    p.add_argument("--held-ramp", type=float, default=10, help="seconds to open them (10)")
    p.add_argument("--held-hold", type=float, default=3,
                   help="seconds all are held idle before the second requests (3)")
    p.add_argument("--held-window", type=float, default=10,
                   help="seconds over which the held connections make their second request; "
                        "ramp + hold + window stays under gunicorn's keepalive (30 s)")
    p.add_argument("--retention-drops", type=int, default=7,
                   help="days dropped per table size (each an apply_retention() call; "
                        "the sizes take turns)")
    p.add_argument("--periods", default=",".join(rankings.PERIODS),
                   help="comma-separated periods to measure (default all)")
    p.add_argument("--baseline-periods", default=None,
                   help="comma-separated periods whose raw baselines are run (default: every "
                        "period measured); the others report the API's figures without a "
                        "ratio (at 400 days a ride baseline of the year reads ~214 M rows "
                        "from disk, many minutes a run)")
    p.add_argument("--skip-jobs", action="store_true",
                   help="keep the aggregates of the previous run: no backfill, floor, cycles "
                        "(for quick iterations on the rankings; a full run never skips)")
    p.add_argument("--skip-floor", action="store_true",
                   help="time the backfill but not its floors (at 400 days the ride floor, one "
                        "INSERT ... SELECT ... GROUP BY of ~214 M rows, takes 45 minutes); the "
                        "backfill's ratio to them is then not checked")
    p.add_argument("--skip-load", action="store_true")
    p.add_argument("--slow-clients", type=int, default=1000,
                   help="idle connections, and as many slowly-sending ones, held while normal "
                        "requests are timed (1000)")
    p.add_argument("--collectors", type=int, default=8,
                   help="collectors writing and re-writing snapshots at once, two of them "
                        "sharing a park (8)")
    p.add_argument("--collector-slots", type=int, default=12,
                   help="5-minute slots each collector writes (12: the last hour)")
    p.add_argument("--only-resilience", action="store_true",
                   help="only the bursts (cold, warm, floor) and the resilience section")
    p.add_argument("--skip-retention", action="store_true")
    p.add_argument("--rebuild", action="store_true", help="rebuild the bench database")
    p.add_argument("--output", help="JSON file (default bench/results/bench-<time>-<days>d.json)")
    return p.parse_args(argv)


def say(line: str) -> None:
    print(line, flush=True)


def main(argv=None) -> int:
    args = parse_args(argv)
    server = database.server()
    was_running = server.is_running()
    try:
        return run(args)
    finally:
        if not was_running:  # leave the machine as found (data kept in .benchdb/)
            say("Stopping the benchmark's database server.")
            server.stop()


def run(args: argparse.Namespace) -> int:
    began = time.monotonic()
    started = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    url, meta = database.ensure_database(args.days, args.parks, rebuild=args.rebuild, say=say)
    last = datetime.fromisoformat(meta["last_snapshot"])
    now = last + timedelta(minutes=2)
    with connect(url) as conn, conn.cursor() as cur:
        cur.execute("SELECT VERSION()")
        server_version = cur.fetchone()[0]
    results: dict = {"meta": {
        "started_at": started.isoformat(), "days": args.days, "parks": args.parks,
        "rows": int(meta["rows"]), "first_snapshot": meta["first_snapshot"],
        "last_snapshot": meta["last_snapshot"], "now": now.isoformat(),
        "database_built_at": meta["built_at"], "server_version": f"MariaDB/MySQL {server_version}",
        "server_options": list(database.SERVER_EXTRA), "machine": machine(),
        "repeat": args.repeat, "baseline_repeat": args.baseline_repeat,
        "baseline_periods": args.baseline_periods, "baseline_cap_s": args.baseline_cap,
    }}

    rankings.PERIODS = tuple(p for p in args.periods.split(",") if p)
    log_path = report.RESULTS_DIR / "gunicorn.log"
    report.RESULTS_DIR.mkdir(exist_ok=True)
    load.raise_fd_limit()  # gunicorn inherits it too
    paths = [rankings.path(e, p) for p in rankings.PERIODS for e in rankings.ENDPOINTS]
    if args.only_resilience:
        with ApiServer(str(url), now, cache_seconds=30, log_path=log_path) as api:
            results["load"] = {"server": api.settings()}
            bursts(args, api, paths, results, log_path)
        measure_resilience(args, url, now, paths, results, log_path)
        return finish(results, began, args.output and Path(args.output))
    if args.skip_jobs:
        results["jobs"] = {}
    else:
        say("\n== Aggregation: backfill, floor, new-hour cycles ==")
        results["jobs"] = jobs.aggregate_all(url, now, new_hours=args.new_hours,
                                              floors=not args.skip_floor, say=say)
        results["jobs"].update(jobs.day_and_year(url, now, repeat=10, say=say))

    say("\n== Rankings: the API's SQL and the raw GROUP BY baseline ==")
    db_part = rankings.measure_sql_and_baseline(
        url, now, repeat=args.repeat, baseline_repeat=args.baseline_repeat,
        baseline_budget_s=args.baseline_budget, baseline_cap_s=args.baseline_cap, say=say,
        baseline_periods=(None if args.baseline_periods is None
                          else set(args.baseline_periods.split(","))))

    say("\n== Rankings over HTTP, response cache off ==")
    with ApiServer(str(url), now, cache_seconds=0, log_path=log_path) as api:
        nocache = rankings.measure_http(api.port, repeat=args.repeat, key="http_nocache", say=say)
        say("\n== Charts, heatmaps and details over HTTP, response cache off ==")
        results["views"] = views.measure_http(api.port, repeat=args.repeat, say=say)
    say("\n== Rankings over HTTP, response cache on (30 s) ==")
    with ApiServer(str(url), now, cache_seconds=30, log_path=log_path) as api:
        results["load"] = {"server": api.settings()}
        if not args.skip_load:
            bursts(args, api, paths, results, log_path)
        cache = rankings.measure_http(api.port, repeat=args.repeat, key="http_cache", say=say)
        if not args.skip_load:
            say(f"\n== Load: {args.held} connections held ==")
            results["load"]["held"] = load.held(api.port, paths, args.held,
                                                ramp_s=args.held_ramp, hold_s=args.held_hold,
                                                window_s=args.held_window)
            h = results["load"]["held"]
            say(f"  {h.get('established_at_server_while_held')} established at the server, "
                f"errors {h['errors']} {h['error_kinds'] or ''}")
    results["rankings"] = rankings.combine(db_part, nocache, cache)
    output = args.output and Path(args.output)
    output = report.save(results, output)  # kept even if a later phase fails
    if not args.skip_load:
        measure_resilience(args, url, now, paths, results, log_path)

    small_days = min(30, args.days // 4)
    if not args.skip_retention and small_days < args.retention_drops + 2:
        say(f"\n(Retention skipped: {args.days} days are too few for two table sizes.)")
    elif not args.skip_retention:
        say("\n== Retention: one day dropped, two table sizes ==")
        try:
            copies = {size: jobs.ensure_retention_copy(
                url, f"{url.database}_retention_{size}", days, meta,
                min_days=args.retention_drops + 2, say=say)
                for size, days in (("small", small_days), ("large", args.days))}
            results["retention"] = jobs.retention(copies, drops=args.retention_drops, say=say)
        except Exception as exc:  # noqa: BLE001 (reported, the run goes on)
            say(f"  retention failed: {exc}")
            results["retention"] = {"error": f"{type(exc).__name__}: {exc}"}

    return finish(results, began, output)


def finish(results: dict, began: float, output: Path | None) -> int:
    results["targets"] = report.targets(results)
    results["meta"]["seconds"] = round(time.monotonic() - began, 1)
    path = report.save(results, output)
    say("\n" + report.table(results))
    say(f"\nResults: {path} (and bench/results/latest.json); took {results['meta']['seconds']} s")
    return 0


def bursts(args, api: ApiServer, paths: list[str], results: dict, log_path: Path) -> None:
    """The burst with the cache cold (first, before any request of these URLs), warm,
    and its floor: the same server answering the same bytes from a trivial app."""
    for key, label, warm in (("burst_cold", "cold", False), ("burst", "warm", True)):
        say(f"\n== Load: {args.burst} concurrent requests, response cache {label} ==")
        results["load"][key] = b = load.burst(api.port, paths, args.burst, warm=warm)
        say(f"  wall {b['wall_s']} s, max {b['latency']['max_ms']} ms, "
            f"errors {b['errors']} {b['error_kinds'] or ''}")
    say(f"\n== Load: {args.burst} concurrent requests, floor (trivial app, same bytes) ==")
    results["load"]["burst_floor"] = b = resilience.floor(api, paths, args.burst, log_path)
    b["cache"] = "n/a (floor: bench.floor, the same bytes)"
    say(f"  wall {b['wall_s']} s, max {b['latency']['max_ms']} ms, errors {b['errors']}")


def measure_resilience(args, url, now, paths: list[str], results: dict,
                       log_path: Path) -> None:
    say("\n== Resilience: the database hangs (SIGSTOP), then resumes ==")
    res = results.setdefault("resilience", {})
    res["hung_database"] = h = resilience.hung_database(str(url), now, database.server(),
                                                         paths, log_path)
    say(f"  worst {h['worst_ms']:.0f} ms while hung; fresh {h['fresh_after_resume_s']} s "
        "after resuming")
    say(f"\n== Resilience: {args.slow_clients} idle + {args.slow_clients} slowly-sending "
        "connections ==")
    with ApiServer(str(url), now, cache_seconds=30, log_path=log_path) as api:
        res["slow_clients"] = c = resilience.slow_clients(api.port, paths, args.slow_clients)
    say(f"  median delay {c['median_delay_ms']} ms")
    say(f"\n== Resilience: {args.collectors} collectors at once, writing and re-writing ==")
    res["collectors"] = collectors.measure(collectors.scratch_database(url, say),
                                           collectors=args.collectors,
                                           slots=args.collector_slots, say=say)


if __name__ == "__main__":
    sys.exit(main())
