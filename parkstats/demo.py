"""Demo data: ~80 real parks, plausible rides, and history written fast.

``load_demo(url_or_conn, days=..., end=..., parks=...)`` creates the parks and
rides (once; loading again reuses them) and writes 5-minute snapshots for the
range with set-based SQL: one ``INSERT ... SELECT`` per local day over
(parks x 5-minute slots), driven by small per-park-day tables computed here
(opening hours in each park's own time zone, crowd level, breakdown rate,
rides in refurbishment, collector gaps).  History is written a month at a
time; each month is aggregated with ``backfill_aggregates()`` and old raw
data purged with ``apply_retention()`` as if the clock stood at the month's
end, so the server never holds much more than the 90 raw days it keeps.

The simulation (``ParkModel``) is shared with the live collector
(``parkstats.collector``), which continues the same behaviour ride by ride
through ``record_park_snapshot()``.

Breakdowns: each park has a few breakdown "tracks" (about one per five rides),
each with its own block length (15 minutes to 2 hours).  A track is down for a
whole block when a hash of (park, track, block) falls under the park-day's
breakdown rate; consecutive down blocks make long outages.  A down track is
one ride of the track's tier down (the collector picks which ride).
"""

from __future__ import annotations

import math
import queue
import random
import sys
import threading
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from functools import cache
from zoneinfo import ZoneInfo

import pymysql

from parkstats.db import DatabaseUrl, connect
from parkstats.demo_parks import PARKS, ParkInfo

SLOT_MINUTES = 5
EPOCH = datetime(2000, 1, 1)
MAX_TRACKS = 8
TRACK_BLOCKS = (3, 4, 6, 9, 12, 5, 18, 24)  # slots per block: 15 min .. 2 h
TIER_WEIGHT = {1: 3, 2: 2, 3: 1, None: 2}
OPERATING_DAYS_KEPT = 9  # local days of ride_operating_days filled (7-day weight rule)

# Generic rides filling each park up to its ride count: (name, tier, reports a wait).
GENERIC_RIDES = (
    ("Wooden Coaster", 1, True), ("Hyper Coaster", 1, True), ("Launched Coaster", 1, True),
    ("Inverted Coaster", 1, True), ("Flying Coaster", 1, True), ("Wild Mouse", 2, True),
    ("Log Flume", 2, True), ("River Rapids", 2, True), ("Drop Tower", 2, True),
    ("Giant Frisbee", 2, True), ("Pirate Ship", 2, True), ("Giant Swing", 2, True),
    ("Dark Ride", 2, True), ("Family Coaster", 2, True), ("Bumper Cars", 2, True),
    ("Ferris Wheel", 2, True), ("Flying Scooters", 2, True), ("Scrambler", 3, True),
    ("Tilt-A-Whirl", 3, True), ("Grand Carousel", 3, True), ("Teacups", 3, True),
    ("Kiddie Coaster", 3, True), ("Junior Swings", 3, True), ("Convoy", 3, True),
    ("Red Baron", 3, True), ("Balloon Race", 3, True), ("Wave Swinger", 2, True),
    ("Enterprise", 2, True), ("Top Spin", 2, True), ("Zipper", 2, True),
    ("Haunted House", None, True), ("Flight Simulator", None, True), ("Go-Karts", None, True),
    ("Park Railroad", 3, False), ("Sky Ride", 3, False), ("Antique Autos", 3, False),
    ("Paddle Boats", 3, False), ("Observation Tower", 2, True), ("Spinning Coaster", 1, True),
    ("Shoot-the-Chutes", 2, True), ("Water Coaster", 1, True), ("Mine Train", 2, True),
    ("Bobsled Coaster", 2, True), ("Tea Party", 3, True), ("Swing Ride", 3, True),
    ("Himalaya", 2, True), ("Music Express", 2, True), ("Rock-O-Plane", 3, True),
    ("Trabant", 3, True), ("Paratrooper", 3, True),
)
NO_WAIT_WORDS = ("Railroad", "Sky Ride", "Antique Autos", "Paddle Boats", "Train", "Sky Glider")


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def hash_int(*parts) -> int:
    """A stable 32-bit hash: CRC32 of the parts joined by ':' (MySQL CRC32(CONCAT_WS(':',...)))."""
    return zlib.crc32(":".join(str(p) for p in parts).encode())


def unit(*parts) -> float:
    """A stable pseudo-random number in [0, 1)."""
    return hash_int(*parts) / 4294967296.0


def slot_index(at: datetime) -> int:
    """5-minute slots since 2000-01-01 UTC (the 'g' of the breakdown blocks)."""
    return int((at - EPOCH).total_seconds()) // (SLOT_MINUTES * 60)


# -- the calendar --------------------------------------------------------------

