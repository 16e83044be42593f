"""The span planner (webapi.query.spans), in pure Python: no database.

Local days come from zoneinfo here (the API reads them from calendar_days), in
the reporting zone America/Los_Angeles, whose days are 23 hours on the second
Sunday of March and 25 hours on the first Sunday of November.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from webapi.calendar import Day
from webapi.periods import Span, resolve, year_span
from webapi.query.spans import Progress, Read, Stale, YearRows, plan_span
from webapi.query.vocabulary import PARKS, REQUIRED, RIDES, Level

ZONE = ZoneInfo("America/Los_Angeles")
PARK_LEVELS = PARKS.levels
# What rides will have at first: no weekly and no running rows.
RIDE_LEVELS = frozenset({Level.YEARLY, Level.DAILY, Level.HOURLY, Level.RAW})
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


class ZoneCalendar:
    """calendar_days computed with zoneinfo: what webapi.calendar.Calendar serves."""

    def local_date(self, instant: datetime) -> date:
        return instant.replace(tzinfo=UTC).astimezone(ZONE).date()

    def utc_start(self, day: date) -> datetime:
        return datetime.combine(day, time(0), tzinfo=ZONE).astimezone(UTC).replace(tzinfo=None)

    def day(self, d: date) -> Day:
        start, end = self.utc_start(d), self.utc_start(d + DAY)
        return Day(d, start, end, int((end - start) / HOUR),
                   d - timedelta(days=(d.weekday() + 1) % 7), d.replace(day=1), d.year)

    def day_containing(self, instant: datetime) -> Day:
        return self.day(self.local_date(instant))

    def days(self, *dates: date) -> dict[date, Day]:
        return {d: self.day(d) for d in dates}


CAL = ZoneCalendar()


def day_span(first: date, end: date | None = None) -> Span:
    end = end or first + DAY
    return Span(first, end, CAL.utc_start(first), CAL.utc_start(end))


def utc(read: Read) -> list[tuple[datetime, datetime]]:
    """The UTC intervals a read covers: its ranges minus its skipped buckets."""
    if read.level in (Level.HOURLY, Level.RAW):
        ranges, size = list(read.ranges), HOUR
        skipped = [(h, h + size) for h in read.skipped]
    else:
        ranges = [(CAL.utc_start(a), CAL.utc_start(b)) for a, b in read.ranges]
        skipped = [(CAL.utc_start(d), CAL.utc_start(d + DAY)) for d in read.skipped]
    out = []
    for start, end in ranges:
        cuts = sorted(s for s in skipped if start <= s[0] < end)
        for cut_start, cut_end in cuts:
            if cut_start > start:
                out.append((start, cut_start))
            start = cut_end
        if end > start:
            out.append((start, end))
    return out


def check_cover(span: Span, now: datetime, reads: list[Read], progress: Progress,
                levels=PARK_LEVELS) -> None:
    """The reads are disjoint and cover exactly [utc_start, min(utc_end, now + 1 s));
    only the running row of the day now cuts reaches past it. No read uses a level
    the entity lacks, nor a stale bucket at its own level."""
    end = min(span.utc_end, now + timedelta(seconds=1))
    pieces = sorted((interval, read.level) for read in reads for interval in utc(read))
    for (a, _), (b, _) in zip(pieces, pieces[1:], strict=False):
        assert a[1] <= b[0], f"overlap {a} {b}"
    cursor = span.utc_start
    for (start, stop), level in pieces:
        assert start == cursor, f"gap or misplaced read at {cursor}: {reads}"
        if stop > end:
            assert level is Level.RUNNING and start < end
            assert stop == CAL.utc_start(CAL.local_date(now) + DAY)
            assert progress.newest_snapshot is None or progress.newest_snapshot < end
        cursor = stop
    assert cursor >= end if pieces else end <= span.utc_start
    stale = progress.stale
    for read in reads:
        assert read.level in levels
        if read.level is Level.YEARLY:
            assert span.year is not None and span.year not in stale.years
        elif read.level in (Level.MONTHLY, Level.WEEKLY, Level.DAILY):
            for a, b in read.ranges:
                used = [d for d in stale.days if a <= d < b and d not in read.skipped]
                assert not used, (read, used)
        elif read.level is Level.HOURLY:
            for a, b in read.ranges:
                used = [h for h in stale.hours if a <= h < b and h not in read.skipped]
                assert not used, (read, used)


def levels_of(reads) -> list[Level]:
    return [read.level for read in reads]


def read(reads, level) -> Read:
    (found,) = [r for r in reads if r.level is level]
    return found


# -- local days of 23 and 25 hours ------------------------------------------------------

@pytest.mark.parametrize("day, hours", [(date(2026, 3, 8), 23), (date(2026, 11, 1), 25),
                                        (date(2026, 6, 1), 24)])
def test_a_local_day_is_read_as_its_own_utc_hours(day, hours):
    span = day_span(day)
    now = CAL.utc_start(day + 2 * DAY) + 3 * HOUR
    # Hours aggregated, the day not yet, and no running rows (rides): all from hours.
    progress = Progress(hourly=now.replace(minute=0), daily=day)
    reads = plan_span(span, now=now, progress=progress, levels=RIDE_LEVELS, days=CAL)
    assert levels_of(reads) == [Level.HOURLY]
    ((start, end),) = read(reads, Level.HOURLY).ranges
    assert (end - start) == hours * HOUR
    check_cover(span, now, reads, progress, RIDE_LEVELS)
    # A stale day is read from its hours, whatever their number.
    progress = Progress(hourly=now.replace(minute=0), daily=day + DAY,
                        stale=stale_of([("daily", datetime.combine(day, time(0)))], CAL))
    reads = plan_span(span, now=now, progress=progress, levels=PARK_LEVELS, days=CAL)
    assert levels_of(reads) == [Level.DAILY, Level.HOURLY]
    assert read(reads, Level.DAILY).skipped == (day,)
    assert read(reads, Level.HOURLY).ranges == ((CAL.utc_start(day), CAL.utc_start(day + DAY)),)
    check_cover(span, now, reads, progress)


def test_today_up_to_now_on_the_short_day():
    now = datetime(2026, 3, 8, 20, 10)  # 13:10 PDT; the day began at 08:00 UTC (PST)
    span = day_span(date(2026, 3, 8))
    progress = Progress(hourly=datetime(2026, 3, 8, 20), daily=date(2026, 3, 8),
                        newest_snapshot=now + timedelta(seconds=40))  # a clock ahead
    reads = plan_span(span, now=now, progress=progress, levels=PARK_LEVELS, days=CAL)
    # A snapshot after now: today from hours and snapshots up to now, not its running row.
    assert levels_of(reads) == [Level.HOURLY, Level.RAW]
    assert read(reads, Level.HOURLY).ranges == ((datetime(2026, 3, 8, 8),
                                                 datetime(2026, 3, 8, 20)),)
    assert read(reads, Level.RAW).ranges == ((datetime(2026, 3, 8, 20),
                                              now + timedelta(seconds=1)),)
    check_cover(span, now, reads, progress)
    # Otherwise its running row, which holds every snapshot of the day.
    progress = Progress(hourly=datetime(2026, 3, 8, 20), daily=date(2026, 3, 8),
                        newest_snapshot=now)
    reads = plan_span(span, now=now, progress=progress, levels=PARK_LEVELS, days=CAL)
    assert reads == [Read(Level.RUNNING, ((date(2026, 3, 8), date(2026, 3, 9)),))]
    check_cover(span, now, reads, progress)


# -- month and year ends -----------------------------------------------------------------

def test_last_month_across_the_year_end_reads_its_whole_weeks_from_weekly_rows():
    now = datetime(2027, 1, 5, 18)  # Tue Jan 5, 2027, 10:00 PST
    _label, span, previous = resolve(CAL, "last_month", now)
    assert (span.first_date, span.end_date) == (date(2026, 12, 1), date(2027, 1, 1))
    progress = Progress(hourly=datetime(2027, 1, 5, 18), daily=date(2027, 1, 5))
    reads = plan_span(span, now=now, progress=progress, levels=PARK_LEVELS, days=CAL)
    assert levels_of(reads) == [Level.WEEKLY, Level.DAILY]
    # Sundays Dec 6, 13, 20 (Dec 27 - Jan 2 crosses the month end: its days are daily rows).
    assert [a for a, _ in read(reads, Level.WEEKLY).ranges] == [
        date(2026, 12, 6), date(2026, 12, 13), date(2026, 12, 20)]
    assert read(reads, Level.DAILY).ranges == ((date(2026, 12, 1), date(2026, 12, 6)),
                                               (date(2026, 12, 27), date(2027, 1, 1)))
    check_cover(span, now, reads, progress)
    # The entity without weekly rows reads the same days from daily rows.
    reads = plan_span(span, now=now, progress=progress, levels=RIDE_LEVELS, days=CAL)
    assert reads == [Read(Level.DAILY, ((date(2026, 12, 1), date(2027, 1, 1)),))]
    check_cover(previous, now, plan_span(previous, now=now, progress=progress,
                                         levels=PARK_LEVELS, days=CAL), progress)


def test_a_past_year_from_yearly_rows_and_the_current_one_up_to_now():
    now = datetime(2027, 1, 1, 9, 30)  # Jan 1, 2027, 01:30 PST
    progress = Progress(hourly=datetime(2027, 1, 1, 9), daily=date(2027, 1, 1),
                        newest_snapshot=datetime(2027, 1, 1, 9, 25),
                        years={2026: YearRows(80, date(2026, 12, 31), date(2026, 12, 31))})
    past = year_span(CAL, 2026)
    reads = plan_span(past, now=now, progress=progress, levels=PARK_LEVELS, days=CAL)
    assert reads == [Read(Level.YEARLY, ((date(2026, 1, 1), date(2027, 1, 1)),))]
    check_cover(past, now, reads, progress)
    current = year_span(CAL, 2027)
    reads = plan_span(current, now=now, progress=progress, levels=PARK_LEVELS, days=CAL)
    assert reads == [Read(Level.RUNNING, ((date(2027, 1, 1), date(2027, 1, 2)),))]
    check_cover(current, now, reads, progress)
    # A year without yearly rows: weeks and days.
    bare = Progress(hourly=progress.hourly, daily=progress.daily)
    reads = plan_span(past, now=now, progress=bare, levels=PARK_LEVELS, days=CAL)
    assert levels_of(reads) == [Level.WEEKLY, Level.DAILY]
    weeks = read(reads, Level.WEEKLY).ranges  # Sun Jan 4 to Sat Dec 26: 51 weeks
    assert (len(weeks), weeks[0][0], weeks[-1][1]) == (51, date(2026, 1, 4), date(2026, 12, 27))
    assert read(reads, Level.DAILY).ranges == ((date(2026, 1, 1), date(2026, 1, 4)),
                                               (date(2026, 12, 27), date(2027, 1, 1)))
    check_cover(past, now, reads, bare)


# -- stale buckets -----------------------------------------------------------------------

def stale_of(queued, days=None) -> Stale:
    """The stale buckets of the queued (level, period_start) pairs, by the rule the
    database view stale_buckets states (tests/test_stale_buckets.py compares the two):
    a queued hour makes its hour, local day and that day's year stale; a queued day its
    day and year; a queued year its year."""
    days = days or CAL
    hours, stale_days, years = set(), set(), set()
    for level, start in queued:
        if level == "hourly":
            hours.add(start)
            stale_days.add(days.local_date(start))
        elif level == "daily":
            stale_days.add(start.date())
        else:
            years.add(start.year)
    return Stale(frozenset(hours), frozenset(stale_days),
                 frozenset(years | {day.year for day in stale_days}))


def test_a_stale_hour_is_read_raw_its_day_from_hours_its_year_from_weeks_and_days():
    now = datetime(2027, 2, 10, 20)
    hour = datetime(2027, 1, 1, 7)
    progress = Progress(hourly=datetime(2027, 2, 10, 20), daily=date(2027, 2, 10),
                        years={2026: YearRows(80, date(2026, 12, 31), date(2026, 12, 31))},
                        stale=stale_of([("hourly", hour)], CAL))
    span = year_span(CAL, 2026)
    reads = plan_span(span, now=now, progress=progress, levels=PARK_LEVELS, days=CAL)
    assert levels_of(reads) == [Level.WEEKLY, Level.DAILY, Level.HOURLY, Level.RAW]
    assert date(2026, 12, 27) not in [a for a, _ in read(reads, Level.WEEKLY).ranges]
    assert read(reads, Level.DAILY).skipped == (date(2026, 12, 31),)
    hourly = read(reads, Level.HOURLY)
    assert hourly.ranges == ((datetime(2026, 12, 31, 8), datetime(2027, 1, 1, 8)),)
    assert hourly.skipped == (hour,)
    assert read(reads, Level.RAW).ranges == ((hour, hour + HOUR),)
    check_cover(span, now, reads, progress)
    # The next year is not stale: its days after Jan 1 come from daily rows as usual.
    january = resolve(CAL, "last_month", now)[1]
    reads = plan_span(january, now=now, progress=progress, levels=PARK_LEVELS, days=CAL)
    assert Level.HOURLY not in levels_of(reads)
    check_cover(january, now, reads, progress)


def test_a_stale_hour_of_a_running_day_is_read_from_its_running_row():
    now = datetime(2026, 6, 3, 20)
    hour = datetime(2026, 6, 3, 9)  # today (June 3, 02:00 PDT), already aggregated
    progress = Progress(hourly=datetime(2026, 6, 3, 20), daily=date(2026, 6, 3),
                        newest_snapshot=now, stale=stale_of([("hourly", hour)], CAL))
    span = day_span(date(2026, 6, 3))
    reads = plan_span(span, now=now, progress=progress, levels=PARK_LEVELS, days=CAL)
    assert reads == [Read(Level.RUNNING, ((date(2026, 6, 3), date(2026, 6, 4)),))]
    # Without running rows, its hours minus the stale one, which is read raw.
    reads = plan_span(span, now=now, progress=progress, levels=RIDE_LEVELS, days=CAL)
    assert read(reads, Level.HOURLY).skipped == (hour,)
    assert read(reads, Level.RAW).ranges == ((hour, hour + HOUR),
                                             (datetime(2026, 6, 3, 20), now + timedelta(seconds=1)))
    check_cover(span, now, reads, progress, RIDE_LEVELS)


# -- watermarks behind, empty tail --------------------------------------------------------

def test_days_from_a_daily_watermark_behind_come_from_running_rows():
    now = datetime(2026, 6, 10, 18)  # Wed 11:00 PDT
    _label, span, _previous = resolve(CAL, "last_week", now)  # May 31 - June 6
    progress = Progress(hourly=datetime(2026, 6, 10, 18), daily=date(2026, 6, 4))
    reads = plan_span(span, now=now, progress=progress, levels=PARK_LEVELS, days=CAL)
    assert reads == [Read(Level.DAILY, ((date(2026, 5, 31), date(2026, 6, 4)),)),
                     Read(Level.RUNNING, ((date(2026, 6, 4), date(2026, 6, 7)),))]
    check_cover(span, now, reads, progress)
    # Without running rows: hours up to the hourly watermark, then snapshots.
    progress = Progress(hourly=datetime(2026, 6, 5, 3), daily=date(2026, 6, 4))
    reads = plan_span(span, now=now, progress=progress, levels=RIDE_LEVELS, days=CAL)
    assert reads[1:] == [
        Read(Level.HOURLY, ((datetime(2026, 6, 4, 7), datetime(2026, 6, 5, 3)),)),
        Read(Level.RAW, ((datetime(2026, 6, 5, 3), datetime(2026, 6, 7, 7)),))]
    check_cover(span, now, reads, progress, RIDE_LEVELS)
    # Nothing aggregated yet: the whole span raw.
    progress = Progress(hourly=None, daily=None)
    reads = plan_span(span, now=now, progress=progress, levels=RIDE_LEVELS, days=CAL)
    assert reads == [Read(Level.RAW, ((span.utc_start, span.utc_end),))]


def test_nothing_after_now_and_no_tail_once_everything_is_aggregated():
    now = datetime(2026, 6, 10, 18)
    progress = Progress(hourly=datetime(2026, 6, 10, 18), daily=date(2026, 6, 10))
    tomorrow = day_span(date(2026, 6, 11))
    assert plan_span(tomorrow, now=now, progress=progress, levels=PARK_LEVELS, days=CAL) == []
    yesterday = day_span(date(2026, 6, 9))
    for levels in (PARK_LEVELS, RIDE_LEVELS):
        reads = plan_span(yesterday, now=now, progress=progress, levels=levels, days=CAL)
        assert reads == [Read(Level.DAILY, ((date(2026, 6, 9), date(2026, 6, 10)),))]


def test_an_entity_lacking_a_required_level_is_refused():
    with pytest.raises(ValueError):
        plan_span(day_span(date(2026, 6, 9)), now=datetime(2026, 6, 10), levels=PARK_LEVELS
                  - {Level.HOURLY}, progress=Progress(None, None), days=CAL)


# -- every period, and random progress ---------------------------------------------------

PERIODS = ("today", "yesterday", "last_week", "last_month", "year")
NOWS = (datetime(2026, 3, 8, 9, 30), datetime(2026, 11, 1, 8, 30), datetime(2027, 1, 1, 8, 5),
        datetime(2026, 12, 31, 23, 59, 59), datetime(2026, 7, 15, 12))


@pytest.mark.parametrize("period", PERIODS)
def test_each_period_fully_aggregated_reads_no_hour_and_no_snapshot_before_today(period):
    for now in NOWS:
        today = CAL.local_date(now)
        progress = Progress(hourly=now.replace(minute=0, second=0), daily=today,
                            newest_snapshot=now,
                            years={y: YearRows(80, date(y, 12, 31), date(y, 12, 31))
                                   for y in range(2024, 2028)})
        _label, current, previous = resolve(CAL, period, now)
        for span in (current, previous):
            reads = plan_span(span, now=now, progress=progress, levels=PARK_LEVELS, days=CAL)
            check_cover(span, now, reads, progress)
            assert not {Level.HOURLY, Level.RAW} & set(levels_of(reads)), (period, now, reads)


def _random_progress(rnd: random.Random, now: datetime) -> Progress:
    """Consistent progress: the daily watermark's day begins at or before the hourly one."""
    hourly = None if rnd.random() < 0.1 else (
        now.replace(minute=0, second=0) - HOUR * rnd.choice([0, 0, 1, 2, 5, 30, 24 * 40]))
    daily = None
    if hourly is not None and rnd.random() < 0.9:
        daily = CAL.local_date(hourly) - DAY * rnd.choice([0, 0, 1, 3, 9, 400])
        if CAL.utc_start(daily) > hourly:
            daily -= DAY
    hours = set()
    if hourly is not None:
        for _ in range(rnd.choice([0, 0, 1, 3, 8])):
            hours.add(hourly - HOUR * rnd.randrange(1, 24 * 500))
    queued = [("hourly", h) for h in hours]
    if daily is not None:
        queued += [("daily", datetime.combine(daily - DAY * rnd.randrange(1, 400), time(0)))
                   for _ in range(rnd.choice([0, 0, 0, 2]))]
    newest = None if rnd.random() < 0.1 else now + timedelta(
        seconds=rnd.choice([-600, -5, 0, 1, 30, 59]))
    years = {y: YearRows(rnd.randint(1, 80), date(y, 11, 30), date(y, 12, rnd.randint(1, 31)))
             for y in range(2024, 2028) if rnd.random() < 0.7}
    return Progress(hourly, daily, newest, years, stale_of(queued, CAL))


