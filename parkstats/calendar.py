"""The calendar of local days, generated with zoneinfo.

The server's time-zone tables are often empty (CONVERT_TZ then returns NULL
silently), so local-day boundaries are computed here, once, and stored in
``calendar_days``: local date -> UTC start, UTC end, hours in the day.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2100, 12, 31)


def calendar_rows(zone_name: str, first: date = FIRST_DAY, last: date = LAST_DAY):
    """Yield (local_date, utc_start, utc_end, hours_in_day, week_start, month_start, year)."""
    zone = ZoneInfo(zone_name)

    def utc_midnight(day: date) -> datetime:
        local = datetime.combine(day, time(0), tzinfo=zone)
        return local.astimezone(UTC).replace(tzinfo=None)

    day = first
    start = utc_midnight(day)
    while day <= last:
        following = day + timedelta(days=1)
        end = utc_midnight(following)
        if start.minute or start.second:
            # Days must be whole UTC hours so that a day is exactly a sum of hourly rows.
            raise ValueError(
                f"time zone {zone_name} starts {day} at {start} UTC, not on a whole hour; "
                "parkstats needs a reporting zone whose offsets are whole hours"
            )
        hours = int((end - start).total_seconds() // 3600)
        week_start = day - timedelta(days=(day.weekday() + 1) % 7)  # Sunday
        yield (day, start, end, hours, week_start, day.replace(day=1), day.year)
        day, start = following, end