def thanksgiving(year: int) -> date:
    nov1 = date(year, 11, 1)
    return nov1 + timedelta(days=(3 - nov1.weekday()) % 7 + 21)


def memorial_day(year: int) -> date:
    may31 = date(year, 5, 31)
    return may31 - timedelta(days=may31.weekday())


def labor_day(year: int) -> date:
    sep1 = date(year, 9, 1)
    return sep1 + timedelta(days=(7 - sep1.weekday()) % 7)


def is_holiday_period(day: date) -> bool:
    tg = thanksgiving(day.year)
    return (
        (day.month == 12 and day.day >= 20) or (day.month == 1 and day.day <= 2)
        or tg - timedelta(days=3) <= day <= tg + timedelta(days=4)
        or (day.month == 7 and 1 <= day.day <= 6)
        or day in (memorial_day(day.year), labor_day(day.year))
        or (day.month == 3 and 8 <= day.day <= 31 and day.weekday() >= 4)  # spring break
    )


MONTH_CROWD = (0.65, 0.7, 1.0, 0.95, 0.85, 1.15, 1.25, 1.05, 0.7, 0.95, 0.85, 0.95)
WEEKDAY_CROWD = (0.85, 0.8, 0.85, 0.9, 1.05, 1.3, 1.15)  # Monday .. Sunday


# -- the park model (shared with the collector) --------------------------------

@dataclass(frozen=True)
class Ride:
    ride_id: int
    name: str
    tier: int | None
    has_wait: bool

    @property
    def weight(self) -> int:
        return TIER_WEIGHT[self.tier]


@dataclass(frozen=True)
class DayPlan:
    """What a park does on one local date (the reporting zone's date)."""

    open_at: datetime | None  # UTC, naive
    close_at: datetime | None
    crowd: float
    rate_permille: int  # breakdown rate of each track per block
    refurb: frozenset[int]  # ride_ids in refurbishment
    closed: frozenset[int]  # ride_ids closed all day (scheduled)
    gap_from: datetime | None  # collector gap (no snapshots)
    gap_to: datetime | None