def test_random_progress_every_period_is_covered_exactly_once():
    rnd = random.Random(12)
    start = datetime(2025, 1, 1)
    for _ in range(400):
        now = start + timedelta(seconds=rnd.randrange(int(3 * 365.25 * 86400)))
        progress = _random_progress(rnd, now)
        levels = rnd.choice([PARK_LEVELS, RIDE_LEVELS, RIDES.levels, REQUIRED,
                             REQUIRED | {Level.WEEKLY}, REQUIRED | {Level.RUNNING},
                             REQUIRED | {Level.MONTHLY}])
        period = rnd.choice(PERIODS)
        _label, current, previous = resolve(CAL, period, now)
        for span in (current, previous):
            reads = plan_span(span, now=now, progress=progress, levels=levels, days=CAL)
            check_cover(span, now, reads, progress, levels)


# -- monthly rows (rides) ----------------------------------------------------------------

RIDE_MONTHS = frozenset(RIDES.levels) - {Level.RUNNING}  # running rows play no part here


def test_rides_read_a_whole_clean_month_from_monthly_rows_parks_keep_weeks_and_days():
    now = datetime(2026, 12, 5, 20)  # Sat Dec 5, 2026, 12:00 PST
    progress = Progress(hourly=datetime(2026, 12, 5, 20), daily=date(2026, 12, 5))
    _label, span, previous = resolve(CAL, "last_month", now)
    assert (span.first_date, span.end_date) == (date(2026, 11, 1), date(2026, 12, 1))
    # November holds the 25-hour day (Nov 1): one monthly row a ride.
    for s, month in ((span, date(2026, 11, 1)), (previous, date(2026, 10, 1))):
        reads = plan_span(s, now=now, progress=progress, levels=RIDES.levels, days=CAL)
        assert reads == [Read(Level.MONTHLY, ((month, s.end_date),))]
        check_cover(s, now, reads, progress, RIDES.levels)
    # Parks (no monthly rows) as before: whole weeks, the other days.
    reads = plan_span(span, now=now, progress=progress, levels=PARK_LEVELS, days=CAL)
    assert levels_of(reads) == [Level.WEEKLY, Level.DAILY]
    assert [a for a, _ in read(reads, Level.WEEKLY).ranges] == [
        date(2026, 11, 1), date(2026, 11, 8), date(2026, 11, 15), date(2026, 11, 22)]
    assert read(reads, Level.DAILY).ranges == ((date(2026, 11, 29), date(2026, 12, 1)),)
    # last_week: a whole week, from weekly ride rows.
    _label, week, _previous = resolve(CAL, "last_week", now)
    reads = plan_span(week, now=now, progress=progress, levels=RIDES.levels, days=CAL)
    assert reads == [Read(Level.WEEKLY, ((date(2026, 11, 22), date(2026, 11, 29)),))]


