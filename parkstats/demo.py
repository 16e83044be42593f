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

``summarize_history(url_or_conn, first, last)`` writes days older than the raw
data directly as daily park and ride rows (no raw rows: retention would have
purged them), from the same model per park-slot, then lets the engine roll up
their weeks, months and years (make run: everything but the last 3 days).

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
import weakref
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
from webapi.formulas import expand_calls, read_formulas

SLOT_MINUTES = 5
EPOCH = datetime(2000, 1, 1)
MAX_TRACKS = 8
TRACK_BLOCKS = (3, 4, 6, 9, 12, 5, 18, 24)  # slots per block: 15 min .. 2 h
TIER_WEIGHT = {1: 3, 2: 2, 3: 1, None: 2}
TIER_WAIT = {1: 1.7, 2: 1.0, 3: 0.45, None: 0.9}  # a ride's wait relative to the park's wave
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
    first_at: datetime | None = None  # the first recorded open slot (nothing is down then)

    def recorded(self, at: datetime) -> bool:
        return not (self.gap_from is not None and self.gap_from <= at < self.gap_to)

    def last_at(self) -> datetime | None:
        """The last recorded open slot (None when no open slot is recorded)."""
        if self.first_at is None:
            return None
        at = self.close_at - timedelta(minutes=SLOT_MINUTES)
        while not self.recorded(at):
            at -= timedelta(minutes=SLOT_MINUTES)
        return at