@dataclass
class ParkModel:
    park_id: int
    info: ParkInfo
    rides: list[Ride]
    tracks: list[tuple[int, int]] = field(default_factory=list)  # (weight, block slots)

    def __post_init__(self):
        if not self.tracks:
            rng = random.Random(f"tracks:{self.info.name}")
            count = min(MAX_TRACKS, max(3, len(self.rides) // 5))
            # Headliners break down more often than carousels: draw tracks'
            # tiers from the rides, tier 1 twice as likely.
            pool = [r for r in self.rides for _ in range(2 if r.tier == 1 else 1)]
            self.tracks = [(rng.choice(pool).weight, TRACK_BLOCKS[k]) for k in range(count)]

    @property
    def zone(self) -> ZoneInfo:
        return _zone(self.info.zone)

    @property
    def total_weight(self) -> int:
        return sum(r.weight for r in self.rides)

    @property
    def no_wait_count(self) -> int:
        return sum(1 for r in self.rides if not r.has_wait)

    # Opening hours, in the park's own zone.
    def hours(self, day: date) -> tuple[dtime, dtime] | None:
        info, month, wd = self.info, day.month, day.weekday()
        weekend = wd >= 5
        friday = wd == 4
        holiday = is_holiday_period(day)
        summer = memorial_day(day.year) <= day <= labor_day(day.year)
        if info.season == "S":
            if summer:
                return dtime(10), dtime(22 if weekend else 21)
            if (month == 5 and (weekend or friday)) or (month in (9, 10) and (weekend or friday)):
                return (dtime(11), dtime(23)) if month == 10 else (dtime(10), dtime(19))
            return None
        if info.season == "E":
            if month in (1, 2) or (month == 3 and day.day < 14):
                return None
            if summer or holiday:
                return dtime(10), dtime(22)
            if weekend or friday:
                if month in (11, 12):
                    return dtime(14), dtime(22)
                return (dtime(11), dtime(23)) if month == 10 else (dtime(10), dtime(20))
            return None
        # Year-round parks.
        if info.is_disney or info.is_universal:
            late = summer or holiday or weekend
            flagship = info.name in ("Magic Kingdom", "Disneyland")
            close = (24 if flagship else 22) if late else 21
            return dtime(8 if flagship else 9), _hour(close)
        if summer or holiday:
            return dtime(10), dtime(22)
        if weekend:
            return dtime(10), dtime(20)
        if friday or month in (3, 4, 10, 11, 12):
            return dtime(10), dtime(18)
        return (dtime(11), dtime(17)) if wd not in (1, 2) else None

    def day_plan(self, day: date, report_zone: ZoneInfo) -> DayPlan:
        """The plan of local (reporting-zone) date ``day``; the park's own date is the same
        whenever it is open (North American parks close before the reporting zone's midnight)."""
        name = self.info.name
        hours = self.hours(day)
        open_at = close_at = None
        if hours:
            open_at = _utc(day, hours[0], self.zone)
            close_at = (_utc(day + timedelta(days=1), dtime(0), self.zone)
                        if hours[1] == dtime(0) and hours[0] != dtime(0)
                        else _utc(day, hours[1], self.zone))
        crowd = MONTH_CROWD[day.month - 1] * WEEKDAY_CROWD[day.weekday()]
        if is_holiday_period(day):
            crowd *= 1.35
        crowd *= 0.85 + 0.3 * unit("crowd", name, day)
        crowd *= 0.88 + 0.24 * unit("crowd-year", name, day.year)  # some years busier
        # Breakdown rate of a track per block: ~25 % of the time at a normal park,
        # more on bad days (storms, staffing) and at the less reliable parks.
        bad_day = 0.55 + 0.9 * unit("day", name, day) ** 2
        if unit("storm", name, day) < 0.04:
            bad_day *= 1.8
        # Parks get better or worse from one year to the next (the yearly awards).
        bad_day *= 0.7 + 0.6 * unit("year", name, day.year)
        rate = min(800, round(1000 * 0.24 * self.info.reliability * bad_day))
        refurb = frozenset(r.ride_id for r in self.rides if self.in_refurbishment(r, day))
        closed = frozenset()
        if hours:
            closed = frozenset(r.ride_id for r in self.rides if r.ride_id not in refurb
                               and unit("closed", name, r.name, day) < 0.025)
        gap_from = gap_to = None
        start_utc = _utc(day, dtime(0), report_zone)
        if unit("outage", day) < 0.012:  # the whole collector down for a while
            gap_from = start_utc + timedelta(minutes=5 * int(unit("outage-at", day) * 276))
            gap_to = gap_from + timedelta(minutes=30 + 5 * int(unit("outage-len", day) * 30))
        elif unit("gap", name, day) < 0.02:  # this park's feed down
            gap_from = start_utc + timedelta(minutes=5 * int(unit("gap-at", name, day) * 276))
            gap_to = gap_from + timedelta(minutes=15 + 5 * int(unit("gap-len", name, day) * 20))
        return DayPlan(open_at, close_at, crowd, rate, refurb, closed, gap_from, gap_to)

    def in_refurbishment(self, ride: Ride, day: date) -> bool:
        # About a quarter of the rides get one refurbishment a year, 2 to 8 weeks.
        h = hash_int("refurb", self.info.name, ride.name, day.year)
        if h % 100 >= 25:
            return False
        start = date(day.year, 1, 1) + timedelta(days=10 + (h // 100) % 300)
        return start <= day < start + timedelta(days=14 + (h // 30000) % 42)

    def track_down(self, k: int, at: datetime, plan: DayPlan) -> bool:
        """Whether breakdown track k (0-based) is down at ``at`` (same rule as the SQL)."""
        if plan.open_at is None or not (plan.open_at + timedelta(minutes=15) <= at < plan.close_at):
            return False
        block = self.tracks[k][1]
        g = slot_index(at)
        return hash_int(self.park_id, k + 1, (g + (k + 1) * 7) // block) % 1000 < plan.rate_permille

    def wait_wave(self, at: datetime, plan: DayPlan) -> float:
        """The park's typical posted wait at ``at`` (before noise)."""
        span = (plan.close_at - plan.open_at).total_seconds()
        frac = (at - plan.open_at).total_seconds() / span
        return 20.0 * self.info.busy * plan.crowd * (0.45 + 0.85 * math.sin(math.pi * frac))


def _hour(h: int) -> dtime:
    return dtime(0) if h == 24 else dtime(h)


@cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def _utc(day: date, at: dtime, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC).replace(tzinfo=None)


# -- parks and rides in the database --------------------------------------------

def ride_list(info: ParkInfo) -> list[tuple[str, int | None, bool]]:
    """The demo's rides of a park: its signature rides, then generic ones."""
    rides = [(name, tier, not any(w in name for w in NO_WAIT_WORDS))
             for name, tier in info.signature]
    taken = {name for name, _, _ in rides}
    pool = list(GENERIC_RIDES)
    random.Random(f"rides:{info.name}").shuffle(pool)
    for name, tier, has_wait in pool:
        if len(rides) >= info.ride_count:
            break
        if name not in taken:
            rides.append((name, tier, has_wait))
            taken.add(name)
    return rides


def ensure_parks(conn: pymysql.Connection, parks: int | None = None) -> list[ParkModel]:
    """Create the demo's parks and rides unless they exist (matched by name)."""
    infos = PARKS[:parks] if parks else PARKS
    models = []
    with conn.cursor() as cur:
        cur.execute("SELECT name, park_id FROM parks")
        known = dict(cur.fetchall())
        for info in infos:
            park_id = known.get(info.name)
            if park_id is None:
                cur.execute(
                    "INSERT INTO parks (name, city, state_province, country, operator, "
                    "is_disney, is_universal, is_active, closed_means_down) "
                    "VALUES (%s, %s, %s, %s, %s, %s, %s, 1, %s)",
                    (info.name, info.city, info.state, info.country, info.operator,
                     int(info.is_disney), int(info.is_universal), int(info.closed_means_down)))
                park_id = cur.lastrowid
            cur.execute("SELECT name, ride_id, tier FROM rides WHERE park_id = %s", (park_id,))
            existing = {name: (ride_id, tier) for name, ride_id, tier in cur.fetchall()}
            rides = []
            for name, tier, has_wait in ride_list(info):
                if name not in existing:
                    cur.execute("INSERT INTO rides (park_id, name, tier, is_active) "
                                "VALUES (%s, %s, %s, 1)", (park_id, name, tier))
                    existing[name] = (cur.lastrowid, tier)
                ride_id, db_tier = existing[name]
                rides.append(Ride(ride_id, name, db_tier, has_wait))
            models.append(ParkModel(park_id, info, rides))
    return models


def load_models(conn: pymysql.Connection) -> list[ParkModel]:
    """The models of the demo parks present in the database (for the collector)."""
    by_name = {info.name: info for info in PARKS}
    models = []
    with conn.cursor() as cur:
        cur.execute("SELECT park_id, name FROM parks WHERE is_active = 1 ORDER BY park_id")
        parks = cur.fetchall()
        cur.execute("SELECT park_id, ride_id, name, tier FROM rides WHERE is_active = 1 "
                    "ORDER BY ride_id")
        rides: dict[int, list[Ride]] = {}
        for park_id, ride_id, name, tier in cur.fetchall():
            rides.setdefault(park_id, []).append(
                Ride(ride_id, name, tier, not any(w in name for w in NO_WAIT_WORDS)))
    for park_id, name in parks:
        info = by_name.get(name)
        if info is not None and rides.get(park_id):
            models.append(ParkModel(park_id, info, rides[park_id]))
    return models


# -- history --------------------------------------------------------------------

TEMP_TABLES = """
CREATE TEMPORARY TABLE demo_params (
    park_id INT UNSIGNED NOT NULL PRIMARY KEY,
    rides_total SMALLINT NOT NULL, nowait_n SMALLINT NOT NULL, ntracks TINYINT NOT NULL,
    busy DOUBLE NOT NULL,
    w1 TINYINT NOT NULL, w2 TINYINT NOT NULL, w3 TINYINT NOT NULL, w4 TINYINT NOT NULL,
    w5 TINYINT NOT NULL, w6 TINYINT NOT NULL, w7 TINYINT NOT NULL, w8 TINYINT NOT NULL,
    l1 TINYINT NOT NULL, l2 TINYINT NOT NULL, l3 TINYINT NOT NULL, l4 TINYINT NOT NULL,
    l5 TINYINT NOT NULL, l6 TINYINT NOT NULL, l7 TINYINT NOT NULL, l8 TINYINT NOT NULL
);
CREATE TEMPORARY TABLE demo_days (
    local_date DATE NOT NULL, park_id INT UNSIGNED NOT NULL,
    slot0 INT NOT NULL, open_at DATETIME NULL, close_at DATETIME NULL,
    crowd DOUBLE NOT NULL, rate SMALLINT NOT NULL,
    refurb_n SMALLINT NOT NULL, closed_n SMALLINT NOT NULL,
    wt_pre SMALLINT NOT NULL, wt_open SMALLINT NOT NULL,
    gap_from DATETIME NULL, gap_to DATETIME NULL,
    PRIMARY KEY (local_date, park_id)
);
CREATE TEMPORARY TABLE demo_slots (n SMALLINT NOT NULL PRIMARY KEY)
"""

# One local day of every park: calendar day x parks x 5-minute slots.  The inner
# SELECT (materialised) computes each breakdown track once: e<k> is the track's
# weight when it is down, else 0.
_TRACK = ("IF(can_break AND ntracks >= {k} AND CRC32(CONCAT_WS(':', park_id, {k}, "
          "(g + {o}) DIV l{k})) MOD 1000 < rate, w{k}, 0) AS e{k}")
_DOWN = "(" + " + ".join(f"(e{k} > 0)" for k in range(1, MAX_TRACKS + 1)) + ")"
_WDOWN = "(" + " + ".join(f"e{k}" for k in range(1, MAX_TRACKS + 1)) + ")"
_AT = "(cd.utc_start + INTERVAL s.n * 5 MINUTE)"
INSERT_DAY = f"""
INSERT IGNORE INTO park_snapshots (
    park_id, recorded_at, park_open, rides_total, rides_operating, rides_down, rides_closed,
    rides_refurbishment, weight_total, weight_down, shame_score, avg_wait_minutes,
    peak_wait_minutes, rides_reporting)
SELECT park_id, recorded_at, park_open, rides_total,
       IF(park_open, rides_total - refurb_n - closed_n - {_DOWN}, 0),
       {_DOWN},
       IF(park_open, closed_n, rides_total - refurb_n),
       refurb_n, weight_total, {_WDOWN},
       CASE WHEN weight_total > 0 THEN ROUND({_WDOWN} / weight_total * 10, 2) END,
       CASE WHEN park_open AND rides_total - refurb_n - closed_n - {_DOWN} > nowait_n
            THEN ROUND(wave * (0.9 + 0.2 * RAND()), 2) END,
       CASE WHEN park_open AND rides_total - refurb_n - closed_n - {_DOWN} > nowait_n
            THEN LEAST(300, ROUND(wave * (1.9 + 0.7 * RAND()))) END,
       IF(park_open, GREATEST(rides_total - refurb_n - closed_n - {_DOWN} - nowait_n, 0), 0)
FROM (
    SELECT park_id, recorded_at, park_open, rides_total, refurb_n, closed_n, nowait_n,
           IF(open_at IS NOT NULL AND recorded_at >= open_at, wt_open, wt_pre) AS weight_total,
           IF(park_open,
              20 * busy * crowd * (0.45 + 0.85 * SIN(PI()
                  * TIMESTAMPDIFF(SECOND, open_at, recorded_at)
                  / TIMESTAMPDIFF(SECOND, open_at, close_at))),
              NULL) AS wave,
           {", ".join(_TRACK.format(k=k, o=7 * k) for k in range(1, MAX_TRACKS + 1))}
    FROM (
        SELECT d.park_id, d.crowd, d.rate, d.refurb_n, d.closed_n, d.wt_pre, d.wt_open,
               d.open_at, d.close_at, p.rides_total, p.nowait_n, p.ntracks, p.busy,
               p.w1, p.w2, p.w3, p.w4, p.w5, p.w6, p.w7, p.w8,
               p.l1, p.l2, p.l3, p.l4, p.l5, p.l6, p.l7, p.l8,
               {_AT} AS recorded_at,
               d.slot0 + s.n AS g,
               COALESCE({_AT} >= d.open_at AND {_AT} < d.close_at, 0) AS park_open,
               COALESCE({_AT} >= d.open_at + INTERVAL 15 MINUTE AND {_AT} < d.close_at, 0)
                   AS can_break
          FROM demo_days AS d
          JOIN calendar_days AS cd ON cd.local_date = d.local_date
          JOIN demo_slots AS s ON s.n < cd.hours_in_day * 12
          JOIN demo_params AS p ON p.park_id = d.park_id
         WHERE d.local_date = %(day)s
           AND {_AT} BETWEEN %(start)s AND %(end)s
           AND NOT COALESCE({_AT} >= d.gap_from AND {_AT} < d.gap_to, 0)
    ) AS x
) AS y
"""


class Progress:
    """A plain-text progress bar on stderr: [#####.....] 45% day 120/400."""

    def __init__(self, total: int, label: str = "day", enabled: bool = True):
        self.total, self.label, self.enabled = max(total, 1), label, enabled
        self.tty = sys.stderr.isatty()
        self.started = time.monotonic()
        self.last_line = -1.0

    def update(self, done: int, note: str = "") -> None:
        if not self.enabled:
            return
        frac = done / self.total
        bar = "#" * int(frac * 20) + "." * (20 - int(frac * 20))
        elapsed = time.monotonic() - self.started
        text = f"[{bar}] {frac * 100:3.0f}% {self.label} {done}/{self.total} {elapsed:5.0f}s {note}"
        if self.tty:
            sys.stderr.write("\r" + text.ljust(79))
            sys.stderr.flush()
        elif done == self.total or time.monotonic() - self.last_line >= 10:
            self.last_line = time.monotonic()
            log(text)

    def finish(self) -> None:
        if self.enabled and self.tty:
            sys.stderr.write("\n")
            sys.stderr.flush()


@dataclass
class LoadResult:
    parks: int
    rides: int
    days: int
    snapshots: int
    seconds: float
    start: datetime
    end: datetime
    aggregated: bool

    def __str__(self) -> str:
        rate = self.snapshots / self.seconds if self.seconds else 0
        return (f"{self.snapshots:,} snapshots for {self.parks} parks ({self.rides} rides), "
                f"{self.days} day(s) from {self.start:%Y-%m-%d %H:%M} to {self.end:%Y-%m-%d %H:%M}"
                f" UTC, in {self.seconds:.0f} s ({rate:,.0f} rows/s)")


def _routine_exists(cur, name: str) -> bool:
    cur.execute("SELECT 1 FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE() "
                "AND ROUTINE_NAME = %s", (name,))
    return cur.fetchone() is not None


def _call(cur, sql: str, args=None) -> None:
    cur.execute(sql, args)
    while cur.nextset():
        pass


def _refresh_running(cur, first: date, last: date) -> None:
    """running_daily_refresh() of the local days [first, last] not aggregated yet."""
    cur.execute("SELECT DATE(done_through) FROM aggregation_watermarks WHERE level = 'daily'")
    row = cur.fetchone()
    if row is not None and row[0] is not None:
        first = max(first, row[0])
    if first <= last:
        _call(cur, "CALL running_daily_refresh(NULL, %s, %s)", (first, last))


def _reporting_zone(cur) -> ZoneInfo:
    cur.execute("SELECT setting_value FROM settings WHERE setting_name = 'reporting_time_zone'")
    return ZoneInfo(cur.fetchone()[0])


def default_start(end: datetime, zone: ZoneInfo) -> date:
    """Jan 1 of last year (local): every API period, with a complete past year."""
    local_end = end.replace(tzinfo=UTC).astimezone(zone)
    return date(local_end.year - 1, 1, 1)


def load_demo(url_or_conn, days: int | None = None, end: datetime | None = None,
              parks: int | None = None, *, start: datetime | None = None,
              aggregate: bool = True, retention: bool = True, bulk: bool = True,
              progress: bool = True, chunk_days: int = 31, workers: int = 1,
              models: list[ParkModel] | None = None) -> LoadResult:
    """Create the demo parks and write their history; returns what was loaded.

    ``days``: local days of history ending with ``end``'s day (default: from
    Jan 1 of last year); ``start`` (UTC) overrides it.  ``end``: UTC, naive
    (default: now).  ``parks``: the first N demo parks (default all).
    ``aggregate``: call backfill_aggregates() for what was loaded, a month at
    a time; ``retention``: then apply_retention() as of each month's end
    (so raw data beyond the 90 days kept is purged as it goes; pass False to
    keep all raw history, e.g. for a benchmark baseline).  ``bulk``: set
    @parkstats_bulk_load so the triggers neither queue every hour nor keep the
    running sums row by row (the backfill, or without ``aggregate`` a
    running_daily_refresh() after each chunk, recomputes those); pass False
    when filling a gap the scheduler may already have aggregated.
    ``workers``: connections writing days in parallel.  ``models``: the parks to
    write (default: the demo parks, created if missing).
    Loading again is harmless: existing snapshots are kept (INSERT IGNORE).
    """
    own = not isinstance(url_or_conn, pymysql.Connection)
    conn = connect(url_or_conn) if own else url_or_conn
    try:
        return _load(conn, days, end, parks, start, aggregate, retention, bulk, progress,
                     chunk_days, workers, models)
    finally:
        if own:
            conn.close()


def _load(conn, days, end, parks, start, aggregate, retention, bulk, progress, chunk_days,
          workers, models):
    began = time.monotonic()
    cur = conn.cursor()
    zone = _reporting_zone(cur)
    if end is None:
        end = datetime.now(UTC).replace(tzinfo=None)
    end = end.replace(second=0, microsecond=0)
    end -= timedelta(minutes=end.minute % SLOT_MINUTES)
    end_day = end.replace(tzinfo=UTC).astimezone(zone).date()
    if start is None:
        first_day = end_day - timedelta(days=days - 1) if days else default_start(end, zone)
        start = _utc(first_day, dtime(0), zone)
    start = start.replace(second=0, microsecond=0)
    # History that retention already purged (and aggregated) is not loaded again.
    cur.execute("SELECT done_through FROM aggregation_watermarks WHERE level = 'raw_purged'")
    row = cur.fetchone()
    if row and row[0] and row[0] > start:
        start = row[0]
    first_day = start.replace(tzinfo=UTC).astimezone(zone).date()

    if models is None:
        models = ensure_parks(conn, parks)
    has_backfill = aggregate and _routine_exists(cur, "backfill_aggregates")
    has_retention = retention and _routine_exists(cur, "apply_retention")
    if aggregate and not has_backfill:
        log("demo: backfill_aggregates() is not installed; loading raw snapshots only")
    if start > end:
        return LoadResult(len(models), sum(len(m.rides) for m in models), 0, 0,
                          time.monotonic() - began, start, end, False)

    params = []
    for m in models:
        tracks = m.tracks + [(0, 1)] * (MAX_TRACKS - len(m.tracks))
        params.append((m.park_id, len(m.rides), m.no_wait_count, len(m.tracks), m.info.busy,
                       *[w for w, _ in tracks], *[b for _, b in tracks]))
    _call(cur, "CALL maintain_snapshot_partitions(%s)", (start.date(),))

    # Workers: this connection plus (workers - 1) more, each with its own
    # temporary tables, writing different days at the same time.
    conns = [conn] + [_clone(conn) for _ in range(max(1, workers) - 1)]
    all_days = [first_day + timedelta(days=i) for i in range((end_day - first_day).days + 1)]
    bar = Progress(len(all_days), enabled=progress)
    state = {"rows": 0, "days": 0}
    lock = threading.Lock()
    # Seven days before the first one: which parks opened (the 7-day weight rule).
    opened: dict[int, list[bool]] = {
        m.park_id: [m.hours(first_day - timedelta(days=i)) is not None for i in range(7, 0, -1)]
        for m in models
    }

    def work(wconn, day_rows: dict[date, list[tuple]]) -> None:
        wcur = wconn.cursor()
        for day, rows in day_rows.items():
            wcur.execute("DELETE FROM demo_days")
            wcur.executemany("INSERT INTO demo_days VALUES (" + ",".join(["%s"] * 13) + ")",
                             rows)
            n = wcur.execute(INSERT_DAY, {"day": day, "start": start, "end": end})
            with lock:
                state["rows"] += n
                state["days"] += 1
                bar.update(state["days"], f"{state['rows']:,} rows")

    # Each month is aggregated (and old raw data purged) by another connection
    # while the next month is written.
    aggregator = Aggregator(_clone(conn), has_retention, end) if has_backfill else None
    # Without a backfill to follow, the running sums the bulk load kept the triggers
    # from keeping are recomputed after each chunk.
    has_running = _routine_exists(cur, "running_daily_refresh")
    try:
        for wconn in conns:
            _setup_session(wconn, params, bulk)
        for c in range(0, len(all_days), chunk_days):
            chunk = all_days[c:c + chunk_days]
            shares: list[dict[date, list[tuple]]] = [{} for _ in conns]
            for i, day in enumerate(chunk):
                slot0 = slot_index(_utc(day, dtime(0), zone))
                rows = shares[i % len(conns)].setdefault(day, [])
                for m in models:
                    plan = m.day_plan(day, zone)
                    wt = m.total_weight - sum(r.weight for r in m.rides if r.ride_id in plan.refurb)
                    wt_pre = wt if any(opened[m.park_id][-7:]) else 0
                    opened[m.park_id].append(plan.open_at is not None)
                    rows.append((day, m.park_id, slot0, plan.open_at, plan.close_at,
                                 round(plan.crowd, 4), plan.rate_permille, len(plan.refurb),
                                 len(plan.closed), wt_pre, wt, plan.gap_from, plan.gap_to))
            if len(conns) == 1:
                work(conn, shares[0])
            else:
                with ThreadPoolExecutor(len(conns)) as pool:
                    futures = [pool.submit(work, w, share)
                               for w, share in zip(conns, shares, strict=True)]
                    for future in futures:
                        future.result()
            chunk_from = max(start, _utc(chunk[0], dtime(0), zone))
            chunk_to = min(end, _utc(chunk[-1] + timedelta(days=1), dtime(0), zone))
            if aggregator is not None:
                aggregator.submit(chunk_from, chunk_to)
            elif bulk and has_running:
                _refresh_running(cur, chunk[0], chunk[-1])
        if aggregator is not None:
            bar.update(state["days"], f"{state['rows']:,} rows, aggregating the last month")
            aggregator.finish()
        bar.finish()
        fill_operating_days(cur, models, end, zone)
    finally:
        if aggregator is not None:
            aggregator.close()
        for wconn in conns[1:]:
            try:
                wconn.close()
            except (pymysql.MySQLError, OSError):
                pass
        _end_session(conn)
    return LoadResult(len(models), sum(len(m.rides) for m in models), len(all_days),
                      state["rows"], time.monotonic() - began, start, end, has_backfill)


class Aggregator:
    """backfill_aggregates() then apply_retention() of each loaded month, in order, on a
    connection and thread of its own (one month behind the writer)."""

    def __init__(self, conn: pymysql.Connection, retention: bool, end: datetime):
        self.conn, self.retention, self.end = conn, retention, end
        self.jobs: queue.Queue = queue.Queue()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="demo-aggregator", daemon=True)
        self.thread.start()

    def submit(self, chunk_from: datetime, chunk_to: datetime) -> None:
        if self.error is not None:
            raise self.error
        self.jobs.put((chunk_from, chunk_to))

    def _run(self) -> None:
        cur = self.conn.cursor()
        while (job := self.jobs.get()) is not None:
            if self.error is not None:
                continue
            chunk_from, chunk_to = job
            try:
                _call(cur, "CALL backfill_aggregates(%s, %s)", (chunk_from, chunk_to))
                if self.retention:
                    # Retention as if the clock stood at the month's end: raw data
                    # beyond the 90 days kept goes as the load moves on.
                    cur.execute("SET @parkstats_now = %s", (min(chunk_to, self.end),))
                    try:
                        _call(cur, "CALL apply_retention()")
                    finally:
                        cur.execute("SET @parkstats_now = NULL")
            except BaseException as exc:  # noqa: BLE001 - reported by finish()
                self.error = exc

    def finish(self) -> None:
        self.jobs.put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error

    def close(self) -> None:
        if self.thread.is_alive():
            self.jobs.put(None)
            try:
                self.conn.close()  # interrupts a running CALL
            except (pymysql.MySQLError, OSError):
                pass
            self.thread.join(5)
        else:
            try:
                self.conn.close()
            except (pymysql.MySQLError, OSError):
                pass


def _clone(conn: pymysql.Connection) -> pymysql.Connection:
    db = conn.db.decode() if isinstance(conn.db, bytes) else conn.db
    password = conn.password.decode() if isinstance(conn.password, bytes) else conn.password
    return connect(DatabaseUrl(conn.host, conn.port, conn.user.decode()
                               if isinstance(conn.user, bytes) else conn.user,
                               password or "", db, conn.unix_socket))


def _setup_session(conn: pymysql.Connection, params: list[tuple], bulk: bool) -> None:
    cur = conn.cursor()
    for stmt in TEMP_TABLES.split(";"):
        cur.execute(stmt.replace("CREATE TEMPORARY TABLE", "CREATE TEMPORARY TABLE IF NOT EXISTS"))
    for table in ("demo_params", "demo_days", "demo_slots"):
        cur.execute(f"TRUNCATE TABLE {table}")
    cur.execute("INSERT INTO demo_slots (n) VALUES " + ",".join(f"({n})" for n in range(300)))
    cur.executemany("INSERT INTO demo_params VALUES (" + ",".join(["%s"] * 21) + ")", params)
    # Materialise the derived table of INSERT_DAY: merged, every breakdown hash
    # would be computed once per reference.
    cur.execute("SET @demo_saved_switch = @@optimizer_switch")
    cur.execute("SET SESSION optimizer_switch = 'derived_merge=off'")
    # The late-data triggers skip queuing: the loader backfills what it wrote.
    cur.execute("SET @parkstats_bulk_load = %s", (1 if bulk else None,))


def _end_session(conn: pymysql.Connection) -> None:
    try:
        cur = conn.cursor()
        cur.execute("SET @parkstats_bulk_load = NULL")
        cur.execute("SET SESSION optimizer_switch = "
                    "COALESCE(@demo_saved_switch, @@optimizer_switch)")
        for table in ("demo_params", "demo_days", "demo_slots"):
            cur.execute(f"DROP TEMPORARY TABLE IF EXISTS {table}")
    except (pymysql.MySQLError, OSError):
        pass  # the connection is gone (interrupted): the session's state went with it


def fill_operating_days(cur, models: list[ParkModel], end: datetime, zone: ZoneInfo) -> None:
    """ride_operating_days and rides.last_operated_at for the last days loaded, so that
    record_park_snapshot() (the collector) continues with the right weights and down rule."""
    end_day = end.replace(tzinfo=UTC).astimezone(zone).date()
    rows = []
    for back in range(OPERATING_DAYS_KEPT):
        day = end_day - timedelta(days=back)
        for m in models:
            plan = m.day_plan(day, zone)
            if plan.open_at is None or plan.open_at > end:
                continue
            last = min(plan.close_at - timedelta(minutes=SLOT_MINUTES), end)
            for r in m.rides:
                if r.ride_id not in plan.refurb and r.ride_id not in plan.closed:
                    rows.append((r.ride_id, day, plan.open_at, last))
    for i in range(0, len(rows), 2000):
        cur.executemany(
            "INSERT INTO ride_operating_days (ride_id, local_date, first_operated_at, "
            "last_operated_at) VALUES (%s, %s, %s, %s) ON DUPLICATE KEY UPDATE "
            "first_operated_at = LEAST(first_operated_at, VALUES(first_operated_at)), "
            "last_operated_at = GREATEST(last_operated_at, VALUES(last_operated_at))",
            rows[i:i + 2000])
    cur.execute(
        "UPDATE rides AS r JOIN (SELECT ride_id, MAX(last_operated_at) AS last_op "
        "FROM ride_operating_days GROUP BY ride_id) AS o ON o.ride_id = r.ride_id "
        "SET r.last_operated_at = GREATEST(COALESCE(r.last_operated_at, o.last_op), o.last_op)")


def demo_loaded(url: DatabaseUrl) -> bool:
    """Whether the database already holds demo parks."""
    with connect(url) as conn, conn.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM parks")
        return cur.fetchone()[0] > 0