def test_a_month_with_a_stale_day_is_read_from_its_weeks_and_days():
    now = datetime(2026, 12, 5, 20)
    stale_day = date(2026, 11, 10)
    progress = Progress(hourly=datetime(2026, 12, 5, 20), daily=date(2026, 12, 5),
                        stale=stale_of([("daily", datetime(2026, 11, 10))], CAL))
    span = resolve(CAL, "last_month", now)[1]
    reads = plan_span(span, now=now, progress=progress, levels=RIDE_MONTHS, days=CAL)
    assert levels_of(reads) == [Level.WEEKLY, Level.DAILY, Level.HOURLY]
    # The week of Nov 8 holds the stale day: its days, the stale one from its hours.
    assert [a for a, _ in read(reads, Level.WEEKLY).ranges] == [
        date(2026, 11, 1), date(2026, 11, 15), date(2026, 11, 22)]
    assert read(reads, Level.DAILY).ranges == ((date(2026, 11, 8), date(2026, 11, 15)),
                                               (date(2026, 11, 29), date(2026, 12, 1)))
    assert read(reads, Level.DAILY).skipped == (stale_day,)
    assert read(reads, Level.HOURLY).ranges == ((CAL.utc_start(stale_day),
                                                 CAL.utc_start(stale_day + DAY)),)
    check_cover(span, now, reads, progress, RIDE_MONTHS)


