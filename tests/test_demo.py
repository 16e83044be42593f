"""The demo data generator: docs/contract.md section 3 column rules, idempotence, the CLI."""

from bisect import bisect_left, bisect_right
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from api_support import make_app
from support import call, rows, scalar

from parkstats.cli import main as cli_main
from parkstats.db import connect
from parkstats.demo import PARKS, ensure_parks, load_demo, summarize_history

WEIGHT = {1: 3, 2: 2, 3: 1, None: 2}

END = datetime(2026, 3, 9, 21, 0)  # spans the DST change of 2026-03-08 (a 23-hour day)


def test_snapshots_obey_the_column_rules(db_url, db):
    result = load_demo(db_url, days=3, end=END, parks=4, progress=False)
    assert result.snapshots == scalar(db, "SELECT COUNT(*) FROM park_snapshots") > 0
    bad = rows(db, """
        SELECT s.*
          FROM park_snapshots AS s
          JOIN (SELECT park_id, COUNT(*) AS n,
                       SUM(CASE tier WHEN 1 THEN 3 WHEN 3 THEN 1 ELSE 2 END) AS w
                  FROM rides GROUP BY park_id) AS r ON r.park_id = s.park_id
         WHERE s.rides_operating + s.rides_down + s.rides_closed + s.rides_refurbishment
                   <> s.rides_total
            OR s.rides_total <> r.n
            OR s.weight_total > r.w
            OR s.weight_down > s.weight_total
            OR NOT (s.shame_score <=> CASE WHEN s.weight_total > 0
                                      THEN ROUND(s.weight_down / s.weight_total * 10, 2) END)
            OR (s.rides_reporting = 0) <> (s.avg_wait_minutes IS NULL)
            OR (s.rides_reporting = 0) <> (s.peak_wait_minutes IS NULL)
            OR s.peak_wait_minutes < s.avg_wait_minutes
            OR s.avg_wait_minutes <= 0
            OR s.rides_reporting > s.rides_operating
            OR (s.park_open = 0 AND (s.rides_operating + s.rides_down + s.rides_reporting) > 0)
            OR MOD(MINUTE(s.recorded_at), 5) <> 0 OR SECOND(s.recorded_at) <> 0
            OR s.recorded_at > %s
         LIMIT 5""", END)
    assert bad == []
    # A realistic day: parks open and closed, breakdowns, waits, at every park.
    summary = rows(db, """
        SELECT park_id, SUM(park_open) AS open_n, SUM(park_open = 0) AS closed_n,
               SUM(rides_down) AS down, MAX(peak_wait_minutes) AS peak
          FROM park_snapshots GROUP BY park_id""")
    assert len(summary) == 4
    assert all(r["open_n"] > 0 and r["closed_n"] > 0 and r["down"] > 0 and r["peak"] > 0
               for r in summary)
    # Local days follow calendar_days: 23 hours on 2026-03-08, so at most 276 slots.
    per_day = rows(db, """
        SELECT s.park_id, COUNT(*) AS n
          FROM park_snapshots AS s
          JOIN calendar_days AS c ON c.local_date = '2026-03-08'
         WHERE s.recorded_at >= c.utc_start AND s.recorded_at < c.utc_end
         GROUP BY s.park_id""")
    assert per_day and all(r["n"] <= 276 for r in per_day)
    assert max(r["n"] for r in per_day) > 200


