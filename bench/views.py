"""HTTP latency of the charts, heatmaps and detail pages (issue 12), and of the live
rankings, response cache off.

Targets (docs/contract.md section 10): a median under 50 ms for each chart, heatmap
and detail URL; a median under 10 ms and a p95 under 25 ms for each ranking, live
included (the live rankings are measured here, at HTTP level only: live is each
park's or ride's latest row, which has no GROUP BY baseline over raw snapshots).
The parks and rides asked for are the first of the bench database (the demo's ids
start at 1), so every URL answers real figures.
"""

from __future__ import annotations

from bench.stats import sample, summary

MEDIAN_TARGET_MS = 50
RANKING_MEDIAN_MS, RANKING_P95_MS = 10, 25

LIVE_RANKINGS = tuple(f"/api/{e}?period=live&filter=all-parks"
                      for e in ("parks/downtime", "parks/waittimes", "rides/downtime",
                                "rides/waittimes"))

URLS = (
    *(f"/api/trends/chart-data?period={p}&type={t}&filter=all-parks&limit=10"
      for p in ("live", "today", "yesterday", "last_week", "last_month")
      for t in ("parks", "rides")),
    *(f"/api/trends/heatmap-data?period={p}&type={t}&filter=all-parks&limit=10"
      for p in ("today", "yesterday", "last_week", "last_month")
      for t in ("parks-shame", "rides-downtime")),
    *(f"/api/parks/1/details?period={p}"
      for p in ("live", "today", "yesterday", "last_week", "last_month")),
    *(f"/api/parks/1/rides/charts?period={p}&type=downtime"
      for p in ("today", "yesterday", "last_month")),
    *(f"/api/rides/1/details?period={p}"
      for p in ("today", "yesterday", "last_week", "last_month")),
    "/api/search/index",
    *LIVE_RANKINGS,
)


def measure_http(port: int, *, repeat: int, say=print) -> list[dict]:
    """[{url, median_ms, p95_ms, ..., errors}] for every URL, one keep-alive client."""
    from bench.httpserver import KeepAliveClient

    client = KeepAliveClient(port)
    out = []
    try:
        for url in URLS:
            statuses = []

            def get(url=url, statuses=statuses):
                status, body = client.get(url)
                statuses.append(status)
                return body

            times, _body = sample(get, repeat=repeat, warmup=3)
            s = summary(times)
            bad = sum(1 for status in statuses if status != 200)
            say(f"  {url:<78} median {s['median_ms']:7.2f} ms  p95 {s['p95_ms']:7.2f} ms"
                + (f"  {bad} non-200!" if bad else ""))
            out.append({"url": url, **s, "errors": bad})
    finally:
        client.close()
    return out


def targets(records: list[dict], add) -> None:
    for r in records:
        ok = r["median_ms"] is not None and not r["errors"]
        if r["url"] in LIVE_RANKINGS:
            add(f"HTTP no cache, {r['url']}", f"median {r['median_ms']} ms, p95 {r['p95_ms']} ms",
                f"median < {RANKING_MEDIAN_MS} ms, p95 < {RANKING_P95_MS} ms",
                ok and r["median_ms"] < RANKING_MEDIAN_MS and r["p95_ms"] < RANKING_P95_MS)
        else:
            add(f"HTTP no cache, {r['url']}", f"median {r['median_ms']} ms",
                f"median < {MEDIAN_TARGET_MS} ms", ok and r["median_ms"] < MEDIAN_TARGET_MS)
