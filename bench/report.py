"""The printed table, the target checks (docs/contract.md section 10) and the JSON file."""

from __future__ import annotations

import json
from pathlib import Path

from bench import views
from bench.jobs import backlog_change, cycles_detail

SLOW_PERIODS = ("last_week", "last_month", "year")
RESULTS_DIR = Path(__file__).with_name("results")


def _ms(s: dict | None, key: str = "median_ms") -> str:
    if not s or s.get(key) is None:
        return "-"
    v = s[key]
    return f"{v:.0f}" if v >= 100 else f"{v:.1f}" if v >= 10 else f"{v:.2f}"


def _ratio(r: float | None, lower_bound: float | None = None) -> str:
    """x<ratio>; ">x<bound>" for a baseline stopped at its cap; "-" without either."""
    if r is None:
        return "-" if lower_bound is None else ">" + _ratio(lower_bound)
    return f"x{r:,.0f}" if r >= 100 else f"x{r:.1f}"


def _baseline(s: dict | None) -> str:
    """The raw baseline's column: median / p95, or how long a stopped one ran."""
    if s and s.get("stopped_after_ms") is not None:
        return f"stopped > {s['stopped_after_ms'] / 1000:,.0f} s"
    return _pair(s)


def _same(same: bool | None) -> str:
    """The ranking check's column: "-" where the raw baseline was not run, or was
    stopped at its cap (no rows to compare)."""
    return "-" if same is None else "yes" if same else "NO"


def _pair(s: dict | None) -> str:
    return f"{_ms(s)} / {_ms(s, 'p95_ms')}"


def targets(results: dict) -> list[dict]:
    out = []

    def add(name, value, goal, ok):
        out.append({"target": name, "value": value, "goal": goal, "ok": bool(ok)})

    for r in results.get("rankings", []):
        label = f"{r['period']} {r['endpoint']}"
        need = 100 if r["period"] in SLOW_PERIODS else 10
        ratio = r["ratio_baseline_over_sql"]
        # A baseline stopped at its cap proves its ratio at least its lower bound.
        bound = ratio if ratio is not None else r.get("ratio_lower_bound")
        measured = r["baseline"] is not None  # (--baseline-periods: not run, not judged)
        if measured:
            add(f"raw baseline / API SQL, {label}",
                _ratio(ratio, r.get("ratio_lower_bound")), f">= x{need}",
                bound is not None and bound >= need)
        h = r.get("http_nocache") or {}
        add(f"HTTP no cache, {label}", f"{_pair(h)} ms", "median < 10, p95 < 25 ms",
            h.get("median_ms") is not None and h["median_ms"] < 10 and h["p95_ms"] < 25
            and not h.get("errors"))
        if measured and r["same_ranking"] is not None:
            add(f"same ranking as raw baseline, {label}",
                "yes" if r["same_ranking"] else f"NO: {r['ranking_mismatch']}", "yes",
                r["same_ranking"])
    views.targets(results.get("views", []), add)
    load = results.get("load", {})
    for key in ("burst_cold", "burst"):
        if key in load:
            b = load[key]
            add(f"{b['requests']} concurrent requests, response cache {b['cache']}",
                f"max {_ms(b['latency'], 'max_ms')} ms, {b['errors']} errors",
                "all within 2 s, no error", b["all_within_2s"])
    if "held" in load:
        h = load["held"]
        add(f"{h['connections']} concurrent connections held",
            f"{h.get('established_at_server_while_held')} established, {h['errors']} errors",
            "no error", h["errors"] == 0
            and (h.get("established_at_server_while_held") or 0) >= h["connections"])
    res = results.get("resilience", {})
    if "hung_database" in res:
        h = res["hung_database"]
        add("hung database: every request answers (stale, 503, health, metrics)",
            f"max {h['worst_ms']:.0f} ms", "within 2 s", h["all_within_2s"])
        add("hung database: fresh answers after it resumes",
            f"{h['fresh_after_resume_s']} s", "within seconds (< 5 s)",
            h["fresh_after_resume_s"] is not None and h["fresh_after_resume_s"] < 5)
    if "slow_clients" in res:
        c = res["slow_clients"]
        add(f"{c['idle']} idle + {c['slow_sending']} slowly-sending connections",
            f"median delay {c['median_delay_ms']} ms", "< 100 ms", c["within_100ms"])
    if "collectors" in res:
        c = res["collectors"]
        add(f"{c['collectors']} collectors at once, writing and re-writing, two sharing a park",
            f"{c['errors'] + len(c['scheduler_errors'])} errors, "
            f"{c['snapshots_not_their_ride_rows']} inconsistent snapshots, "
            f"{c['verify_differences']} aggregate differences",
            "no error, nothing lost or inconsistent", c["ok"])
    jobs = results.get("jobs", {})
    if "new_hour_cycle" in jobs:
        c = jobs["new_hour_cycle"]
        add("new-hour run_aggregation() cycle", f"max {_ms(c, 'max_ms')} ms", "< 100 ms",
            c.get("max_ms") is not None and c["max_ms"] < 100)
    # The backfill writes the park and the ride levels: its floor is both levels' INSERT
    # ... SELECT ... GROUP BY (the park floor alone where the ride level is absent).
    backfill = jobs.get("backfill", {})
    ratio = backfill.get("ratio_to_floor_both_levels", backfill.get("ratio_to_floor"))
    if ratio is not None:
        floors = ("park + ride floors" if "ratio_to_floor_both_levels" in backfill
                  else "park floor")
        add(f"backfill / INSERT...SELECT {floors}", f"x{ratio}", "<= x1.5", ratio <= 1.5)
    ret = results.get("retention", {})
    if ret.get("small", {}).get("median_ms") and ret.get("large", {}).get("median_ms"):
        s, big = ret["small"], ret["large"]
        ratio = big["median_ms"] / s["median_ms"]
        add("retention of a day: large / small table",
            f"x{ratio:.2f} ({big['table_rows_before']:,} vs {s['table_rows_before']:,} rows)",
            "independent of size (<= x1.5)", ratio <= 1.5 and s.get("one_partition_per_call")
            and big.get("one_partition_per_call"))
    return out