def test_parks_and_rides_are_real_and_complete(db_url, db):
    load_demo(db_url, days=1, end=END, parks=len(PARKS), aggregate=False, progress=False)
    assert 75 <= scalar(db, "SELECT COUNT(*) FROM parks") == len(PARKS)
    assert scalar(db, "SELECT COUNT(*) FROM parks WHERE is_disney = 1") >= 6
    assert scalar(db, "SELECT COUNT(*) FROM parks WHERE is_universal = 1") >= 4
    assert scalar(db, "SELECT COUNT(*) FROM parks WHERE closed_means_down = 1") >= 3
    assert scalar(db, "SELECT COUNT(*) FROM parks WHERE city IS NULL OR state_province IS NULL "
                      "OR operator IS NULL OR country IS NULL") == 0
    assert scalar(db, "SELECT MIN(n) FROM (SELECT COUNT(*) AS n FROM rides "
                      "GROUP BY park_id) AS x") >= 12
    tiers = {r["tier"] for r in rows(db, "SELECT DISTINCT tier FROM rides")}
    assert tiers == {1, 2, 3, None}
    # The collector can continue: rides have operated recently.
    assert scalar(db, "SELECT COUNT(*) FROM ride_operating_days") > 0
    assert scalar(db, "SELECT COUNT(*) FROM rides WHERE last_operated_at IS NOT NULL") > 0


def test_loading_twice_does_not_duplicate(db_url, db):
    load_demo(db_url, days=2, end=END, parks=3, progress=False)
    counts = [scalar(db, f"SELECT COUNT(*) FROM {t}")
              for t in ("parks", "rides", "park_snapshots")]
    again = load_demo(db_url, days=2, end=END, parks=3, progress=False)
    assert again.snapshots == 0
    assert [scalar(db, f"SELECT COUNT(*) FROM {t}")
            for t in ("parks", "rides", "park_snapshots")] == counts
    assert scalar(db, "SELECT COUNT(*) FROM (SELECT park_id, recorded_at FROM park_snapshots "
                      "GROUP BY park_id, recorded_at HAVING COUNT(*) > 1) AS d") == 0
    # A longer range later only adds the new snapshots.
    load_demo(db_url, days=2, end=END + timedelta(hours=6), parks=3, progress=False)
    assert scalar(db, "SELECT COUNT(*) FROM park_snapshots") > counts[2]
    assert scalar(db, "SELECT COUNT(*) FROM parks") == counts[0]


def test_history_is_aggregated_and_old_raw_data_purged(db_url, db):
    # 100 days: the months beyond the 90 raw days kept are aggregated, then purged.
    result = load_demo(db_url, days=100, end=END, parks=2, progress=False)
    assert result.aggregated
    first_day = rows(db, "SELECT local_date, utc_start FROM calendar_days "
                         "WHERE local_date = DATE(%s) - INTERVAL 99 DAY", END)[0]
    assert scalar(db, "SELECT MIN(stat_date) FROM daily_park_stats") == first_day["local_date"]
    assert scalar(db, "SELECT COUNT(DISTINCT stat_date) FROM daily_park_stats") >= 99
    assert scalar(db, "SELECT COUNT(*) FROM yearly_park_stats") == 2 * 2  # 2025 and 2026
    assert scalar(db, "SELECT MIN(recorded_at) FROM park_snapshots") >= END - timedelta(days=91)
    assert scalar(db, "SELECT COUNT(*) FROM aggregation_job_log WHERE job_type = 'backfill' "
                      "AND status = 'success'") > 0
    assert scalar(db, "SELECT COUNT(*) FROM aggregation_job_log WHERE status = 'failed'") == 0
    # Bulk loading queued nothing for re-aggregation; the aggregates match the raw data.
    assert scalar(db, "SELECT COUNT(*) FROM aggregation_queue") == 0
    d1, d2 = (END - timedelta(days=30)).date(), END.date()  # END's own day is incomplete
    daily = scalar(db, "SELECT SUM(down_samples) FROM daily_park_stats "
                       "WHERE stat_date >= %s AND stat_date < %s", d1, d2)
    raw = scalar(db, "SELECT SUM(s.rides_down) FROM park_snapshots AS s "
                     "JOIN calendar_days AS a ON a.local_date = %s "
                     "JOIN calendar_days AS b ON b.local_date = %s "
                     "WHERE s.park_open = 1 AND s.recorded_at >= a.utc_start "
                     "AND s.recorded_at < b.utc_start", d1, d2)
    assert daily == raw > 0