def test_a_month_not_wholly_aggregated_is_read_from_weeks_days_and_the_tail():
    now = datetime(2026, 12, 1, 2)  # Nov 30, 18:00 PST: November not over
    progress = Progress(hourly=datetime(2026, 12, 1, 1), daily=date(2026, 11, 30))
    span = Span(date(2026, 11, 1), date(2026, 12, 1), CAL.utc_start(date(2026, 11, 1)),
                CAL.utc_start(date(2026, 12, 1)))
    reads = plan_span(span, now=now, progress=progress, levels=RIDE_MONTHS, days=CAL)
    assert Level.MONTHLY not in levels_of(reads)
    assert [a for a, _ in read(reads, Level.WEEKLY).ranges] == [
        date(2026, 11, 1), date(2026, 11, 8), date(2026, 11, 15), date(2026, 11, 22)]
    assert read(reads, Level.DAILY).ranges == ((date(2026, 11, 29), date(2026, 11, 30)),)
    check_cover(span, now, reads, progress, RIDE_MONTHS)
    # The daily watermark behind (Nov 20): the days after it are not aggregated either.
    behind = Progress(hourly=datetime(2026, 12, 1, 1), daily=date(2026, 11, 20))
    reads = plan_span(span, now=now, progress=behind, levels=RIDE_MONTHS, days=CAL)
    assert Level.MONTHLY not in levels_of(reads)
    assert read(reads, Level.DAILY).ranges[-1][1] == date(2026, 11, 20)
    check_cover(span, now, reads, behind, RIDE_MONTHS)