def table(results: dict) -> str:
    lines = []
    meta = results["meta"]
    lines.append(f"parkstats benchmark: {meta['rows']:,} raw snapshots, {meta['parks']} parks, "
                 f"{meta['days']} days ({meta['first_snapshot']} .. {meta['last_snapshot']} "
                 f"UTC); now pinned at {meta['now']} UTC")
    lines.append(f"machine: {meta['machine']['cpu']} x{meta['machine']['cores']}, "
                 f"{meta['machine']['ram_gb']} GB RAM; {meta['server_version']}; "
                 f"Python {meta['machine']['python']}")
    lines.append("")
    lines.append("Rankings, ms (median / p95); ratio = raw baseline median / API SQL median")
    head = (f"{'period':<11}{'endpoint':<27}{'API SQL':>15}{'HTTP no cache':>17}"
            f"{'HTTP cache':>15}{'raw GROUP BY':>19}{'ratio':>10}{'same':>6}")
    lines.append(head)
    lines.append("-" * len(head))
    for r in results.get("rankings", []):
        lines.append(f"{r['period']:<11}{r['endpoint']:<27}{_pair(r['sql']):>15}"
                     f"{_pair(r['http_nocache']):>17}{_pair(r['http_cache']):>15}"
                     f"{_baseline(r['baseline']):>19}"
                     f"{_ratio(r['ratio_baseline_over_sql'], r.get('ratio_lower_bound')):>10}"
                     f"{_same(r['same_ranking']):>6}")
    once = [f"{r['period']} {r['endpoint']}" for r in results.get("rankings", [])
            if r["baseline"] is not None and r["baseline"]["n"] == 1]
    if once:
        lines.append("raw baselines timed once (a first run over --baseline-budget, without "
                     "warm-up): " + ", ".join(once))
    stopped = [f"{r['period']} {r['endpoint']}" for r in results.get("rankings", [])
               if (r["baseline"] or {}).get("stopped_after_ms") is not None]
    if stopped:
        lines.append("raw baselines stopped at --baseline-cap (ratio a lower bound, ranking "
                     "not compared): " + ", ".join(stopped))
    load = results.get("load", {})
    if load:
        lines.append("")
        lines.append("Load (gunicorn " + ", ".join(
            f"{k}={v}" for k, v in load.get("server", {}).items()
            if k in ("worker_class", "workers", "threads", "worker_connections", "keepalive",
                     "cache_seconds")) + ")")
        for key in ("burst_cold", "burst", "burst_floor"):
            if key not in load:
                continue
            b = load[key]
            lat = b["latency"]
            lines.append(f"  {b['requests']} concurrent requests over {b['urls']} URLs, cache "
                         f"{b['cache']}: wall {b['wall_s']} s, p50 {_ms(lat)} ms, p99 "
                         f"{_ms(lat, 'p99_ms')} ms, max {_ms(lat, 'max_ms')} ms, errors "
                         f"{b['errors']} {b['error_kinds'] or ''}")
        if "held" in load:
            h = load["held"]
            lines.append(
                f"  {h['connections']} connections held: all open after "
                f"{h.get('all_open_after_s')} s, {h.get('established_at_server_while_held')} "
                f"established at the server, created {h.get('connections_created')}, "
                f"reused {h.get('connections_reused')}, errors {h['errors']} "
                f"{h['error_kinds'] or ''}")
            for key, label in (("first_request", "first request (connect + GET)"),
                               ("request_on_held_connection", "GET on a held connection")):
                if key in h:
                    s = h[key]
                    lines.append(f"    {label}: p50 {_ms(s)} ms, p99 {_ms(s, 'p99_ms')} ms, "
                                 f"max {_ms(s, 'max_ms')} ms (n={s['n']})")
    res = results.get("resilience", {})
    if res:
        lines.append("")
        lines.append("Resilience")
        h = res.get("hung_database")
        if h:
            lines.append(f"  database hung (SIGSTOP), {h['rounds']} rounds of concurrent requests:")
            for name, s in h["while_hung"].items():
                lines.append(f"    {name:<18} p50 {_ms(s)} ms, p99 {_ms(s, 'p99_ms')} ms, max "
                             f"{_ms(s, 'max_ms')} ms, answers {s['answers']}")
            lines.append(f"  fresh answers {h['fresh_after_resume_s']} s after it resumed")
        c = res.get("slow_clients")
        if c:
            lines.append(f"  sequential requests before / while {c['idle']} idle and "
                         f"{c['slow_sending']} slowly-sending connections are held: median "
                         f"{_ms(c['before'])} / {_ms(c['while_held'])} ms, p99 "
                         f"{_ms(c['before'], 'p99_ms')} / {_ms(c['while_held'], 'p99_ms')} ms")
        c = res.get("collectors")
        if c:
            lines.append(f"  {c['collectors']} collectors, {c['slots']} slots of {c['parks']} "
                         f"parks (park {c['shared_park']} shared), run_aggregation() "
                         f"{c['scheduler_cycles']} times meanwhile: wall {c['wall_s']} s, "
                         f"errors {c['errors']} {c['error_kinds'] or ''}")
            for kind, s in c["calls"].items():
                lines.append(f"    record_park_snapshot, {kind:<8} p50 {_ms(s)} ms, p95 "
                             f"{_ms(s, 'p95_ms')} ms, max {_ms(s, 'max_ms')} ms (n={s['n']})")
            failed = c.get("buckets_failed_and_queued", [])
            lines.append(f"    {len(failed)} bucket(s) the cycle failed meanwhile (queued, "
                         f"redone before verifying){': ' + '; '.join(failed) if failed else ''}")
            lines.append(f"    {c['snapshots_stored']} snapshots stored of "
                         f"{c['snapshots_written']} written; verify_aggregates: "
                         f"{c['verify_summary']}")
    jobs = results.get("jobs", {})
    if jobs:
        lines.append("")
        lines.append("Jobs")
        b, f = jobs.get("backfill", {}), jobs.get("floor", {})
        if b and not f:
            lines.append(f"  backfill_aggregates() of {b['raw_rows']:,} raw rows: "
                         f"{b['seconds']} s (floors not measured: --skip-floor)")
        elif b:
            lines.append(f"  backfill_aggregates() of {b['raw_rows']:,} raw rows: "
                         f"{b['seconds']} s; floor INSERT ... SELECT ... GROUP BY: "
                         f"{f.get('seconds')} s; ratio x{b.get('ratio_to_floor')}"
                         + (f"; with the ride floor ({jobs['floor_rides']['seconds']} s): "
                            f"x{b['ratio_to_floor_both_levels']}"
                            if "ratio_to_floor_both_levels" in b else ""))
        settled = jobs.get("settled_before_cycles")
        if settled:
            lines.append(f"  before the cycles the server settled in {settled['seconds']} s "
                         f"({backlog_change(settled)})")
        warmed = jobs.get("warmed_new_hours")
        if warmed:
            lines.append(f"  the new hours' {warmed['rows']:,} raw ride rows read into memory "
                         f"first ({warmed['pages_read_from_disk']:,} pages from disk)")
        c = jobs.get("new_hour_cycle")
        if c:
            lines.append(f"  run_aggregation() for a new hour: median {_ms(c)} ms, max "
                         f"{_ms(c, 'max_ms')} ms (n={c['n']}){cycles_detail(c['cycles'])}; "
                         f"a cycle with nothing to do: {c['idle_cycle_ms']} ms")
        for key in ("aggregate_day", "aggregate_year"):
            if key in jobs:
                s = jobs[key]
                what = s.get("day") or s.get("year")
                lines.append(f"  {key}({what}): median {_ms(s)} ms, p95 {_ms(s, 'p95_ms')} ms "
                             f"(n={s['n']})")
    ret = results.get("retention", {})
    if "error" in ret:
        lines.append(f"  apply_retention(): {ret['error']}")
    for size in ("small", "large"):
        r = ret.get(size)
        if r and "median_ms" in r:
            lines.append(f"  apply_retention() dropping one day, table of "
                         f"{r['table_rows_before']:,} rows: median {_ms(r)} ms, max "
                         f"{_ms(r, 'max_ms')} ms (n={r['n']})")
        elif r:
            lines.append(f"  apply_retention() ({size}): {r.get('error')}")
    checks = results.get("targets", [])
    if checks:
        lines.append("")
        held = sum(1 for t in checks if t["ok"])
        lines.append(f"docs/contract.md section 10 targets: {held} of {len(checks)} hold")
        for t in checks:
            if not t["ok"]:
                lines.append(f"  MISS  {t['target']}: {t['value']} (goal {t['goal']})")
    return "\n".join(lines)


def save(results: dict, path: Path | None = None) -> Path:
    RESULTS_DIR.mkdir(exist_ok=True)
    if path is None:
        stamp = results["meta"]["started_at"].replace(":", "").replace("-", "")
        path = RESULTS_DIR / f"bench-{stamp}-{results['meta']['days']}d.json"
    text = json.dumps(results, indent=2, default=str)
    path.write_text(text)
    (RESULTS_DIR / "latest.json").write_text(text)
    return path


def main(argv=None) -> int:
    """``python -m bench.report FILE.json``: print the table of a saved run again."""
    import sys

    argv = sys.argv[1:] if argv is None else argv
    with open(argv[0] if argv else RESULTS_DIR / "latest.json") as f:
        results = json.load(f)
    results["targets"] = targets(results)
    print(table(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
