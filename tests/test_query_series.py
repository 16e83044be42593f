"""How a time series comes back from the server (webapi.query.series): one row per
entity, its points as one text, read into one list per column; a text cut short is
refused, never read as fewer points. The figures themselves are tested endpoint by
endpoint (test_api_charts, test_api_details) against plain-Python computations."""

from __future__ import annotations

from decimal import Decimal

import pytest

from webapi.db import GROUP_CONCAT_MAX_LEN, Database
from webapi.query.series import _series_of_points


def test_points_become_one_list_per_column_and_totals_a_row_of_their_own():
    found = [{"ride_id": 7, "points": 2, "series": "0 1.5000000000 -,3 0.25 2",
              "value": Decimal("1.75"), "samples": Decimal(2)}]
    read = _series_of_points(found, "ride_id", ["value", "samples"], totals=True, length=4)
    assert read.values == {7: {"value": [Decimal("1.5"), None, None, Decimal("0.25")],
                               "samples": [None, None, None, Decimal(2)]}}
    assert read.buckets == {7: [0, 3]}
    assert read.totals == {7: {"value": Decimal("1.75"), "samples": Decimal(2)}}
    assert read.points(7) == [(0, {"value": Decimal("1.5"), "samples": None}),
                              (3, {"value": Decimal("0.25"), "samples": Decimal(2)})]


def test_a_point_off_the_axis_is_left_out():
    found = [{"ride_id": 7, "points": 2, "series": "1 2,4 3"}]
    read = _series_of_points(found, "ride_id", ["value"], totals=False, length=4)
    assert read.of(7, "value") == [None, Decimal(2), None, None]
    assert read.buckets == {7: [1]} and read.totals == {}


def test_an_entity_without_points_keeps_its_totals():
    found = [{"park_id": 1, "points": 0, "series": None, "value": None}]
    read = _series_of_points(found, "park_id", ["value"], totals=True, length=4)
    assert read.values == {} and read.points(1) == []
    assert read.of(1, "value") == [None] * 4
    assert read.totals == {1: {"value": None}}


def test_a_series_cut_short_is_refused_naming_the_entity():
    found = [{"ride_id": 12, "points": 3, "series": "0 1,1 2"}]
    with pytest.raises(RuntimeError, match=r"ride_id 12 was cut: 2 of 3 points"):
        _series_of_points(found, "ride_id", ["value"], totals=False, length=4)


def test_the_api_sessions_allow_long_series(db_url):
    db = Database(str(db_url), pool_size=1)
    try:
        assert db.query("SELECT @@SESSION.group_concat_max_len AS n")[0]["n"] == \
            GROUP_CONCAT_MAX_LEN
    finally:
        db.close()
