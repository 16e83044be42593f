"""calendar_days: local days of America/Los_Angeles, from zoneinfo."""

from datetime import date, datetime, timedelta

import pytest
from support import rows, scalar

from parkstats.calendar import calendar_rows


@pytest.mark.parametrize(("local_date", "utc_start", "utc_end", "hours"), [
    ("2026-03-08", "2026-03-08 08:00:00", "2026-03-09 07:00:00", 23),  # spring forward
    ("2026-11-01", "2026-11-01 07:00:00", "2026-11-02 08:00:00", 25),  # fall back
    ("2026-11-24", "2026-11-24 08:00:00", "2026-11-25 08:00:00", 24),
    ("2026-07-04", "2026-07-04 07:00:00", "2026-07-05 07:00:00", 24),
])
def test_day_boundaries(db, local_date, utc_start, utc_end, hours):
    (day,) = rows(db, "SELECT utc_start, utc_end, hours_in_day FROM calendar_days "
                      "WHERE local_date = %s", local_date)
    assert (str(day["utc_start"]), str(day["utc_end"]), day["hours_in_day"]) == \
        (utc_start, utc_end, hours)


def test_weeks_months_years(db):
    (day,) = rows(db, "SELECT week_start, month_start, year FROM calendar_days "
                      "WHERE local_date = '2026-11-24'")
    assert day == {"week_start": date(2026, 11, 22), "month_start": date(2026, 11, 1),
                   "year": 2026}


def test_days_tile_time_without_gaps(db):
    assert scalar(db, "SELECT COUNT(*) FROM calendar_days") == \
        (date(2100, 12, 31) - date(2000, 1, 1)).days + 1
    # Each day ends where the next begins.
    assert scalar(db, """
        SELECT COUNT(*)
          FROM calendar_days AS d
          JOIN calendar_days AS n
            ON n.local_date = d.local_date + INTERVAL 1 DAY
         WHERE n.utc_start <> d.utc_end""") == 0
    assert scalar(db, "SELECT COUNT(*) FROM calendar_days WHERE hours_in_day = 23 "
                      "AND year = 2026") == 1
    assert scalar(db, "SELECT COUNT(*) FROM calendar_days WHERE hours_in_day = 25 "
                      "AND year = 2026") == 1


def test_zones_with_half_hour_offsets_are_refused():
    with pytest.raises(ValueError, match="whole hour"):
        list(calendar_rows("Asia/Kolkata", date(2026, 1, 1), date(2026, 1, 2)))


def test_other_zone_generation():
    (day,) = calendar_rows("Europe/Berlin", date(2026, 3, 29), date(2026, 3, 29))
    assert day[1:4] == (datetime(2026, 3, 28, 23), datetime(2026, 3, 29, 22), 23)
    assert day[1] + timedelta(hours=day[3]) == day[2]
