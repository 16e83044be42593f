"""Rankings: the API's SQL, HTTP without and with the cache, and the raw baseline.

(a) ``sql``: the statements the API runs for a ranking (captured from a real
    request of the app, replayed through the API's own ``webapi.db.Database``);
(b) ``http_nocache`` / (c) ``http_cache``: GET over one kept-alive
    connection to gunicorn, response cache off (PARKSTATS_CACHE_SECONDS=0)
    / on (the default 30 s: every timed request after the first is a hit);
(d) ``baseline``: bench.baseline's GROUP BY over raw snapshots (park rankings) or
    raw ride rows (ride rankings), in the same run.
"""

from __future__ import annotations

import json
from datetime import datetime

from bench import baseline
from bench.stats import sample, summary, timed
from parkstats.db import DatabaseUrl, connect

PERIODS = ("today", "yesterday", "last_week", "last_month", "year")
ENDPOINTS = baseline.ENDPOINTS


def path(endpoint: baseline.Endpoint, period: str) -> str:
    return endpoint.path + ("&" if "?" in endpoint.path else "?") + f"period={period}"


def interval_minutes(url: DatabaseUrl) -> int:
    with connect(url) as conn, conn.cursor() as cur:
        cur.execute("SELECT setting_value FROM settings "
                    "WHERE setting_name = 'snapshot_interval_minutes'")
        return int(cur.fetchone()[0])


class StatementRecorder:
    """Records every statement the API sends through ``webapi.db.Database.query``."""

    def __init__(self):
        from webapi.db import Database

        self.cls = Database
        self.original = Database.query
        self.statements: list[tuple[str, tuple | dict]] = []

    def __enter__(self) -> StatementRecorder:
        recorder = self

        def query(db, sql, params=()):
            # Named parameters (a dict) as sent; positional ones as a tuple.
            recorder.statements.append((sql, dict(params) if isinstance(params, dict)
                                        else tuple(params)))
            return recorder.original(db, sql, params)

        self.cls.query = query
        return self

    def __exit__(self, *exc) -> None:
        self.cls.query = self.original


def api_statements(app, target: str) -> list[tuple[str, tuple | dict]]:
    """The statements one request for ``target`` runs once the app is warm (calendar,
    settings and planning state cached: ``app`` keeps the planning state longer than the
    run, so that no capture includes its once-a-second re-read and every replay counts
    the ranking's own statements only), captured in-process with the response cache
    off."""
    client = app.test_client()
    for _ in range(2):
        response = client.get(target)
        if response.status_code != 200:
            raise RuntimeError(f"{target}: HTTP {response.status_code} {response.data[:300]!r}")
    with StatementRecorder() as recorder:
        client.get(target)
    return recorder.statements


def _printable(params):
    if isinstance(params, dict):
        return {name: str(value) for name, value in params.items()}
    return [str(p) for p in params]


def measure_sql_and_baseline(url: DatabaseUrl, now: datetime, *, repeat: int,
                             baseline_repeat: int, baseline_budget_s: float,
                             baseline_cap_s: float | None = None, say=print,
                             baseline_periods: set[str] | None = None) -> dict:
    """{(period, endpoint): {"sql", "baseline", "baseline_rows", "span", ...}}; the
    baseline (and its rows) None for a period not in ``baseline_periods`` (None: all).

    A baseline run still going after ``baseline_cap_s`` seconds is stopped
    (``baseline.Stopped``): its summary is then ``{"n": 0, "stopped_after_ms": ...}``,
    its rows None, and the ratio only a lower bound (``stopped_baseline``).

    (a) replays, through the API's own ``Database`` (pool, DictCursor), exactly
    the statements a warm API process runs for the request (captured from a
    real request of the app built by ``webapi.create_app``, clock pinned,
    response cache off), so it follows the API's code as it changes.
    """
    from webapi import create_app
    from webapi.calendar import Calendar
    from webapi.db import Database
    from webapi.periods import resolve

    app = create_app({"DATABASE_URL": str(url), "CACHE_SECONDS": 0, "NOW": lambda: now,
                      "PLAN_SECONDS": 86400,
                      "DB_READ_TIMEOUT": 3600})
    db = Database(str(url), pool_size=2, read_timeout=3600)
    calendar = Calendar(db)
    interval = interval_minutes(url)
    raw = connect(url, read_timeout=3600)
    out = {}
    try:
        for period in PERIODS:
            _label, current, previous = resolve(calendar, period, now)
            for endpoint in ENDPOINTS:
                statements = api_statements(app, path(endpoint, period))

                def api_sql(statements=statements):
                    return [db.query(sql, params) for sql, params in statements]

                sql_times, _ = sample(api_sql, repeat=repeat, warmup=3)
                s = summary(sql_times)
                b, base_rows, against = None, None, "raw baseline not run"
                if baseline_periods is None or period in baseline_periods:
                    args = baseline.params(current, previous, now, interval, endpoint.limit)

                    def base(endpoint=endpoint, args=args):
                        return baseline.run(raw, endpoint, args, url=url,
                                            cap_s=baseline_cap_s)

                    try:
                        base_times, base_rows = sample(base, repeat=baseline_repeat,
                                                       warmup=1, budget_s=baseline_budget_s)
                        b = summary(base_times)
                        against = (f"raw baseline {b['median_ms']:10.1f} ms"
                                   f"   x{b['median_ms'] / s['median_ms']:,.0f}")
                    except baseline.Stopped as stopped:
                        b = stopped_baseline(stopped.seconds)
                        against = (f"raw baseline stopped after {stopped.seconds:,.0f} s"
                                   f"   over x{b['stopped_after_ms'] / s['median_ms']:,.0f}")
                say(f"  {period:<10} {endpoint.name:<26} sql {s['median_ms']:8.2f} ms "
                    f"({len(statements)} statements)   {against}")
                out[(period, endpoint.name)] = {
                    "sql": s, "baseline": b, "baseline_rows": base_rows,
                    "api_statements": [{"sql": sql, "params": _printable(params)}
                                       for sql, params in statements],
                    "span": [str(current.utc_start), str(current.utc_end)],
                    "previous_span": ([str(previous.utc_start), str(previous.utc_end)]
                                      if previous is not None
                                      and endpoint.trend is not None else None),
                }
    finally:
        raw.close()
        db.close()
    return out


