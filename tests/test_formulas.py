"""webapi.formulas: the metric functions expanded in place give what the calls give.

The API writes each stored metric function's RETURN expression into its
statements (a call costs ~5 us a row). These tests check the expansion
against the installed functions themselves, over argument values that
exercise every branch (NULL, zero, negative, fractions, large sums), and that
a re-installed function reaches the API without a restart.
"""

from __future__ import annotations

import itertools
from datetime import datetime

from api_support import make_app

from parkstats.db import connect
from parkstats.migrate import migrate
from webapi.db import Database
from webapi.formulas import FUNCTIONS, Formula, Formulas, expand_calls, read_formulas
from webapi.query.metrics import METRIC_NAMES, metric_sql, ranks_as

VALUES = ("NULL", "0", "1", "-3", "7", "2.5", "0.0000000001", "123456.789", "86400000")


def test_every_metric_function_is_expanded(db_url):
    database = Database(str(db_url), pool_size=1)
    try:
        formulas = read_formulas(database)
    finally:
        database.close()
    assert sorted(formulas) == sorted(FUNCTIONS)
    assert all(f.body is not None for f in formulas.values()), "a metric became a call"


def test_expansion_equals_the_call_for_every_argument(db_url, db):
    database = Database(str(db_url), pool_size=1)
    try:
        formulas = read_formulas(database)
    finally:
        database.close()
    cur = db.cursor()
    for name, formula in formulas.items():
        cases = list(itertools.product(VALUES, repeat=len(formula.parameters)))
        pairs = []
        for args in cases:
            call_sql = f"{name}({', '.join(args)})"
            pairs.append(f"{call_sql}, {expand_calls(call_sql, formulas)}")
        cur.execute("SELECT " + ", ".join(pairs))
        row = cur.fetchone()
        for i, args in enumerate(cases):
            called, expanded = row[2 * i], row[2 * i + 1]
            assert called == expanded, f"{name}{args}: call {called!r}, expanded {expanded!r}"


def test_a_metric_ranked_by_its_measure_orders_and_lists_as_that_measure(db):
    """metrics.ranks_as against the installed formula: for every interval and rounding
    it names a measure at, the metric reads that measure alone, grows strictly with its
    sum, and rounds above 0 (as a positive ranking lists) exactly when the sum is above
    0. Intervals whose one sample rounds to 0 (5 minutes at 0 places, 0 minutes) would
    list fewer rides than their sums: none may name a measure."""
    sums = (0, 1, 2, 3, 11, 12, 13, 1_000, 86_400, 10**9)
    checked = 0
    cur = db.cursor()
    for name in METRIC_NAMES:
        for interval, places in itertools.product((0, 1, 2, 5, 7, 15, 30, 60), (0, 1, 2)):
            measure = ranks_as(name, interval, places)
            if measure is None:
                continue
            read = set()

            def of(value, read=read):
                return lambda m: read.add(m) or str(value)
            metrics = [metric_sql(name, of(s), str(interval)) for s in sums]
            cur.execute("SELECT " + ", ".join(f"{sql}, ROUND({sql}, {places}) > 0"
                                              for sql in metrics))
            row = cur.fetchone()
            values, listed = row[0::2], row[1::2]
            assert read == {measure}, (name, read)
            assert all(a < b for a, b in itertools.pairwise(values)), (name, interval, values)
            assert [bool(x) for x in listed] == [s > 0 for s in sums], (name, interval, places)
            checked += 1
    assert checked, "no metric ranks by a measure"


def test_nested_calls_and_other_text_are_kept():
    f = Formula("avg_wait_of", (("p_a", "DECIMAL(30, 10)"), ("p_b", "SIGNED")),
                "CASE WHEN p_b > 0 THEN p_a / p_b END", "DECIMAL(30, 10)")
    t = Formula("trend_percentage_of", (("p_now", "DECIMAL(30, 10)"),
                                        ("p_before", "DECIMAL(30, 10)")), None, "DECIMAL(30, 10)")
    sql = "SELECT x, trend_percentage_of(avg_wait_of(SUM(a), MAX(b)), 2) AS t FROM y"
    out = expand_calls(sql, {f.name: f, t.name: t})
    assert out == ("SELECT x, trend_percentage_of(CAST((CASE WHEN CAST((MAX(b)) AS SIGNED) > 0 "
                   "THEN CAST((SUM(a)) AS DECIMAL(30, 10)) / CAST((MAX(b)) AS SIGNED) END) "
                   "AS DECIMAL(30, 10)), 2) AS t FROM y")


def test_a_reinstalled_formula_reaches_the_api(fresh_db_url):
    """Change shame_score_of (as an installer re-run would) and the API follows it
    as soon as its planning state is re-read, with no restart."""
    migrate(fresh_db_url, say=lambda _line: None)
    database = Database(str(fresh_db_url), pool_size=1)
    formulas = Formulas()
    sql = "SELECT shame_score_of(10, 4) AS s"
    try:
        with connect(fresh_db_url) as conn, conn.cursor() as cur:
            cur.execute("SELECT COALESCE(SUM(version), 0) FROM routine_versions")
            before = cur.fetchone()[0]
            assert database.query(formulas.expand(database, sql, before))[0]["s"] == 2.5
            cur.execute("DROP FUNCTION shame_score_of")
            cur.execute("CREATE FUNCTION shame_score_of(p_shame_sum DECIMAL(30, 10), "
                        "p_shame_count BIGINT) RETURNS DECIMAL(30, 10) DETERMINISTIC NO SQL "
                        "RETURN p_shame_sum * 2 / p_shame_count")
            cur.execute("UPDATE routine_versions SET version = version + 1 "
                        "WHERE routine_name = 'shame_score_of'")
            # Same version: the expansion in hand is used.
            assert database.query(formulas.expand(database, sql, before))[0]["s"] == 2.5
            assert database.query(formulas.expand(database, sql, before + 1))[0]["s"] == 5
    finally:
        database.close()


def test_the_planning_state_changes_with_the_routines(db_url, db):
    """The routines' version that the expansion is keyed on moves on a re-install."""
    app = make_app(db_url, datetime(2026, 7, 1, 19), PLAN_SECONDS=0)
    svc = app.extensions["parkstats"]
    before = svc.plans.get(svc.read_db, svc.calendar, False, ())
    with db.cursor() as cur:
        cur.execute("UPDATE routine_versions SET version = version + 1 "
                    "WHERE routine_name = 'avg_wait_of'")
    try:
        after = svc.plans.get(svc.read_db, svc.calendar, False, ())
        assert after.routines != before.routines
    finally:
        with db.cursor() as cur:
            cur.execute("UPDATE routine_versions SET version = version - 1 "
                        "WHERE routine_name = 'avg_wait_of'")