def test_demo_command(db_url, db, monkeypatch, capsys):
    monkeypatch.setenv("PARKSTATS_DATABASE_URL", str(db_url))
    cli_main(["demo", "--days", "1", "--parks", "2", "--end", "2026-07-04T20:00:00",
              "--no-aggregate"])
    out = capsys.readouterr()
    assert "Loaded" in out.out and "ride rows for 2 parks" in out.out
    assert "%" in out.err  # the progress bar
    assert scalar(db, "SELECT COUNT(DISTINCT park_id) FROM park_snapshots") == 2


def _round2(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)  # SQL ROUND()


def _two_parks(db_url):
    """A park reporting breakdowns as DOWN and one reporting them as CLOSED."""
    with connect(db_url) as conn:
        models = ensure_parks(conn)
        conn.commit()
    return ([m for m in models if not m.info.closed_means_down][:1]
            + [m for m in models if m.info.closed_means_down][:1])


def _recount(db) -> dict:
    """Each park snapshot's columns recounted in plain Python from its ride rows under the
    down rule: down = DOWN (or CLOSED at an open closed_means_down park) after an
    OPERATING row of the same ride earlier in the same local day; weight counted unless in
    refurbishment when the ride has an OPERATING row within the 7 days up to then."""
    days = rows(db, "SELECT local_date, utc_start, utc_end FROM calendar_days "
                    "WHERE local_date BETWEEN '2026-02-20' AND '2026-07-10'")
    cmd = {r["park_id"]: r["closed_means_down"]
           for r in rows(db, "SELECT park_id, closed_means_down FROM parks")}
    tier = {r["ride_id"]: r["tier"] for r in rows(db, "SELECT ride_id, tier FROM rides")}
    snaps = {(r["park_id"], r["recorded_at"]): r for r in rows(
        db, "SELECT park_id, recorded_at, park_open FROM park_snapshots")}
    ride_rows = rows(db, "SELECT * FROM ride_snapshots ORDER BY ride_id, recorded_at")
    operated: dict[int, list] = {}
    for r in ride_rows:
        if r["status"] == "OPERATING":
            operated.setdefault(r["ride_id"], []).append(r["recorded_at"])

    @cache
    def local_day(at):
        return next(d["local_date"] for d in days if d["utc_start"] <= at < d["utc_end"])

    expected: dict = {}
    for r in ride_rows:
        at, ride = r["recorded_at"], r["ride_id"]
        snap = snaps[(r["park_id"], at)]
        ops = operated.get(ride, [])
        before = ops[:bisect_left(ops, at)]
        earlier_today = bool(before) and local_day(before[-1]) == local_day(at)
        downish = r["status"] == "DOWN" or (r["status"] == "CLOSED" and cmd[r["park_id"]]
                                           and snap["park_open"])
        cls = {"OPERATING": "operating", "REFURBISHMENT": "refurbishment"}.get(
            r["status"], "down" if downish and earlier_today else "closed")
        counted = r["status"] != "REFURBISHMENT" and (
            bisect_right(ops, at) > bisect_left(ops, at - timedelta(days=7)))
        weight = WEIGHT[tier[ride]] if counted else 0
        assert (r["ride_class"], r["weight_counted"]) == (cls, weight), r
        e = expected.setdefault((r["park_id"], at), {
            "rides_total": 0, "rides_operating": 0, "rides_down": 0, "rides_closed": 0,
            "rides_refurbishment": 0, "weight_total": 0, "weight_down": 0, "waits": []})
        e["rides_total"] += 1
        e[f"rides_{cls}"] += 1
        e["weight_total"] += weight
        e["weight_down"] += weight if cls == "down" else 0
        if r["status"] == "OPERATING" and r["wait_minutes"]:
            e["waits"].append(r["wait_minutes"])
    return expected