def test_a_stale_year_of_rides_from_its_months_then_weeks_and_days():
    now = datetime(2027, 1, 20, 20)
    progress = Progress(hourly=datetime(2027, 1, 20, 20), daily=date(2027, 1, 20),
                        years={2026: YearRows(80, date(2026, 12, 31), date(2026, 12, 31))},
                        stale=stale_of([("daily", datetime(2026, 3, 8))], CAL))
    span = year_span(CAL, 2026)
    reads = plan_span(span, now=now, progress=progress, levels=RIDE_MONTHS, days=CAL)
    assert levels_of(reads) == [Level.MONTHLY, Level.WEEKLY, Level.DAILY, Level.HOURLY]
    months = [a for a, _ in read(reads, Level.MONTHLY).ranges]
    assert date(2026, 3, 1) not in months and len(months) == 11
    # March (the 23-hour day, stale) from its whole weeks but that of Mar 8, and days.
    assert [a for a, _ in read(reads, Level.WEEKLY).ranges] == [
        date(2026, 3, 1), date(2026, 3, 15), date(2026, 3, 22)]
    assert read(reads, Level.DAILY).ranges == ((date(2026, 3, 8), date(2026, 3, 15)),
                                               (date(2026, 3, 29), date(2026, 4, 1)))
    check_cover(span, now, reads, progress, RIDE_MONTHS)


def test_a_span_from_mid_month_reads_its_whole_months_then_weeks_then_days():
    now = datetime(2026, 12, 20, 20)
    progress = Progress(hourly=datetime(2026, 12, 20, 20), daily=date(2026, 12, 20))
    span = Span(date(2026, 10, 15), date(2026, 12, 3), CAL.utc_start(date(2026, 10, 15)),
                CAL.utc_start(date(2026, 12, 3)))
    reads = plan_span(span, now=now, progress=progress, levels=RIDE_MONTHS, days=CAL)
    assert read(reads, Level.MONTHLY).ranges == ((date(2026, 11, 1), date(2026, 12, 1)),)
    assert [a for a, _ in read(reads, Level.WEEKLY).ranges] == [date(2026, 10, 18),
                                                                 date(2026, 10, 25)]
    assert read(reads, Level.DAILY).ranges == ((date(2026, 10, 15), date(2026, 10, 18)),
                                               (date(2026, 12, 1), date(2026, 12, 3)))
    check_cover(span, now, reads, progress, RIDE_MONTHS)