@dataclass
class ParkModel:
    park_id: int
    info: ParkInfo
    rides: list[Ride]
    tracks: list[int] = field(default_factory=list)  # block length (slots) of each track

    def __post_init__(self):
        if not self.tracks:
            count = min(MAX_TRACKS, max(3, len(self.rides) // 5))
            self.tracks = [TRACK_BLOCKS[k] for k in range(count)]

    def track_of(self, ride_index: int) -> tuple[int, int]:
        """(track k, 0-based; index within the track) of the park's ride_index-th ride
        (rides in ride_id order): ride i belongs to track i mod ntracks."""
        return ride_index % len(self.tracks), ride_index // len(self.tracks)

    def track_size(self, k: int) -> int:
        return len(range(k, len(self.rides), len(self.tracks)))

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
        first_at = None
        if open_at is not None:
            first_at = open_at
            while gap_from is not None and gap_from <= first_at < gap_to and first_at < close_at:
                first_at += timedelta(minutes=SLOT_MINUTES)
            if first_at >= close_at:
                first_at = None
        return DayPlan(open_at, close_at, crowd, rate, refurb, closed, gap_from, gap_to, first_at)

    def in_refurbishment(self, ride: Ride, day: date) -> bool:
        # About a quarter of the rides get one refurbishment a year, 2 to 8 weeks.
        h = hash_int("refurb", self.info.name, ride.name, day.year)
        if h % 100 >= 25:
            return False
        start = date(day.year, 1, 1) + timedelta(days=10 + (h // 100) % 300)
        return start <= day < start + timedelta(days=14 + (h // 30000) % 42)

    def can_break(self, at: datetime, plan: DayPlan) -> bool:
        """Breakdowns start 15 minutes after opening and after the day's first recorded open
        slot, so a down ride has always operated earlier in the day (the down rule)."""
        return (plan.first_at is not None and at > plan.first_at
                and plan.open_at + timedelta(minutes=15) <= at < plan.close_at)

    def track_down(self, k: int, at: datetime, plan: DayPlan) -> bool:
        """Whether breakdown track k (0-based) is down at ``at`` (same rule as the SQL)."""
        if not self.can_break(at, plan):
            return False
        block = self.tracks[k]
        g = slot_index(at)
        return hash_int(self.park_id, k + 1, (g + (k + 1) * 7) // block) % 1000 < plan.rate_permille

    def track_pick(self, k: int, at: datetime) -> int:
        """The index, within track k, of the ride down while the track is down."""
        block = self.tracks[k]
        g = slot_index(at)
        pick = hash_int("pick", self.park_id, k + 1, (g + (k + 1) * 7) // block)
        return pick % self.track_size(k)

    def down_rides(self, at: datetime, plan: DayPlan) -> set[int]:
        """ride_ids down at ``at``: the picked ride of each down track, when it is available
        (not in refurbishment, not closed for the day)."""
        rides = sorted(self.rides, key=lambda r: r.ride_id)
        down = set()
        for k in range(len(self.tracks)):
            if self.track_down(k, at, plan):
                ride = rides[k + self.track_pick(k, at) * len(self.tracks)]
                if ride.ride_id not in plan.refurb and ride.ride_id not in plan.closed:
                    down.add(ride.ride_id)
        return down

    def wait_factors(self, plan: DayPlan) -> dict[int, float]:
        """Each available ride's share of the park's wave (0 without posted waits)."""
        waiting = [r for r in self.rides if r.has_wait and r.ride_id not in plan.refurb
                   and r.ride_id not in plan.closed]
        norm = (sum(TIER_WAIT[r.tier] for r in waiting) / len(waiting)) if waiting else 1.0
        return {r.ride_id: (TIER_WAIT[r.tier] / norm if r in waiting else 0.0) for r in self.rides}

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
    cmd TINYINT NOT NULL, ntracks TINYINT NOT NULL, busy DOUBLE NOT NULL,
    l1 TINYINT NOT NULL, l2 TINYINT NOT NULL, l3 TINYINT NOT NULL, l4 TINYINT NOT NULL,
    l5 TINYINT NOT NULL, l6 TINYINT NOT NULL, l7 TINYINT NOT NULL, l8 TINYINT NOT NULL,
    m1 SMALLINT NOT NULL, m2 SMALLINT NOT NULL, m3 SMALLINT NOT NULL, m4 SMALLINT NOT NULL,
    m5 SMALLINT NOT NULL, m6 SMALLINT NOT NULL, m7 SMALLINT NOT NULL, m8 SMALLINT NOT NULL
);
CREATE TEMPORARY TABLE demo_days (
    park_id INT UNSIGNED NOT NULL PRIMARY KEY,
    slot0 INT NOT NULL, open_at DATETIME NULL, close_at DATETIME NULL, first_at DATETIME NULL,
    crowd DOUBLE NOT NULL, rate SMALLINT NOT NULL,
    gap_from DATETIME NULL, gap_to DATETIME NULL
) ENGINE = MEMORY;
CREATE TEMPORARY TABLE demo_ride_days (
    ride_id INT UNSIGNED NOT NULL PRIMARY KEY, park_id INT UNSIGNED NOT NULL,
    state TINYINT NOT NULL, track TINYINT NOT NULL, idx SMALLINT NOT NULL,
    wf DOUBLE NOT NULL, w TINYINT NOT NULL,
    first_op DATETIME NULL, prev_last DATETIME NULL,
    wk TINYINT NOT NULL DEFAULT 0,
    KEY USING BTREE (park_id, track, idx), KEY USING BTREE (park_id, state)
) ENGINE = MEMORY;
CREATE TEMPORARY TABLE demo_slot_states (
    park_id INT UNSIGNED NOT NULL, recorded_at DATETIME NOT NULL, g INT NOT NULL,
    park_open TINYINT NOT NULL, wave DOUBLE NULL,
    d1 SMALLINT NOT NULL, d2 SMALLINT NOT NULL, d3 SMALLINT NOT NULL, d4 SMALLINT NOT NULL,
    d5 SMALLINT NOT NULL, d6 SMALLINT NOT NULL, d7 SMALLINT NOT NULL, d8 SMALLINT NOT NULL,
    PRIMARY KEY USING BTREE (recorded_at, park_id)
) ENGINE = MEMORY;
CREATE TEMPORARY TABLE demo_slots (n SMALLINT NOT NULL PRIMARY KEY);
CREATE TEMPORARY TABLE demo_sum_down (
    recorded_at DATETIME NOT NULL, park_id INT UNSIGNED NOT NULL, ride_id INT UNSIGNED NOT NULL,
    w TINYINT NOT NULL, wait SMALLINT NULL,
    PRIMARY KEY USING BTREE (park_id, recorded_at, ride_id)
) ENGINE = MEMORY
"""
TEMP_NAMES = ("demo_params", "demo_days", "demo_ride_days", "demo_slot_states", "demo_slots",
              "demo_sum_down")
DAY_TEMP_NAMES = ("demo_days", "demo_ride_days", "demo_slot_states", "demo_sum_down")
# A ride's wait class in its park (the rides of one class share a wait factor each day):
# its tier, 4 for an unknown tier, 0 for a ride posting no waits.
WAIT_CLASS = {1: 1, 2: 2, 3: 3, None: 4}

# 1. The park-slots of one local day (parks x 5-minute slots of calendar_days, minus the
#    collector's gaps and what lies outside [start, end]; every step-th slot, the middle
#    one of each step, for the summaries): open or not, the wait wave, and for each
#    breakdown track the index of its down ride (-1: the track runs).
_AT = "(cd.utc_start + INTERVAL s.n * 5 MINUTE)"
_PICK = ("IF(can_break AND ntracks >= {k} AND CRC32(CONCAT_WS(':', park_id, {k}, "
         "(g + {o}) DIV l{k})) MOD 1000 < rate, "
         "CRC32(CONCAT_WS(':', 'pick', park_id, {k}, (g + {o}) DIV l{k})) MOD m{k}, -1)")
SLOT_STATES = f"""
INSERT INTO demo_slot_states
SELECT park_id, recorded_at, g, park_open,
       IF(park_open,
          20 * busy * crowd * (0.45 + 0.85 * SIN(PI()
              * TIMESTAMPDIFF(SECOND, open_at, recorded_at)
              / TIMESTAMPDIFF(SECOND, open_at, close_at))),
          NULL),
       {", ".join(_PICK.format(k=k, o=7 * k) for k in range(1, MAX_TRACKS + 1))}
FROM (
    SELECT d.park_id, d.crowd, d.rate, d.open_at, d.close_at, p.ntracks, p.busy,
           p.l1, p.l2, p.l3, p.l4, p.l5, p.l6, p.l7, p.l8,
           p.m1, p.m2, p.m3, p.m4, p.m5, p.m6, p.m7, p.m8,
           {_AT} AS recorded_at,
           d.slot0 + s.n AS g,
           COALESCE({_AT} >= d.open_at AND {_AT} < d.close_at, 0) AS park_open,
           COALESCE({_AT} > d.first_at AND {_AT} >= d.open_at + INTERVAL 15 MINUTE
                    AND {_AT} < d.close_at, 0) AS can_break
      FROM demo_days AS d
      JOIN calendar_days AS cd ON cd.local_date = %(day)s
      JOIN demo_slots AS s ON s.n < cd.hours_in_day * 12 AND MOD(s.n, %(step)s) = %(step)s DIV 2
      JOIN demo_params AS p ON p.park_id = d.park_id
     WHERE {_AT} BETWEEN %(start)s AND %(end)s
       AND NOT COALESCE({_AT} >= d.gap_from AND {_AT} < d.gap_to, 0)
) AS x
"""

# 2. The ride rows: every ride of every park-slot, with its status as a collector would
#    report it, its posted wait, and its class and counted weight under the down rule
#    (docs/contract.md section 3), from the ride's operating facts of the day
#    (first_op: its first OPERATING time that local day; prev_last: its last OPERATING
#    time in the 8 days before). state: 0 available, 1 refurbishment, 2 closed all day.
# A ride's posted wait: the park's wave times the ride's factor and a noise in [0, 1)
# (a stable hash of ride and slot), in 5-minute steps from 5 to 300 (the collector's
# ride_wait() is the same in Python).
_WAIT = "LEAST(300, GREATEST(5, 5 * ROUND({wave} * {wf} * (0.75 + 0.5 * {noise}) / 5)))"
_NOISE = "MOD(r.ride_id * 40503 + s.g * 2654435761, 1000003) / 1000003"
# A park snapshot's shame score from its weights: the stored function, written in place
# by with_formulas() before the statement runs.
_SHAME = "snapshot_shame_score_of({down}, {total})"
_DOWN_IDX = "(CASE r.track " + " ".join(
    f"WHEN {k} THEN s.d{k}" for k in range(1, MAX_TRACKS + 1)) + " END)"
_IS_DOWN = f"(s.park_open = 1 AND r.state = 0 AND {_DOWN_IDX} = r.idx)"
_OPER = f"(s.park_open = 1 AND r.state = 0 AND NOT ({_DOWN_IDX} = r.idx))"
_DOWNISH = f"({_IS_DOWN} OR (p.cmd = 1 AND s.park_open = 1 AND r.state = 2))"
RIDE_ROWS = f"""
INSERT IGNORE INTO ride_snapshots
    (recorded_at, ride_id, park_id, status, wait_minutes, ride_class, weight_counted)
SELECT s.recorded_at, r.ride_id, r.park_id,
       CASE WHEN r.state = 1 THEN 'REFURBISHMENT'
            WHEN s.park_open = 0 OR r.state = 2 THEN 'CLOSED'
            WHEN {_IS_DOWN} THEN IF(p.cmd = 1, 'CLOSED', 'DOWN')
            ELSE 'OPERATING' END,
       CASE WHEN {_OPER} AND r.wf > 0
            THEN {_WAIT.format(wave="s.wave", wf="r.wf", noise=_NOISE)} END,
       CASE WHEN r.state = 1 THEN 'refurbishment'
            WHEN {_OPER} THEN 'operating'
            WHEN {_DOWNISH} AND r.first_op < s.recorded_at THEN 'down'
            ELSE 'closed' END,
       CASE WHEN r.state = 1 THEN 0
            WHEN {_OPER} THEN r.w
            WHEN r.first_op <= s.recorded_at
                 OR r.prev_last >= s.recorded_at - INTERVAL 7 DAY THEN r.w
            ELSE 0 END
  FROM demo_slot_states AS s
  JOIN demo_params AS p ON p.park_id = s.park_id
  JOIN demo_ride_days AS r ON r.park_id = s.park_id
 ORDER BY s.recorded_at, r.ride_id
"""

# 3. The rides' operating facts of the day, from the stored ride rows of the day.
OPERATING_DAYS = """
INSERT INTO ride_operating_days (ride_id, local_date, first_operated_at, last_operated_at)
SELECT rs.ride_id, %(day)s, MIN(rs.recorded_at), MAX(rs.recorded_at)
  FROM ride_snapshots AS rs
 WHERE rs.recorded_at >= %(day_start)s AND rs.recorded_at < %(day_end)s
   AND rs.status = 'OPERATING' AND rs.park_id IN ({parks})
 GROUP BY rs.ride_id
ON DUPLICATE KEY UPDATE first_operated_at = VALUES(first_operated_at),
                        last_operated_at = VALUES(last_operated_at)
"""

# 4. Each park row: the sums of its stored ride rows (the formula of park_snapshots_derive).
PARK_ROWS = f"""
INSERT IGNORE INTO park_snapshots (
    park_id, recorded_at, park_open, rides_total, rides_operating, rides_down, rides_closed,
    rides_refurbishment, weight_total, weight_down, shame_score, avg_wait_minutes,
    peak_wait_minutes, rides_reporting)
SELECT STRAIGHT_JOIN rs.park_id, rs.recorded_at, MAX(s.park_open),
       COUNT(*),
       SUM(rs.ride_class = 'operating'),
       SUM(rs.ride_class = 'down'),
       SUM(rs.ride_class = 'closed'),
       SUM(rs.ride_class = 'refurbishment'),
       SUM(rs.weight_counted),
       SUM(CASE WHEN rs.ride_class = 'down' THEN rs.weight_counted ELSE 0 END),
       {_SHAME.format(down="SUM(CASE WHEN rs.ride_class = 'down' THEN rs.weight_counted "
                           "ELSE 0 END)", total="SUM(rs.weight_counted)")},
       ROUND(AVG(CASE WHEN rs.status = 'OPERATING' AND rs.wait_minutes > 0
                      THEN rs.wait_minutes END), 2),
       MAX(CASE WHEN rs.status = 'OPERATING' AND rs.wait_minutes > 0 THEN rs.wait_minutes END),
       SUM(rs.status = 'OPERATING' AND rs.wait_minutes > 0)
  FROM ride_snapshots AS rs
  JOIN demo_slot_states AS s ON s.recorded_at = rs.recorded_at AND s.park_id = rs.park_id
 WHERE rs.recorded_at >= %(first)s AND rs.recorded_at <= %(last)s
   AND rs.park_id IN ({{parks}})
 GROUP BY rs.recorded_at, rs.park_id
"""

QUEUE_RECOMPUTE = """
INSERT IGNORE INTO snapshot_recompute_queue (park_id, local_date, queued_at, next_attempt_at)
VALUES (%s, %s, UTC_TIMESTAMP(), '2000-01-01 00:00:00')
"""


class Progress:
    """A plain-text progress bar on stderr: [#####.....] 45% day 120/400."""

    def __init__(self, total: int, label: str = "day", enabled: bool = True,
                 lines: bool = False, prefix: str = ""):
        self.total, self.label, self.enabled = max(total, 1), label, enabled
        self.tty = sys.stderr.isatty() and not lines
        self.prefix = prefix
        self.started = time.monotonic()
        self.last_line = -1.0

    def update(self, done: int, note: str = "") -> None:
        if not self.enabled:
            return
        frac = done / self.total
        bar = "#" * int(frac * 20) + "." * (20 - int(frac * 20))
        elapsed = time.monotonic() - self.started
        text = (f"{self.prefix}[{bar}] "
                f"{frac * 100:3.0f}% {self.label} {done}/{self.total} {elapsed:5.0f}s {note}")
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
    ride_rows: int = 0

    def __str__(self) -> str:
        rate = (self.snapshots + self.ride_rows) / self.seconds if self.seconds else 0
        return (f"{self.snapshots:,} park snapshots and {self.ride_rows:,} ride rows for "
                f"{self.parks} parks ({self.rides} rides), {self.days} day(s) from "
                f"{self.start:%Y-%m-%d %H:%M} to {self.end:%Y-%m-%d %H:%M} UTC, in "
                f"{self.seconds:.0f} s ({rate:,.0f} rows/s)")


class _CursorQueries:
    """What webapi.formulas.read_formulas reads through: ``query(sql, params)`` -> dict
    rows, on the connection of a demo cursor."""

    def __init__(self, cur):
        self.conn = cur.connection

    def query(self, sql: str, params) -> list[dict]:
        with self.conn.cursor(pymysql.cursors.DictCursor) as cur:
            cur.execute(sql, params)
            return cur.fetchall()


_FORMULAS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def with_formulas(cur, sql: str) -> str:
    """``sql`` with its metric function calls (snapshot_shame_score_of) written in place
    from their installed definitions, as the API does (webapi.formulas): the formula
    stays defined once, in sql/metrics, without a function call per row. The
    definitions are read once per connection."""
    formulas = _FORMULAS.get(cur.connection)
    if formulas is None:
        formulas = _FORMULAS[cur.connection] = read_formulas(_CursorQueries(cur))
    return expand_calls(sql, formulas)


def ride_wait(wave: float, factor: float, ride_id: int, g: int) -> int | None:
    """A ride's posted wait: the park's wave times the ride's factor and a stable noise,
    in 5-minute steps (the formula of RIDE_ROWS)."""
    if not factor:
        return None
    noise = ((ride_id * 40503 + g * 2654435761) % 1000003) / 1000003
    return min(300, max(5, 5 * round(wave * factor * (0.75 + 0.5 * noise) / 5)))


def _routine_exists(cur, name: str) -> bool:
    cur.execute("SELECT 1 FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE() "
                "AND ROUTINE_NAME = %s", (name,))
    return cur.fetchone() is not None


def _call(cur, sql: str, args=None) -> None:
    cur.execute(sql, args)
    while cur.nextset():
        pass


def _refresh_running(cur, first: date, last: date) -> None:
    """running_daily_refresh() and running_daily_ride_refresh() of the local days
    [first, last] not aggregated yet."""
    cur.execute("SELECT DATE(done_through) FROM aggregation_watermarks WHERE level = 'daily'")
    row = cur.fetchone()
    if row is not None and row[0] is not None:
        first = max(first, row[0])
    if first <= last:
        _call(cur, "CALL running_daily_refresh(NULL, %s, %s)", (first, last))
        if _routine_exists(cur, "running_daily_ride_refresh"):
            _call(cur, "CALL running_daily_ride_refresh(NULL, %s, %s)", (first, last))


def _reporting_zone(cur) -> ZoneInfo:
    cur.execute("SELECT setting_value FROM settings WHERE setting_name = 'reporting_time_zone'")
    return ZoneInfo(cur.fetchone()[0])


RAW_DAYS = 3  # make run: local days loaded raw (today, yesterday, the day before)


def raw_window_start(now: datetime, zone: ZoneInfo) -> date:
    """The first local day make run loads raw (ride rows and park rows), RAW_DAYS - 1 days
    before today: live and today read raw rows, yesterday's charts its hourly rows; the
    days before are daily summaries (summarize_history)."""
    today = now.replace(tzinfo=UTC).astimezone(zone).date()
    return today - timedelta(days=RAW_DAYS - 1)


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
    ``workers``: connections writing days in parallel (each its own parks).
    ``progress``: a progress bar on stderr ("lines": a line every 10 s).  ``models``:
    the parks to write (default: the demo parks, created if missing).
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

    _call(cur, "CALL maintain_snapshot_partitions(%s)", (start.date(),))
    recompute = _days_to_recompute(cur, models, start, end, zone)

    # Workers: this connection plus (workers - 1) more, each with its own temporary
    # tables and its own parks, writing the same days at the same time (a park's days
    # are written in order: each day's weights read the operating facts of the 8 before).
    conns = [conn] + [_clone(conn) for _ in range(max(1, workers) - 1)]
    shares: list[list[ParkModel]] = [[] for _ in conns]
    for m in sorted(models, key=lambda m: -len(m.rides)):
        min(shares, key=lambda share: sum(len(x.rides) for x in share)).append(m)
    all_days = [first_day + timedelta(days=i) for i in range((end_day - first_day).days + 1)]
    bar = Progress(len(all_days), enabled=bool(progress), lines=progress == "lines",
                   prefix="demo history: " if progress == "lines" else "")
    state = {"rows": 0, "ride_rows": 0, "days": 0}
    lock = threading.Lock()
    calendar = _calendar(cur, first_day, end_day)

    def work(wconn, share: list[ParkModel], chunk: list[date]) -> None:
        wcur = wconn.cursor()
        for day in chunk:
            rides, parks_n = retry_deadlocks(
                lambda day=day: _write_day(wcur, share, day, zone, calendar[day], start, end))
            with lock:
                state["rows"] += parks_n
                state["ride_rows"] += rides
                state.setdefault("done", {}).setdefault(day, 0)
                state["done"][day] += 1
                if state["done"][day] == len(conns):
                    state["days"] += 1
                bar.update(state["days"], f"{state['rows']:,} park and "
                                          f"{state['ride_rows']:,} ride rows")

    # Each month is aggregated (and old raw data purged) by another connection
    # while the next month is written.
    aggregator = Aggregator(_clone(conn), has_retention, end) if has_backfill else None
    # Without a backfill to follow, the running sums are recomputed after each chunk:
    # a bulk load kept the triggers from keeping the park sums, and no trigger keeps
    # the ride sums of ride rows inserted directly (record_park_snapshot does).
    has_running = _routine_exists(cur, "running_daily_refresh")
    try:
        for wconn, share in zip(conns, shares, strict=True):
            _setup_session(wconn, share, bulk)
        for c in range(0, len(all_days), chunk_days):
            chunk = all_days[c:c + chunk_days]
            if len(conns) == 1:
                work(conn, shares[0], chunk)
            else:
                with ThreadPoolExecutor(len(conns)) as pool:
                    futures = [pool.submit(work, w, share, chunk)
                               for w, share in zip(conns, shares, strict=True)]
                    for future in futures:
                        future.result()
            chunk_from = max(start, _utc(chunk[0], dtime(0), zone))
            chunk_to = min(end + timedelta(minutes=SLOT_MINUTES),
                           _utc(chunk[-1] + timedelta(days=1), dtime(0), zone))
            if aggregator is not None:
                aggregator.submit(chunk_from, chunk_to)
            elif has_running:
                _refresh_running(cur, chunk[0], chunk[-1])
        _update_last_operated(cur, models)
        # Days of existing history whose derived columns the new rows change (the day
        # after the range, when one is stored; a first day begun without its morning):
        # queued for the procedures, which re-derive them (the next backfill or cycle).
        for park_id, day in recompute:
            cur.execute(QUEUE_RECOMPUTE, (park_id, day))
        if aggregator is not None:
            for day in sorted({day for _, day in recompute}):
                lo = _utc(day, dtime(0), zone)
                aggregator.submit(lo, lo + timedelta(days=9))
            bar.update(state["days"], f"{state['rows']:,} park and {state['ride_rows']:,} "
                                      "ride rows, aggregating the last month")
            aggregator.finish()
        bar.finish()
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
                      state["rows"], time.monotonic() - began, start, end, has_backfill,
                      state["ride_rows"])


def _calendar(cur, first: date, last: date) -> dict[date, tuple[datetime, datetime]]:
    cur.execute("SELECT local_date, utc_start, utc_end FROM calendar_days "
                "WHERE local_date BETWEEN %s AND %s", (first, last))
    return {day: (lo, hi) for day, lo, hi in cur.fetchall()}


def _days_to_recompute(cur, models, start, end, zone) -> list[tuple[int, date]]:
    """(park, local day) of stored history that the rows about to be loaded change:
    the day of the first snapshot after ``end`` (within 8 days: its 7-day weights), and
    the first day when the range begins after that day's first recorded slot with none
    of the day's earlier rows stored (its down rule)."""
    out = []
    ids = [m.park_id for m in models]
    marks = ",".join(["%s"] * len(ids))
    cur.execute(f"SELECT park_id, MIN(recorded_at) FROM park_snapshots WHERE park_id IN ({marks})"
                " AND recorded_at > %s AND recorded_at <= %s GROUP BY park_id",
                (*ids, end, end + timedelta(days=8)))
    for park_id, at in cur.fetchall():
        out.append((park_id, at.replace(tzinfo=UTC).astimezone(zone).date()))
    first_day = start.replace(tzinfo=UTC).astimezone(zone).date()
    day_start = _utc(first_day, dtime(0), zone)
    if start > day_start:
        cur.execute(f"SELECT DISTINCT park_id FROM park_snapshots WHERE park_id IN ({marks})"
                    " AND recorded_at >= %s AND recorded_at < %s", (*ids, day_start, start))
        begun = {r[0] for r in cur.fetchall()}
        for m in models:
            plan = m.day_plan(first_day, zone)
            if m.park_id not in begun and plan.first_at is not None and plan.first_at < start:
                out.append((m.park_id, first_day))
    return out


def _stage_day(cur, share: list[ParkModel], day: date, zone: ZoneInfo,
               bounds: tuple[datetime, datetime], start: datetime, end: datetime,
               weights: dict[int, int] | None = None,
               last_operated: dict[int, datetime] | None = None,
               step: int = 1) -> dict[int, DayPlan]:
    """Fills the day's scratch tables for the share's parks: demo_days (each park's plan),
    demo_ride_days (each ride's state, track, wait factor and class, weight, first
    operation) and demo_slot_states (SLOT_STATES: the recorded park-slots in [start, end]).
    ``weights``: ride_id -> counted weight (default: the model's tier weight);
    ``last_operated``: ride_id -> its last OPERATING time before the day (prev_last;
    default NULL, for the caller to fill); ``step``: every step-th slot only (the
    summaries). Returns each park's plan of the day."""
    day_start, _day_end = bounds
    slot0 = slot_index(day_start)
    days, ride_days = [], []
    plans = {}
    for m in share:
        plan = plans[m.park_id] = m.day_plan(day, zone)
        first_at = plan.first_at
        days.append((m.park_id, slot0, plan.open_at, plan.close_at, first_at,
                     round(plan.crowd, 4), plan.rate_permille, plan.gap_from, plan.gap_to))
        factors = m.wait_factors(plan)
        # A ride available today first operates at the first recorded open slot (nothing
        # is down then), when the range writes it.
        model_first = first_at if first_at is not None and start <= first_at <= end else None
        for i, r in enumerate(sorted(m.rides, key=lambda r: r.ride_id)):
            k, idx = m.track_of(i)
            st = 1 if r.ride_id in plan.refurb else 2 if r.ride_id in plan.closed else 0
            ride_days.append((r.ride_id, m.park_id, st, k + 1, idx, factors[r.ride_id],
                              weights[r.ride_id] if weights else r.weight,
                              model_first if st == 0 else None,
                              last_operated.get(r.ride_id) if last_operated else None,
                              WAIT_CLASS[r.tier] if r.has_wait else 0))
    for table in DAY_TEMP_NAMES:
        cur.execute(f"DELETE FROM {table}")
    cur.executemany("INSERT INTO demo_days VALUES (" + ",".join(["%s"] * 9) + ")", days)
    cur.executemany("INSERT INTO demo_ride_days (ride_id, park_id, state, track, idx, wf, w, "
                    "first_op, prev_last, wk) VALUES (" + ",".join(["%s"] * 10) + ")", ride_days)
    cur.execute(SLOT_STATES, {"day": day, "start": start, "end": end, "step": step})
    return plans


def _write_day(cur, share: list[ParkModel], day: date, zone: ZoneInfo,
               bounds: tuple[datetime, datetime], start: datetime, end: datetime
               ) -> tuple[int, int]:
    """Writes one local day of the share's parks: ride rows first, then the day's operating
    facts, then each park row as the sum of its ride rows. Returns (ride rows, park rows)."""
    day_start, day_end = bounds
    if day_end <= start or day_start > end:
        return 0, 0
    _stage_day(cur, share, day, zone, bounds, start, end)
    # The operating facts already stored (an earlier load or the collector): the day's
    # first operation, and the last of the 8 days before (the 7-day weight rule).
    cur.execute("""
        UPDATE demo_ride_days AS r
          LEFT JOIN ride_operating_days AS o ON o.ride_id = r.ride_id AND o.local_date = %(day)s
           SET r.first_op = CASE WHEN o.first_operated_at IS NULL THEN r.first_op
                                 WHEN r.first_op IS NULL THEN o.first_operated_at
                                 ELSE LEAST(r.first_op, o.first_operated_at) END,
               r.prev_last = (SELECT MAX(d.last_operated_at) FROM ride_operating_days AS d
                               WHERE d.ride_id = r.ride_id
                                 AND d.local_date BETWEEN %(day)s - INTERVAL 8 DAY
                                                      AND %(day)s - INTERVAL 1 DAY)""",
                {"day": day})
    rides = cur.execute(RIDE_ROWS)
    args = {"day": day, "day_start": day_start, "day_end": day_end,
            "first": max(start, day_start), "last": min(end, day_end)}
    ids = ",".join(str(m.park_id) for m in share)
    cur.execute(OPERATING_DAYS.replace("{parks}", ids), args)
    parks_n = cur.execute(with_formulas(cur, PARK_ROWS.replace("{parks}", ids)), args)
    return rides, parks_n


def _update_last_operated(cur, models: list[ParkModel]) -> None:
    """rides.last_operated_at: the newest OPERATING time stored (ride_operating_days)."""
    ids = [m.park_id for m in models]
    cur.execute(
        "UPDATE rides AS r JOIN (SELECT d.ride_id, MAX(d.last_operated_at) AS last_op "
        "FROM ride_operating_days AS d JOIN rides AS x ON x.ride_id = d.ride_id "
        f"WHERE x.park_id IN ({','.join(['%s'] * len(ids))}) GROUP BY d.ride_id) AS o "
        "ON o.ride_id = r.ride_id "
        "SET r.last_operated_at = GREATEST(COALESCE(r.last_operated_at, o.last_op), o.last_op)",
        ids)


# Deadlock, lock wait timeout: the writers of two park shares, the aggregator and a
# scheduled cycle touch neighbouring rows; InnoDB rolls the statement back, and every
# statement of a day's write (and a backfill) is idempotent, so it is run again.
RETRIED_ERRNOS = (1213, 1205)


def retry_deadlocks(action, attempts: int = 10):
    for attempt in range(attempts):
        try:
            return action()
        except pymysql.OperationalError as exc:
            if exc.args[0] not in RETRIED_ERRNOS or attempt == attempts - 1:
                raise
            time.sleep(0.2 * (attempt + 1))


def backfill(cur, lo: datetime, hi: datetime, attempts: int = 20) -> str:
    """CALL backfill_aggregates(lo, hi), again while the aggregation lock is busy (a
    scheduled cycle running meanwhile); returns its summary."""
    def call_once():
        cur.execute("CALL backfill_aggregates(%s, %s)", (lo, hi))
        first = cur.fetchone()
        while cur.nextset():
            pass
        return first

    for _ in range(attempts):
        row = retry_deadlocks(call_once)
        summary = str(row[0]) if row else ""
        if not summary.startswith("Skipped"):
            if summary.startswith("Backfill failed") or "FAILED" in summary:
                raise RuntimeError(f"backfill_aggregates({lo}, {hi}): {summary}")
            return summary
        time.sleep(5)
    raise RuntimeError(f"backfill_aggregates({lo}, {hi}): {summary}")


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
                backfill(cur, chunk_from, chunk_to)
                if self.retention:
                    # Retention as if the clock stood at the month's end: raw data
                    # beyond the 90 days kept goes as the load moves on.
                    cur.execute("SET @parkstats_now = %s", (min(chunk_to, self.end),))
                    try:
                        retry_deadlocks(lambda: _call(cur, "CALL apply_retention()"))
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


def _setup_session(conn: pymysql.Connection, share: list[ParkModel], bulk: bool) -> None:
    cur = conn.cursor()
    for stmt in TEMP_TABLES.split(";"):
        cur.execute(stmt.replace("CREATE TEMPORARY TABLE", "CREATE TEMPORARY TABLE IF NOT EXISTS"))
    for table in TEMP_NAMES:
        cur.execute(f"TRUNCATE TABLE {table}")
    cur.execute("INSERT INTO demo_slots (n) VALUES " + ",".join(f"({n})" for n in range(300)))
    params = []
    for m in share:
        ks = range(MAX_TRACKS)
        params.append((m.park_id, int(m.info.closed_means_down), len(m.tracks), m.info.busy,
                       *[m.tracks[k] if k < len(m.tracks) else 1 for k in ks],
                       *[m.track_size(k) if k < len(m.tracks) else 1 for k in ks]))
    if params:
        cur.executemany("INSERT INTO demo_params VALUES (" + ",".join(["%s"] * 20) + ")", params)
    # Materialise the derived table of SLOT_STATES: merged, every breakdown hash
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
        for table in TEMP_NAMES:
            cur.execute(f"DROP TEMPORARY TABLE IF EXISTS {table}")
    except (pymysql.MySQLError, OSError):
        pass  # the connection is gone (interrupted): the session's state went with it


# -- older history as daily summaries ------------------------------------------------

# Raw snapshots are kept 90 days (apply_retention), so the demo writes the days before its
# raw window directly as daily park and ride rows, from the same model evaluated per
# park-slot (SLOT_STATES: open or not, the wave, each track's down ride) instead of per
# ride row, at every SUMMARY_STEP-th slot: each evaluated slot stands for the
# SUMMARY_STEP snapshots around it (counts and sums times SUMMARY_STEP, maxima as they
# are), which keeps two years of ~80 parks to about a minute. Per local day and share of
# parks, after _stage_day:
SUMMARY_STEP = 3
# 1. every down ride-slot (the down rule of RIDE_ROWS: the down track's picked ride, when
#    available that day and after its first operation);
_TRACK_IDX = "(CASE t.n " + " ".join(
    f"WHEN {k} THEN s.d{k}" for k in range(1, MAX_TRACKS + 1)) + " END)"
SUMMARY_DOWN = f"""
INSERT INTO demo_sum_down
    (recorded_at, park_id, ride_id, w, wait)
SELECT STRAIGHT_JOIN
       u.recorded_at,
       u.park_id,
       r.ride_id,
       r.w,
       IF(r.wk > 0, {_WAIT.format(wave="u.wave", wf="r.wf", noise="0.5")}, NULL)
  FROM (SELECT s.park_id, s.recorded_at, s.wave, t.n AS track, {_TRACK_IDX} AS idx
          FROM demo_slot_states AS s
          JOIN demo_slots AS t
            ON t.n BETWEEN 1 AND {MAX_TRACKS}
         WHERE s.park_open = 1
        HAVING idx >= 0) AS u
  JOIN demo_ride_days AS r
    ON r.park_id = u.park_id
   AND r.track = u.track
   AND r.idx = u.idx
 WHERE r.state = 0
   AND r.first_op < u.recorded_at
"""

# 2. each ride's daily row: a row per recorded slot; while its park is open, operating
#    unless down (when available that day), else closed (closed all day) or in
#    refurbishment; its waits RIDE_ROWS's formula with the noise at its mean (0.5): its
#    class's (tier's) wait at every open slot, less those at the slots it was down;
SUMMARY_RIDE_DAYS = f"""
INSERT INTO daily_ride_stats
    (stat_date, ride_id, park_id, sample_count, open_sample_count, operating_samples,
     down_samples, closed_samples, refurbishment_samples, wait_sum, wait_count,
     peak_wait_minutes, aggregated_at)
SELECT %(day)s,
       r.ride_id,
       r.park_id,
       p.samples,
       p.open_samples,
       IF(r.state = 0, p.open_samples - COALESCE(d.downs, 0), 0),
       COALESCE(d.downs, 0),
       IF(r.state = 2, p.open_samples, 0),
       IF(r.state = 1, p.open_samples, 0),
       COALESCE(w.wait_sum - COALESCE(d.down_waits, 0), 0),
       COALESCE(w.waits - COALESCE(d.downs, 0), 0),
       IF(w.waits > COALESCE(d.downs, 0), w.peak, NULL),
       %(now)s
  FROM demo_ride_days AS r
  JOIN (SELECT park_id, COUNT(*) * %(step)s AS samples, SUM(park_open) * %(step)s AS open_samples
          FROM demo_slot_states
         GROUP BY park_id) AS p
    ON p.park_id = r.park_id
  LEFT JOIN (SELECT ride_id, COUNT(*) * %(step)s AS downs, SUM(wait) * %(step)s AS down_waits
               FROM demo_sum_down
              GROUP BY ride_id) AS d
    ON d.ride_id = r.ride_id
  LEFT JOIN (SELECT c.park_id,
                    c.wk,
                    SUM({_WAIT.format(wave="s.wave", wf="c.wf", noise="0.5")}) * %(step)s
                        AS wait_sum,
                    COUNT(*) * %(step)s AS waits,
                    MAX({_WAIT.format(wave="s.wave", wf="c.wf", noise="0.5")}) AS peak
               FROM (SELECT park_id, wk, MAX(wf) AS wf
                       FROM demo_ride_days
                      WHERE state = 0
                        AND wk > 0
                      GROUP BY park_id, wk) AS c
               JOIN demo_slot_states AS s
                 ON s.park_id = c.park_id
                AND s.park_open = 1
              GROUP BY c.park_id, c.wk) AS w
    ON w.park_id = r.park_id
   AND w.wk = r.wk
   AND r.state = 0
ON DUPLICATE KEY UPDATE
    park_id = VALUES(park_id),
    sample_count = VALUES(sample_count),
    open_sample_count = VALUES(open_sample_count),
    operating_samples = VALUES(operating_samples),
    down_samples = VALUES(down_samples),
    closed_samples = VALUES(closed_samples),
    refurbishment_samples = VALUES(refurbishment_samples),
    wait_sum = VALUES(wait_sum),
    wait_count = VALUES(wait_count),
    peak_wait_minutes = VALUES(peak_wait_minutes),
    aggregated_at = VALUES(aggregated_at)
"""

# 3. each park's daily row: its weight_total (the rides available that day, and those
#    closed all day that operated within the 7 days before the day began: RIDE_ROWS's
#    rule taken once a day), each open slot's weight_down (its down rides') and shame
#    score, summed; its rides' additive measures summed from the ride rows just written.
_DAY_WEIGHT_TOTAL = ("SUM(CASE WHEN state = 0 THEN w WHEN state = 2 AND prev_last >= "
                      "%(day_start)s - INTERVAL 7 DAY THEN w ELSE 0 END)")
SUMMARY_PARK_DAYS = f"""
INSERT INTO daily_park_stats
    (stat_date, park_id, hours_in_day, sample_count, open_sample_count, shame_sum,
     shame_count, wait_sum, wait_count, peak_wait_minutes, down_samples,
     weighted_down_samples, operating_samples, max_rides_down, aggregated_at)
SELECT %(day)s,
       p.park_id,
       c.hours_in_day,
       p.samples,
       p.open_samples,
       COALESCE(q.shame_sum, 0),
       IF(b.wt > 0, p.open_samples, 0),
       rd.wait_sum,
       rd.wait_count,
       rd.peak,
       rd.down_samples,
       COALESCE(q.weighted_down, 0),
       rd.operating_samples,
       IF(p.open_samples > 0, COALESCE(q.max_down, 0), NULL),
       %(now)s
  FROM (SELECT park_id, COUNT(*) * %(step)s AS samples, SUM(park_open) * %(step)s AS open_samples
          FROM demo_slot_states
         GROUP BY park_id) AS p
  JOIN (SELECT park_id,
               {_DAY_WEIGHT_TOTAL} AS wt
          FROM demo_ride_days
         GROUP BY park_id) AS b
    ON b.park_id = p.park_id
  LEFT JOIN (SELECT x.park_id,
                    SUM({_SHAME.format(down="x.wd", total="y.wt")}) * %(step)s AS shame_sum,
                    SUM(x.wd) * %(step)s AS weighted_down,
                    MAX(x.nd) AS max_down
               FROM (SELECT park_id, recorded_at, SUM(w) AS wd, COUNT(*) AS nd
                       FROM demo_sum_down
                      GROUP BY park_id, recorded_at) AS x
               JOIN (SELECT park_id,
                            {_DAY_WEIGHT_TOTAL} AS wt
                       FROM demo_ride_days
                      GROUP BY park_id) AS y
                 ON y.park_id = x.park_id
              GROUP BY x.park_id) AS q
    ON q.park_id = p.park_id
  JOIN (SELECT park_id,
               SUM(wait_sum) AS wait_sum,
               SUM(wait_count) AS wait_count,
               MAX(peak_wait_minutes) AS peak,
               SUM(down_samples) AS down_samples,
               SUM(operating_samples) AS operating_samples
          FROM daily_ride_stats
         WHERE stat_date = %(day)s
           AND park_id IN ({{parks}})
         GROUP BY park_id) AS rd
    ON rd.park_id = p.park_id
  JOIN calendar_days AS c
    ON c.local_date = %(day)s
ON DUPLICATE KEY UPDATE
    hours_in_day = VALUES(hours_in_day),
    sample_count = VALUES(sample_count),
    open_sample_count = VALUES(open_sample_count),
    shame_sum = VALUES(shame_sum),
    shame_count = VALUES(shame_count),
    wait_sum = VALUES(wait_sum),
    wait_count = VALUES(wait_count),
    peak_wait_minutes = VALUES(peak_wait_minutes),
    down_samples = VALUES(down_samples),
    weighted_down_samples = VALUES(weighted_down_samples),
    operating_samples = VALUES(operating_samples),
    max_rides_down = VALUES(max_rides_down),
    aggregated_at = VALUES(aggregated_at)
"""


def _summarize_day(cur, share: list[ParkModel], park_list: str, day: date, zone: ZoneInfo,
                   bounds: tuple[datetime, datetime], now: datetime, weights: dict[int, int],
                   last_operated: dict[int, datetime]) -> dict[int, DayPlan]:
    """Writes one local day of the share's parks as daily ride and park rows; returns each
    park's plan of the day."""
    plans = _stage_day(cur, share, day, zone, bounds, bounds[0],
                       bounds[1] - timedelta(minutes=SLOT_MINUTES), weights, last_operated,
                       SUMMARY_STEP)
    cur.execute(SUMMARY_DOWN)
    args = {"day": day, "day_start": bounds[0], "now": now, "step": SUMMARY_STEP}
    cur.execute(SUMMARY_RIDE_DAYS, args)
    cur.execute(with_formulas(cur, SUMMARY_PARK_DAYS.replace("{parks}", park_list)), args)
    return plans


MARK_SUMMARIZED = """
UPDATE aggregation_watermarks
   SET done_through = %(boundary)s,
       updated_at = UTC_TIMESTAMP()
 WHERE level IN ('raw_purged', 'hourly_purged')
   AND (done_through IS NULL OR done_through < %(boundary)s)
"""


@dataclass
class SummaryResult:
    """What summarize_history() wrote: local days [first, last], rows, seconds."""

    parks: int
    rides: int
    first: date
    last: date
    park_rows: int
    ride_rows: int
    seconds: float

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def __str__(self) -> str:
        return (f"{self.park_rows:,} daily park rows and {self.ride_rows:,} daily ride rows for "
                f"{self.parks} parks ({self.rides} rides), {self.days} day(s) from {self.first} "
                f"to {self.last}, with their weeks, months and years, in {self.seconds:.0f} s")


def summarize_history(url_or_conn, first: date, last: date, parks: int | None = None, *,
                      workers: int = 2, progress=True,
                      models: list[ParkModel] | None = None) -> SummaryResult:
    """Writes the local days [first, last] of the demo parks as daily summaries, without
    raw rows: daily_ride_stats and daily_park_stats from the model, per park-slot in SQL
    (a park's down, operating and wait measures are the sums of its rides'), then the
    engine's own roll-ups: aggregate_weeks_range() and aggregate_ride_weeks_range() for
    their weeks, aggregate_ride_months_range() for the rides' months and aggregate_year()
    for their years. Raw snapshots and hourly rows of those days never existed, so the
    raw_purged and hourly_purged watermarks move to the end of ``last``: no cycle,
    backfill or verify recomputes the days from them, and retention keeps working.

    The days must be older than every stored raw snapshot (the raw window is loaded after,
    or already begins after ``last``); ValueError otherwise. Writing again gives the same
    rows (absolute upserts). ``parks``: the first N demo parks; ``models``: the parks to
    write (default: the demo parks, created if missing); ``workers``: connections writing
    days in parallel, each its own parks; ``progress``: as load_demo's."""
    own = not isinstance(url_or_conn, pymysql.Connection)
    conn = connect(url_or_conn) if own else url_or_conn
    try:
        return _summarize(conn, first, last, parks, workers, progress, models)
    finally:
        if own:
            conn.close()


def _summarize(conn, first, last, parks, workers, progress, models) -> SummaryResult:
    began = time.monotonic()
    if last < first:
        raise ValueError(f"summarize_history: last day {last} is before first day {first}")
    cur = conn.cursor()
    zone = _reporting_zone(cur)
    calendar = _calendar(cur, first, last + timedelta(days=1))
    if first not in calendar or last + timedelta(days=1) not in calendar:
        raise ValueError(f"summarize_history: {first} .. {last} is outside calendar_days")
    boundary = calendar[last + timedelta(days=1)][0]
    cur.execute("SELECT MIN(recorded_at) FROM park_snapshots")
    oldest = cur.fetchone()[0]
    if oldest is not None and oldest < boundary:
        raise ValueError(
            f"summarize_history: raw snapshots exist from {oldest:%Y-%m-%d %H:%M} UTC, before "
            f"the end of the days to summarize ({last} ends {boundary:%Y-%m-%d %H:%M} UTC); "
            "only days older than the raw data can be summarized")
    if models is None:
        models = ensure_parks(conn, parks)
    ids = [m.park_id for m in models]
    # Each ride's counted weight, by the database's own rule (ride_tier_weight).
    cur.execute("SELECT ride_id, ride_tier_weight(tier) FROM rides "
                f"WHERE park_id IN ({','.join(['%s'] * len(ids))})", ids)
    weights = dict(cur.fetchall())
    cur.execute("SELECT UTC_TIMESTAMP()")
    now = cur.fetchone()[0]

    conns = [conn] + [_clone(conn) for _ in range(max(1, workers) - 1)]
    shares: list[list[ParkModel]] = [[] for _ in conns]
    for m in sorted(models, key=lambda m: -len(m.rides)):
        min(shares, key=lambda share: sum(len(x.rides) for x in share)).append(m)
    shares = [share for share in shares if share]
    conns = conns[:len(shares)]
    all_days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    bar = Progress(len(all_days) * len(conns), label="park-share day",
                   enabled=bool(progress), lines=progress == "lines")
    state = {"done": 0}
    lock = threading.Lock()

    def work(wconn, share: list[ParkModel]) -> None:
        wcur = wconn.cursor()
        park_list = ",".join(str(m.park_id) for m in share)
        last_operated: dict[int, datetime] = {}
        for day in all_days:
            plans = retry_deadlocks(lambda day=day: _summarize_day(
                wcur, share, park_list, day, zone, calendar[day], now, weights, last_operated))
            for m in share:  # the rides' last operation, for the next days' weights
                plan = plans[m.park_id]
                last_at = plan.last_at()
                if last_at is not None:
                    for r in m.rides:
                        if r.ride_id not in plan.refurb and r.ride_id not in plan.closed:
                            last_operated[r.ride_id] = last_at
            with lock:
                state["done"] += 1
                bar.update(state["done"])

    try:
        for wconn, share in zip(conns, shares, strict=True):
            _setup_session(wconn, share, bulk=False)
        with ThreadPoolExecutor(len(conns)) as pool:
            for future in [pool.submit(work, w, share)
                           for w, share in zip(conns, shares, strict=True)]:
                future.result()
        bar.finish()
    finally:
        for wconn in conns[1:]:
            try:
                wconn.close()
            except (pymysql.MySQLError, OSError):
                pass
        _end_session(conn)
    # The engine's roll-ups of the summarized days: their Sunday-Saturday weeks, their years.
    week_from = first - timedelta(days=(first.weekday() + 1) % 7)
    week_to = last - timedelta(days=(last.weekday() + 1) % 7) + timedelta(days=7)
    _call(cur, "CALL aggregate_weeks_range(%s, %s, %s, @demo_rows)", (week_from, week_to, now))
    # The rides' weeks, then their months (which read those weeks), as the daily bucket does.
    _call(cur, "CALL aggregate_ride_weeks_range(%s, %s, %s, @demo_rows)", (week_from, week_to, now))
    month_to = date(last.year + last.month // 12, last.month % 12 + 1, 1)
    _call(cur, "CALL aggregate_ride_months_range(%s, %s, %s, @demo_rows)",
          (first.replace(day=1), month_to, now))
    for year in range(first.year, last.year + 1):
        cur.execute("CALL aggregate_year(%s)", (year,))
        summary, status = cur.fetchone()[:2]
        while cur.nextset():
            pass
        if status != "success":
            raise RuntimeError(f"aggregate_year({year}) after the summaries: {summary}")
    cur.execute(MARK_SUMMARIZED, {"boundary": boundary})
    counts = []
    for table in ("daily_park_stats", "daily_ride_stats"):
        cur.execute(f"SELECT COUNT(*) FROM {table} WHERE stat_date BETWEEN %s AND %s "
                    f"AND park_id IN ({','.join(['%s'] * len(ids))})", (first, last, *ids))
        counts.append(cur.fetchone()[0])
    return SummaryResult(len(models), sum(len(m.rides) for m in models), first, last,
                         *counts, time.monotonic() - began)