def test_park_rows_are_the_sums_of_their_ride_rows(db_url, db):
    models = _two_parks(db_url)  # July: the boardwalk parks (closed_means_down) are open
    result = load_demo(db_url, days=2, end=datetime(2026, 7, 5, 6, 0), models=models,
                       progress=False)
    assert result.ride_rows == scalar(db, "SELECT COUNT(*) FROM ride_snapshots") > 0
    expected = _recount(db)
    stored = rows(db, "SELECT * FROM park_snapshots")
    assert len(stored) == len(expected) == result.snapshots
    for s in stored:
        e = expected[(s["park_id"], s["recorded_at"])]
        waits = e.pop("waits")
        assert {k: s[k] for k in e} == e, s
        assert s["rides_reporting"] == len(waits)
        assert s["peak_wait_minutes"] == (max(waits) if waits else None)
        assert s["avg_wait_minutes"] == (_round2(Decimal(sum(waits)) / len(waits))
                                         if waits else None)
        assert s["shame_score"] == (_round2(Decimal(s["weight_down"]) / s["weight_total"] * 10)
                                    if s["weight_total"] else None)
    # Breakdowns at both parks, reported as DOWN at one and as CLOSED at the other.
    down = rows(db, "SELECT park_id, status, COUNT(*) AS n FROM ride_snapshots "
                    "WHERE ride_class = 'down' GROUP BY park_id, status")
    assert {(r["park_id"], r["status"]) for r in down} == {
        (models[0].park_id, "DOWN"), (models[1].park_id, "CLOSED")}


def test_the_procedures_derive_the_same_history(db_url, db):
    """The loader's classes, park columns and operating facts are what the procedures
    derive from the stored ride rows: re-deriving every loaded day changes nothing."""
    models = _two_parks(db_url)
    load_demo(db_url, days=3, end=END, models=models, aggregate=False, progress=False)
    tables = {
        "ride_snapshots": "SELECT * FROM ride_snapshots ORDER BY recorded_at, ride_id",
        "park_snapshots": "SELECT * FROM park_snapshots ORDER BY recorded_at, park_id",
        "ride_operating_days": "SELECT * FROM ride_operating_days ORDER BY ride_id, local_date",
        "rides": "SELECT ride_id, last_operated_at FROM rides ORDER BY ride_id",
    }
    before = {t: rows(db, q) for t, q in tables.items()}
    with db.cursor() as cur:
        cur.execute("INSERT INTO snapshot_recompute_queue (park_id, local_date, queued_at, "
                    "next_attempt_at) SELECT DISTINCT s.park_id, c.local_date, UTC_TIMESTAMP(), "
                    "'2000-01-01' FROM park_snapshots AS s JOIN calendar_days AS c "
                    "ON s.recorded_at >= c.utc_start AND s.recorded_at < c.utc_end")
        assert cur.rowcount == 2 * 3
        cur.execute("SET @parkstats_bulk_load = 1")
        cur.execute("UPDATE ride_snapshots SET ride_class = NULL, weight_counted = NULL")
        cur.execute("SET @parkstats_bulk_load = NULL")
    db.commit()
    call(db, "snapshot_recompute_pending", None, None)
    assert scalar(db, "SELECT COUNT(*) FROM snapshot_recompute_queue") == 0
    after = {t: rows(db, q) for t, q in tables.items()}
    for t in tables:
        assert after[t] == before[t], t


# -- history before the raw window, as daily summaries ---------------------------------

SUMMARY_FIRST, SUMMARY_LAST = date(2025, 12, 18), date(2026, 1, 5)  # across a year's end
RAW_END = datetime(2026, 1, 7, 20, 0)  # the raw window: Jan 6 (local) to then
ADDITIVE = ("down_samples", "operating_samples", "wait_sum", "wait_count")
RIDE_SUMS = ("sample_count", "open_sample_count", "operating_samples", "down_samples",
             "closed_samples", "refurbishment_samples", "wait_sum", "wait_count")
