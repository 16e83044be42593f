"""The metrics as SQL over an entity's summed measures.

The formulas are the stored functions of ``sql/`` (``shame_score_of`` and the
other ``*_of``); statements call them here, and ``webapi.formulas`` writes the
installed expressions in place of the calls. Besides the measures, every
source carries ``days`` (days its rows cover) and ``complete`` (the yearly
row's is_complete).
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

Measure = Callable[[str], str]  # a measure's name -> the SQL of its sum

# name -> SQL over the summed measures; ``i`` is the placeholder of the snapshot interval.
_FORMULAS: dict[str, Callable[[Measure, str], str]] = {
    "sample_count": lambda m, i: f"COALESCE({m('sample_count')}, 0)",
    "open_sample_count": lambda m, i: f"COALESCE({m('open_sample_count')}, 0)",
    "shame_score": lambda m, i: f"shame_score_of({m('shame_sum')}, {m('shame_count')})",
    "total_downtime_hours": lambda m, i: f"downtime_hours_of({m('down_samples')}, {i})",
    "weighted_downtime_hours":
        lambda m, i: f"downtime_hours_of({m('weighted_down_samples')}, {i})",
    "uptime_percentage":
        lambda m, i: f"uptime_percentage_of({m('operating_samples')}, {m('down_samples')})",
    "rides_down": lambda m, i: m("max_rides_down"),
    "avg_wait_minutes": lambda m, i: f"avg_wait_of({m('wait_sum')}, {m('wait_count')})",
    "peak_wait_minutes": lambda m, i: m("peak_wait_minutes"),
    "rides_reporting":
        lambda m, i: f"rides_reporting_of({m('wait_count')}, {m('open_sample_count')})",
    "days_covered": lambda m, i: f"COALESCE({m('days')}, 0)",
    "is_complete": lambda m, i: f"COALESCE({m('complete')}, 0)",
}
METRIC_NAMES = tuple(_FORMULAS)

# Metrics that order as the sum of one of their measures does. total_downtime_hours
# is down_samples x interval / 60 (downtime_hours_of): for an interval above 0 it grows
# with down_samples, and one down sample is interval / 60 h.
_RANKS_AS = {"total_downtime_hours": "down_samples"}


def ranks_as(name: str, interval_minutes: int, places: int) -> str | None:
    """The measure whose sum lists and orders as metric ``name`` does in a ranking of
    the rows above 0 once rounded to ``places`` decimals (the same rows, in the same
    order, ties included), or None.

    A ranking then compares integers instead of computing the metric's DECIMAL for
    each row it lists and sorts. Only when one sample (interval / 60 h, the interval a
    setting: ``snapshot_interval_minutes``) rounds above 0 half-up, that is when it is
    at least half of the last place: every sum above 0 is then listed, as the metric
    lists it (5 minutes: 1 and 2 places, not 0; an interval of 0 never)."""
    measure = _RANKS_AS.get(name)
    if measure is None or Fraction(interval_minutes, 60) < Fraction(1, 2 * 10**places):
        return None
    return measure


#: Trend fields: the metric whose current and previous values they compare.
TRENDS = {"shame_trend": "shame_score", "wait_trend": "avg_wait_minutes",
          "downtime_trend": "total_downtime_hours"}

#: What each endpoint reads (each stored-function call costs a few microseconds per row).
DOWNTIME = ("sample_count", "shame_score", "total_downtime_hours", "weighted_downtime_hours",
            "uptime_percentage", "rides_down", "shame_trend")
WAITS = ("sample_count", "avg_wait_minutes", "peak_wait_minutes", "rides_reporting",
         "wait_trend")


def metric_sql(name: str, measure: Measure, interval: str) -> str:
    """SQL of metric ``name``; ``measure(m)`` is the SQL of the summed measure m (only
    the measures the metric uses are asked for), ``interval`` a placeholder."""
    return _FORMULAS[name](measure, interval)


def trend_sql(now: str, before: str) -> str:
    return f"trend_percentage_of({now}, {before})"


def split_previous(name: str) -> tuple[int, str]:
    """(k, metric) of a field: k = 1 for previous_<metric> (the previous period), else 0."""
    if name.startswith("previous_"):
        return 1, name[len("previous_"):]
    return 0, name


def two_periods(fields) -> bool:
    """Whether ``fields`` need the previous period too."""
    return any(name in TRENDS or name.startswith("previous_") for name in fields)


def previous_reading(fields, keyed, previous):
    """How a ranking of ``fields``, listed and ordered on ``keyed``, reads the previous
    period (``previous``: its span or None): (previous, later, together). previous is
    None when no field needs it. ``later`` when the listing and order do not read it:
    it is summed apart and joined to the returned rows only (render.previous_sums),
    and the period asked for may be stored rows ranked as they are (today's ride
    waits 8.5 -> 5.9 ms over HTTP). ``together`` when it is grouped with the period
    asked for, before the limit (the trends)."""
    both = two_periods(fields)
    later = both and previous is not None and not two_periods(keyed)
    return (previous if both else None), later, both and not later
