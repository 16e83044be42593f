"""The words the planner and the SQL share: the levels rows are kept at, and the
entities whose rows they are.

A level is a kind of row holding the sums and counts of a bucket of time. Not
every entity has every level (parks have no monthly rows), so the
planner is given an entity's levels and never assumes one it does not have.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Level(Enum):
    YEARLY = "yearly"  # a local calendar year, per entity (its days up to last_stat_date)
    MONTHLY = "monthly"  # a local calendar month: the sum of its daily rows
    WEEKLY = "weekly"  # a local Sunday-Saturday week: the sum of its daily rows
    DAILY = "daily"  # a local day, before the daily watermark
    RUNNING = "running"  # a local day from the daily watermark on, kept by the triggers
    HOURLY = "hourly"  # a UTC hour, before the hourly watermark
    RAW = "raw"  # the snapshots themselves


# The levels every entity must have: the planner falls back to them for whatever a
# coarser level cannot serve (stale buckets, the tail up to now).
REQUIRED = frozenset({Level.DAILY, Level.HOURLY, Level.RAW})


@dataclass(frozen=True)
class Parent:
    """What an entity belongs to (a ride: its park), and where each entity's newest raw
    row is kept with what it adds and its parent now (render.latest_of)."""

    key: str  # the parent's id column, in the raw rows and in ``latest``
    latest: str  # the table its writers keep, one row per entity


@dataclass(frozen=True)
class Entity:
    """What is ranked, and where its rows of each level are kept."""

    key: str  # the id column of its rows
    tables: dict[Level, str]  # the table (or view, or derived table) holding each level
    snapshots: str  # the raw table itself (latest snapshot, open flag)
    measures: tuple[str, ...]  # the summed columns every level holds
    maxima: tuple[str, ...]  # the measures combined with MAX instead of SUM
    # The raw rows' own time column where RAW's recorded_at is the park snapshot's
    # (rides): a read of a few entities bounds it too, so it starts from their rows.
    raw_own_time: str | None = None
    # What the entity belongs to, for the latest rows (render.latest_of).
    parent: Parent | None = None
    # Where YEARLY's rows carry their coverage from another table (rides: their park's
    # yearly row), the yearly rows alone: read when every park's yearly row serves
    # the year and no coverage column is needed (render._yearly).
    yearly_alone: str | None = None

    def __post_init__(self):
        missing = REQUIRED - self.levels
        if missing:
            raise ValueError(f"an entity needs the levels {sorted(m.value for m in missing)}")

    @property
    def levels(self) -> frozenset[Level]:
        return frozenset(self.tables)


PARKS = Entity(
    key="park_id",
    tables={Level.YEARLY: "yearly_park_stats", Level.WEEKLY: "weekly_park_stats",
            Level.DAILY: "daily_park_stats", Level.RUNNING: "running_daily_park_stats",
            Level.HOURLY: "hourly_park_stats",
            # What one snapshot adds to each measure is defined once, by this view.
            Level.RAW: "park_snapshot_measures"},
    snapshots="park_snapshots",
    measures=("sample_count", "open_sample_count", "shame_sum", "shame_count", "wait_sum",
              "wait_count", "peak_wait_minutes", "down_samples", "weighted_down_samples",
              "operating_samples", "max_rides_down"),
    maxima=("peak_wait_minutes", "max_rides_down"),
)

# What one ride row adds to each ride measure: the view ride_snapshot_measures
# (sql/ingest), which aggregate_ride_hours_range sums too (sample_count is COUNT(*)).
RIDE_SNAPSHOT_MEASURES = "ride_snapshot_measures"

# A ride's yearly row with the coverage of its park's yearly row (first_stat_date,
# last_stat_date, is_complete: the columns the yearly read needs, which
# yearly_ride_stats lacks). Exact: both rows are rewritten from the same days in one
# bucket transaction, and a ride has daily rows only on days its park has them.
# The ride rows first, by their key (year, ride_id), each joined to its park's row by
# key: the other way round the server read the ride rows through their park index.
RIDE_YEARS = ("(SELECT yr.*, yp.first_stat_date, yp.last_stat_date, yp.is_complete "
              "FROM yearly_ride_stats yr STRAIGHT_JOIN yearly_park_stats yp "
              "ON yp.year = yr.year AND yp.park_id = yr.park_id)")

RIDES = Entity(
    key="ride_id",
    tables={Level.YEARLY: RIDE_YEARS, Level.MONTHLY: "monthly_ride_stats",
            Level.WEEKLY: "weekly_ride_stats", Level.DAILY: "daily_ride_stats",
            Level.RUNNING: "running_daily_ride_stats",
            Level.HOURLY: "hourly_ride_stats", Level.RAW: RIDE_SNAPSHOT_MEASURES},
    snapshots="ride_snapshots",
    measures=("sample_count", "open_sample_count", "operating_samples", "down_samples",
              "closed_samples", "refurbishment_samples", "wait_sum", "wait_count",
              "peak_wait_minutes"),
    maxima=("peak_wait_minutes",),
    raw_own_time="ride_recorded_at",
    parent=Parent(key="park_id", latest="ride_latest_snapshots"),
    yearly_alone="yearly_ride_stats",
)