PARK_SUMS = ("sample_count", "open_sample_count", "shame_sum", "shame_count", "wait_sum",
             "wait_count", "down_samples", "weighted_down_samples", "operating_samples")


def _summarized_and_raw(db_url):
    """Three parks (one reporting breakdowns as CLOSED): summaries, then the raw window."""
    with connect(db_url) as conn:
        models = _two_parks(db_url) + [m for m in ensure_parks(conn, 3)
                                       if not m.info.closed_means_down][1:2]
    summary = summarize_history(db_url, SUMMARY_FIRST, SUMMARY_LAST, models=models,
                                progress=False)
    with connect(db_url) as conn, conn.cursor() as cur:
        cur.execute("SELECT utc_start FROM calendar_days WHERE local_date = %s",
                    (SUMMARY_LAST + timedelta(days=1),))
        raw_start = cur.fetchone()[0]
    load_demo(db_url, start=raw_start, end=RAW_END, models=models, progress=False)
    return models, summary, raw_start


def _sums(rows_, key, columns) -> dict:
    out: dict = {}
    for r in rows_:
        acc = out.setdefault(key(r), dict.fromkeys(columns, 0) | {"days": 0, "peak": None})
        acc["days"] += 1
        for c in columns:
            acc[c] += r[c]
        if r["peak_wait_minutes"] is not None:
            acc["peak"] = max(acc["peak"] or 0, r["peak_wait_minutes"])
    return out


