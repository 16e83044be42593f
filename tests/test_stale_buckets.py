"""The view stale_buckets: the one statement of "a queued hour makes its local day
and that day's year stale; a queued day its year", read by the cycle and the API.
Compared with the rule computed in plain Python (tests/test_query_spans.stale_of,
local days from zoneinfo) over random queues around DST changes and year ends."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from support import rows, scalar
from test_query_spans import stale_of

from webapi.query.spans import Stale
from webapi.query.state import stale_from_rows

EDGES = (datetime(2026, 1, 1, 7), datetime(2026, 1, 1, 8), datetime(2026, 3, 8, 9),
         datetime(2026, 3, 8, 10), datetime(2026, 11, 1, 8), datetime(2026, 11, 1, 9),
         datetime(2026, 12, 31, 23), datetime(2027, 1, 1, 7))


def queue(db, buckets) -> None:
    with db.cursor() as cur:
        cur.executemany(
            "INSERT IGNORE INTO aggregation_queue "
            "(level, period_start, queued_at, next_attempt_at) "
            "VALUES (%s, %s, UTC_TIMESTAMP(), UTC_TIMESTAMP())", buckets)


def test_the_view_states_the_rule_the_api_plans_with(db):
    rnd = random.Random(11)
    for _ in range(6):
        with db.cursor() as cur:
            cur.execute("DELETE FROM aggregation_queue")
        hours = [edge + timedelta(hours=rnd.choice((-1, 0, 0, 1))) for edge in
                 rnd.sample(EDGES, 4)] + [datetime(2026, rnd.randint(1, 12), rnd.randint(1, 28),
                                                   rnd.randint(0, 23))]
        days = [datetime(2026, rnd.randint(1, 12), rnd.randint(1, 28))]
        years = [datetime(2025, 1, 1)] if rnd.random() < 0.5 else []
        buckets = ([("hourly", h) for h in hours] + [("daily", d) for d in days]
                   + [("yearly", y) for y in years])
        queue(db, buckets)
        stale = stale_from_rows(rows(db, "SELECT level, period_start FROM stale_buckets"))
        assert stale == stale_of(buckets)


def test_an_hour_just_before_midnight_utc_marks_the_previous_local_year():
    # 07:00 UTC on Jan 1, 2027 is 23:00 PST on Dec 31, 2026.
    assert stale_of([("hourly", datetime(2027, 1, 1, 7))]) == Stale(
        frozenset({datetime(2027, 1, 1, 7)}), frozenset({datetime(2026, 12, 31).date()}),
        frozenset({2026}))


def test_a_day_with_a_queued_hour_waits_for_it(db):
    """The cycle reads the same view: a day is not ready while an hour of it is queued,
    and a queued day alone does not hold itself back."""
    with db.cursor() as cur:
        cur.execute("UPDATE aggregation_watermarks SET done_through = '2026-12-01' "
                    "WHERE level = 'hourly'")
    assert scalar(db, "SELECT aggregation_day_ready('2026-11-01')") == 1
    queue(db, [("daily", datetime(2026, 11, 1))])
    assert scalar(db, "SELECT aggregation_day_ready('2026-11-01')") == 1
    queue(db, [("hourly", datetime(2026, 11, 2, 7))])  # 23:00 PST on Nov 1 (25-hour day)
    assert scalar(db, "SELECT aggregation_day_ready('2026-11-01')") == 0
    assert scalar(db, "SELECT aggregation_day_ready('2026-11-02')") == 1
