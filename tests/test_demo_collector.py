"""The live collector simulation: record_park_snapshot() per park, gap filling."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from support import call, rows, scalar

from parkstats.collector import Collector, floor_slot, ride_statuses, run_collector, utcnow
from parkstats.db import connect
from parkstats.demo import load_demo, load_models, summarize_history

PARKS = 3


def test_collector_continues_the_history_without_gaps(db_url, db):
    now = utcnow()
    slot = floor_slot(now)
    history_end = slot - timedelta(minutes=40)
    load_demo(db_url, days=2, end=history_end, parks=PARKS, progress=False)
    collector = Collector(db_url, say=lambda _line: None)
    try:
        filled = collector.catch_up(now)  # the 35 minutes since the history ended
        line = collector.collect(slot)  # then the current slot, through the procedure
    finally:
        collector.close()
    assert filled == PARKS * 7
    assert f"{PARKS} parks recorded" in line
    # Every 5-minute slot since the history ended is there, for every park, once.
    got = rows(db, "SELECT recorded_at, COUNT(*) AS n FROM park_snapshots "
                   "WHERE recorded_at > %s GROUP BY recorded_at ORDER BY recorded_at",
               history_end)
    assert [r["recorded_at"] for r in got] == [history_end + timedelta(minutes=5 * i)
                                             for i in range(1, 9)]
    assert all(r["n"] == PARKS for r in got)
    # The filled slots have their ride rows too, every ride once, and each park row is the
    # sum of its ride rows' classes.
    for snap in rows(db, "SELECT * FROM park_snapshots WHERE recorded_at > %s", history_end):
        classes = [r["ride_class"] for r in rows(
            db, "SELECT ride_class FROM ride_snapshots WHERE park_id = %s AND recorded_at = %s",
            snap["park_id"], snap["recorded_at"])]
        assert len(classes) == snap["rides_total"] > 0
        for cls in ("operating", "down", "closed", "refurbishment"):
            assert snap[f"rides_{cls}"] == classes.count(cls)
    # The collected snapshot went through record_park_snapshot (ride detail kept)
    # and agrees with its own ride list.
    for snap in rows(db, "SELECT * FROM park_snapshots WHERE recorded_at = %s", slot):
        items = rows(db, "SELECT status, wait_minutes FROM ride_snapshots "
                         "WHERE park_id = %s AND recorded_at = %s", snap["park_id"], slot)
        assert len(items) == snap["rides_total"] == scalar(
            db, "SELECT COUNT(*) FROM rides WHERE park_id = %s", snap["park_id"])
        statuses = [i["status"] for i in items]
        assert snap["rides_operating"] == statuses.count("OPERATING")
        assert snap["rides_refurbishment"] == statuses.count("REFURBISHMENT")
        if not snap["park_open"]:
            assert set(statuses) <= {"CLOSED", "REFURBISHMENT"}
            assert snap["rides_operating"] == 0
        waits = [i["wait_minutes"] for i in items
                 if i["status"] == "OPERATING" and i["wait_minutes"]]
        assert snap["rides_reporting"] == len(waits)
    # No bulk flag: nothing is hidden from the scheduler.
    assert scalar(db, "SELECT COUNT(*) FROM aggregation_job_log WHERE status = 'failed'") == 0


def test_open_park_statuses_are_plausible(db_url, db):
    load_demo(db_url, days=1, end=floor_slot(utcnow()), parks=1, aggregate=False,
              progress=False)
    with connect(db_url) as conn:
        model = load_models(conn)[0]  # Magic Kingdom, open every day
    day = floor_slot(utcnow()).date() - timedelta(days=3)
    plan = model.day_plan(day, ZoneInfo("America/Los_Angeles"))
    at = plan.open_at + timedelta(hours=5)
    park_open, items = ride_statuses(model, at, plan)
    assert park_open == 1
    statuses = [i["status"] for i in items]
    assert statuses.count("OPERATING") > len(items) // 2
    assert all(i["wait_minutes"] is None or (i["wait_minutes"] >= 5
                                             and i["wait_minutes"] % 5 == 0) for i in items)
    assert any(i["wait_minutes"] for i in items)
    closed_open, closed_items = ride_statuses(model, plan.close_at + timedelta(hours=1), plan)
    assert closed_open == 0
    assert {i["status"] for i in closed_items} <= {"CLOSED", "REFURBISHMENT"}


def test_run_collector_once(db_url, db, capsys):
    load_demo(db_url, days=1, end=floor_slot(utcnow()) - timedelta(minutes=5), parks=2,
              aggregate=False, progress=False)
    run_collector(db_url, once=True)
    out = capsys.readouterr().out
    assert "2 parks recorded" in out
    assert scalar(db, "SELECT COUNT(DISTINCT park_id, recorded_at) FROM ride_snapshots") >= 2


def test_collector_continues_after_summarized_history(db_url, db):
    """make run's first load: summaries up to the raw window, the window raw, then the
    collector; the scheduled cycle and verify leave the summaries as they are."""
    now = utcnow()
    slot = floor_slot(now)
    zone = ZoneInfo("America/Los_Angeles")
    today = now.replace(tzinfo=ZoneInfo("UTC")).astimezone(zone).date()
    raw_first = today - timedelta(days=1)
    summary = summarize_history(db_url, raw_first - timedelta(days=10),
                                raw_first - timedelta(days=1), parks=PARKS, progress=False)
    raw_start = scalar(db, "SELECT utc_start FROM calendar_days WHERE local_date = %s",
                       raw_first)
    load_demo(db_url, start=raw_start, end=slot - timedelta(minutes=40), parks=PARKS,
              progress=False)
    daily = "SELECT * FROM daily_park_stats WHERE stat_date < %s ORDER BY stat_date, park_id"
    before = rows(db, daily, raw_first)
    assert len(before) == summary.days * PARKS
    collector = Collector(db_url, say=lambda _line: None)
    try:
        assert collector.catch_up(now) == PARKS * 7
        assert f"{PARKS} parks recorded" in collector.collect(slot)
    finally:
        collector.close()
    call(db, "run_aggregation")
    assert rows(db, daily, raw_first) == before
    verify = call(db, "verify_aggregates", raw_start - timedelta(days=11), slot)
    assert verify[0] == []
    assert scalar(db, "SELECT COUNT(*) FROM aggregation_job_log WHERE status = 'failed'") == 0