def test_summarized_days_add_up_and_roll_up(db_url, db):
    models, summary, raw_start = _summarized_and_raw(db_url)
    assert summary.days == (SUMMARY_LAST - SUMMARY_FIRST).days + 1
    ids = {m.park_id for m in models}
    weight = {r["ride_id"]: WEIGHT[r["tier"]] for r in rows(db, "SELECT ride_id, tier FROM rides")}
    parks = rows(db, "SELECT * FROM daily_park_stats ORDER BY stat_date, park_id")
    rides = rows(db, "SELECT * FROM daily_ride_stats ORDER BY stat_date, ride_id")
    summarized = [p for p in parks if p["stat_date"] <= SUMMARY_LAST]
    assert len(summarized) == summary.days * len(ids) == summary.park_rows
    assert summary.ride_rows == sum(1 for r in rides if r["stat_date"] <= SUMMARY_LAST)
    assert {p["park_id"] for p in summarized} == ids
    # Every summarized day of a park: its additive measures are the sums of its rides'.
    by_park_day: dict = {}
    for r in rides:
        by_park_day.setdefault((r["stat_date"], r["park_id"]), []).append(r)
    for p in summarized:
        its = by_park_day[(p["stat_date"], p["park_id"])]
        assert len(its) == len(next(m for m in models if m.park_id == p["park_id"]).rides)
        for c in ADDITIVE:
            assert p[c] == sum(r[c] for r in its), (p, c)
        assert p["weighted_down_samples"] == sum(r["down_samples"] * weight[r["ride_id"]]
                                                 for r in its)
        peaks = [r["peak_wait_minutes"] for r in its if r["peak_wait_minutes"] is not None]
        assert p["peak_wait_minutes"] == (max(peaks) if peaks else None)
        for r in its:  # a ride row per snapshot; each open one in exactly one class
            assert (r["sample_count"], r["open_sample_count"]) == (p["sample_count"],
                                                                   p["open_sample_count"])
            assert (r["operating_samples"] + r["down_samples"] + r["closed_samples"]
                    + r["refurbishment_samples"]) == r["open_sample_count"]
            assert r["wait_count"] <= r["operating_samples"]
        # Every open snapshot has a shame score of 0..10 (the park always has weight).
        assert p["shame_count"] == p["open_sample_count"]
        assert 0 <= p["shame_sum"] <= 10 * p["shame_count"]
        assert p["hours_in_day"] in (23, 24, 25)
        assert 0 < p["sample_count"] <= p["hours_in_day"] * 12
    # Breakdowns and waits in the summaries, at every park open in those weeks (the
    # boardwalk park is closed in winter).
    opened = {p["park_id"] for p in summarized if p["open_sample_count"]}
    assert len(opened) >= 2
    for i in opened:
        its = [p for p in summarized if p["park_id"] == i]
        assert sum(p["down_samples"] for p in its) > 0 and sum(p["wait_count"] for p in its) > 0
    # The years (parks and rides) and the weeks are the sums of their days, summarized and
    # aggregated from raw alike.
    years = _sums(parks, lambda r: (r["stat_date"].year, r["park_id"]), PARK_SUMS)
    stored = rows(db, "SELECT * FROM yearly_park_stats")
    assert {(y["year"], y["park_id"]) for y in stored} == set(years)
    for y in stored:
        e = years[(y["year"], y["park_id"])]
        assert {c: y[c] for c in PARK_SUMS} == {c: e[c] for c in PARK_SUMS}, y
        assert (y["days_covered"], y["peak_wait_minutes"]) == (e["days"], e["peak"])
    ride_years = _sums(rides, lambda r: (r["stat_date"].year, r["ride_id"]), RIDE_SUMS)
    stored = rows(db, "SELECT * FROM yearly_ride_stats")
    assert {(y["year"], y["ride_id"]) for y in stored} == set(ride_years)
    for y in stored:
        e = ride_years[(y["year"], y["ride_id"])]
        assert {c: y[c] for c in RIDE_SUMS} == {c: e[c] for c in RIDE_SUMS}, y
        assert (y["days_covered"], y["peak_wait_minutes"]) == (e["days"], e["peak"])
    weeks = _sums(parks, lambda r: (r["stat_date"] - timedelta(days=(r["stat_date"].weekday()
                                                                     + 1) % 7), r["park_id"]),
                  PARK_SUMS)
    stored = rows(db, "SELECT * FROM weekly_park_stats")
    assert {(w["week_start"], w["park_id"]) for w in stored} == set(weeks)
    for w in stored:
        e = weeks[(w["week_start"], w["park_id"])]
        assert {c: w[c] for c in PARK_SUMS} == {c: e[c] for c in PARK_SUMS}, w
    # The rides' weeks and months likewise (a month from its whole weeks and other days).
    for table, key, of in (
            ("weekly_ride_stats", "week_start",
             lambda d: d - timedelta(days=(d.weekday() + 1) % 7)),
            ("monthly_ride_stats", "month_start", lambda d: d.replace(day=1))):
        expected = _sums(rides, lambda r, of=of: (of(r["stat_date"]), r["ride_id"]), RIDE_SUMS)
        stored = rows(db, f"SELECT * FROM {table}")
        assert {(w[key], w["ride_id"]) for w in stored} == set(expected), table
        for w in stored:
            e = expected[(w[key], w["ride_id"])]
            assert {c: w[c] for c in RIDE_SUMS} == {c: e[c] for c in RIDE_SUMS}, w
            assert (w["days_covered"], w["peak_wait_minutes"]) == (e["days"], e["peak"]), w
    # The bookkeeping says the summarized days have no raw or hourly rows.
    marks = {r["level"]: r["done_through"] for r in rows(
        db, "SELECT level, done_through FROM aggregation_watermarks")}
    assert marks["raw_purged"] == marks["hourly_purged"] == raw_start
    assert scalar(db, "SELECT MIN(recorded_at) FROM park_snapshots") == raw_start
    assert scalar(db, "SELECT MIN(hour_start_utc) FROM hourly_park_stats") == raw_start