def stopped_baseline(seconds: float) -> dict:
    """The summary of a baseline stopped at its cap: no timed run, only how long it ran."""
    return {**summary([]), "stopped_after_ms": round(seconds * 1000, 1)}


def measure_http(port: int, *, repeat: int, key: str, say=print, warmup: int = 3) -> dict:
    """{(period, endpoint): {key: summary, key + "_body": parsed JSON of the last answer}}.

    The rankings take turns: ``warmup`` untimed rounds, then ``repeat`` timed rounds,
    each one GET of every ranking in order. This machine's speed swings within
    minutes (the same request 6.6 and 4.7 ms a minute apart, docs/benchmarks.md);
    timed one ranking after the other, a slow minute would fall on the few
    rankings timed in it, while in turns every ranking sees the same minutes.
    """
    from bench.httpserver import KeepAliveClient

    targets = {(period, endpoint.name): path(endpoint, period)
               for period in PERIODS for endpoint in ENDPOINTS}
    times: dict[tuple, list[float]] = {k: [] for k in targets}
    statuses: dict[tuple, list[int]] = {k: [] for k in targets}
    bodies: dict[tuple, bytes] = {}
    client = KeepAliveClient(port)
    try:
        for round_ in range(warmup + repeat):
            for k, target in targets.items():
                seconds, (status, bodies[k]) = timed(lambda target=target: client.get(target))
                statuses[k].append(status)
                if round_ >= warmup:
                    times[k].append(seconds)
    finally:
        client.close()
    out = {}
    for k in targets:
        period, name = k
        bad = [s for s in statuses[k] if s != 200]
        s = summary(times[k])
        say(f"  {period:<10} {name:<26} {key:<13} median {s['median_ms']:7.2f} ms"
            f"  p95 {s['p95_ms']:7.2f} ms" + (f"  {len(bad)} non-200!" if bad else ""))
        out[k] = {key: {**s, "errors": len(bad)}, key + "_body": json.loads(bodies[k])}
    return out


def combine(db_part: dict, nocache: dict, cache: dict) -> list[dict]:
    """One record per (period, endpoint) with ratios and the ranking check."""
    records = []
    for period in PERIODS:
        for endpoint in ENDPOINTS:
            k = (period, endpoint.name)
            d, n, c = db_part[k], nocache.get(k, {}), cache.get(k, {})
            body = n.get("http_nocache_body") or {}
            same, why = (False, "no HTTP answer")
            if d["baseline"] is None:
                same, why = (None, "raw baseline not run")
            elif d["baseline_rows"] is None:
                same, why = (None, "raw baseline stopped at its cap")
            elif body.get("success"):
                same, why = baseline.compare(endpoint, body.get("data", []), d["baseline_rows"])
            sql_ms = d["sql"]["median_ms"]
            http_ms = (n.get("http_nocache") or {}).get("median_ms")
            base_ms = (d["baseline"] or {}).get("median_ms")
            stopped_ms = (d["baseline"] or {}).get("stopped_after_ms")
            records.append({
                "period": period, "endpoint": endpoint.name, "url": path(endpoint, period),
                "span_utc": d["span"], "previous_span_utc": d["previous_span"],
                "api_statements": d["api_statements"],
                "ranked_items": len(body.get("data", [])),
                "sql": d["sql"], "http_nocache": n.get("http_nocache"),
                "http_cache": c.get("http_cache"), "baseline": d["baseline"],
                "ratio_baseline_over_sql": (round(base_ms / sql_ms, 1)
                                            if sql_ms and base_ms else None),
                "ratio_baseline_over_http_nocache": (round(base_ms / http_ms, 1)
                                                     if http_ms and base_ms else None),
                # A stopped baseline: the ratio is at least this.
                "ratio_lower_bound": (round(stopped_ms / sql_ms, 1)
                                      if sql_ms and stopped_ms else None),
                "same_ranking": same, "ranking_mismatch": why or None,
            })
    return records
