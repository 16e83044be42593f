"""The demo data generator: docs/contract.md section 3 column rules, idempotence, the CLI."""

from datetime import datetime, timedelta

from support import rows, scalar

from parkstats.cli import main as cli_main
from parkstats.demo import PARKS, load_demo

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
    assert "Loaded" in out.out and "snapshots for 2 parks" in out.out
    assert "%" in out.err  # the progress bar
    assert scalar(db, "SELECT COUNT(DISTINCT park_id) FROM park_snapshots") == 2