def test_summarized_days_stay_as_they_are(db_url, db):
    """The cycle, a backfill over everything, retention and verify leave the summaries alone,
    and verify over the whole range finds nothing to report."""
    _summarized_and_raw(db_url)
    summarized = {  # the rows of summarized days only (the Jan 4 week has raw days too)
        "daily_park_stats": "SELECT * FROM daily_park_stats WHERE stat_date <= %s",
        "daily_ride_stats": "SELECT * FROM daily_ride_stats WHERE stat_date <= %s",
        "weekly_park_stats": "SELECT * FROM weekly_park_stats "
                             "WHERE week_start <= %s - INTERVAL 8 DAY",
        "yearly_park_stats": "SELECT * FROM yearly_park_stats WHERE year < YEAR(%s)",
        "yearly_ride_stats": "SELECT * FROM yearly_ride_stats WHERE year < YEAR(%s)",
        "weekly_ride_stats": "SELECT * FROM weekly_ride_stats "
                             "WHERE week_start <= %s - INTERVAL 8 DAY",
        "monthly_ride_stats": "SELECT * FROM monthly_ride_stats "
                              "WHERE month_start <= LAST_DAY(%s - INTERVAL 1 MONTH)",
    }

    def snapshot():
        return {t: [{k: v for k, v in r.items() if k != "aggregated_at"}
                    for r in rows(db, q + " ORDER BY 1, 2", SUMMARY_LAST)]
                for t, q in summarized.items()}

    before = snapshot()
    assert all(before.values())
    whole = (datetime(2025, 12, 1), RAW_END)
    summary = call(db, "backfill_aggregates", *whole)[-1][0]
    assert summary["failures"] == 0 and summary["hours_skipped"] > 0
    call(db, "run_aggregation")
    call(db, "apply_retention")
    assert snapshot() == before
    verify = call(db, "verify_aggregates", *whole)
    assert verify[0] == []
    assert verify[-1][0]["differences"] == 0
    assert scalar(db, "SELECT COUNT(*) FROM aggregation_job_log WHERE status = 'failed'") == 0


def test_the_api_serves_summarized_periods(db_url, db):
    _summarized_and_raw(db_url)
    client = make_app(db_url, RAW_END).test_client()
    for path in ("/api/parks/downtime?period=last_month", "/api/rides/downtime?period=last_month",
                 "/api/parks/downtime?period=year&year=2025",
                 "/api/rides/downtime?period=year&year=2025",
                 "/api/parks/waittimes?period=last_week",
                 "/api/parks/downtime?period=today", "/api/rides/downtime?period=yesterday"):
        resp = client.get(path)
        assert resp.status_code == 200, path
        assert resp.get_json()["data"], path
    awards = client.get("/api/awards/yearly?year=2025").get_json()["awards"]
    for name in ("least_reliable", "longest_waits", "least_reliable_rides",
                 "longest_wait_rides"):
        assert awards[name], name
    # last_month (December 2025) reads the summarized days: every park with downtime is
    # listed with theirs (down samples x 5 minutes).
    dec = rows(db, "SELECT park_id, down_samples FROM daily_park_stats "
                   "WHERE stat_date BETWEEN '2025-12-01' AND '2025-12-31'")
    down: dict = {}
    for r in dec:
        down[r["park_id"]] = down.get(r["park_id"], 0) + r["down_samples"]
    listed = {p["park_id"]: p["total_downtime_hours"] for p in client.get(
        "/api/parks/downtime?period=last_month").get_json()["data"]}
    assert listed == {park: round(n * 5 / 60, 2) for park, n in down.items() if n}
    assert len(listed) >= 2


def test_summaries_only_before_the_raw_data(db_url, db):
    load_demo(db_url, days=1, end=RAW_END, parks=1, progress=False)
    try:
        summarize_history(db_url, date(2026, 1, 1), date(2026, 1, 7), parks=1, progress=False)
    except ValueError as exc:
        assert "raw snapshots exist from 2026-01-07" in str(exc)
        assert "2026-01-07" in str(exc)
    else:
        raise AssertionError("summaries over raw data were accepted")
