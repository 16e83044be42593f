"""GET /api/awards/yearly: the year's ranked award lists (parks, then rides) against the
previous year."""

from __future__ import annotations

from flask import Blueprint, request

from webapi import params
from webapi.blueprints.common import attribution, location, respond, rounded
from webapi.periods import year_span
from webapi.query.figures import period_figures
from webapi.query.ride_ranking import RideRanking, ride_rows
from webapi.services import services

bp = Blueprint("awards", __name__, url_prefix="/api/awards")

FIELDS = ("sample_count", "shame_score", "previous_shame_score", "avg_wait_minutes",
          "previous_avg_wait_minutes", "uptime_percentage", "previous_uptime_percentage",
          "days_covered", "previous_days_covered", "is_complete", "shame_trend")


def _item(row: dict, rank: int) -> dict:
    change = None
    if row["shame_score"] is not None and row["previous_shame_score"] is not None:
        change = rounded(row["shame_score"] - row["previous_shame_score"], 1)
    return {
        "rank": rank, "park_id": row["park_id"], "park_name": row["park_name"],
        "location": location(row),
        "shame_score": rounded(row["shame_score"], 1),
        "avg_wait_minutes": rounded(row["avg_wait_minutes"], 1),
        "uptime_percentage": rounded(row["uptime_percentage"], 1),
        "days_covered": int(row["days_covered"]),
        "is_complete": bool(row["is_complete"]),
        "previous_year_shame_score": rounded(row["previous_shame_score"], 1),
        "previous_year_avg_wait_minutes": rounded(row["previous_avg_wait_minutes"], 1),
        "previous_year_uptime_percentage": rounded(row["previous_uptime_percentage"], 1),
        "previous_year_days_covered": int(row["previous_days_covered"]),
        "shame_score_change": change,
        "trend_percentage": rounded(row["shame_trend"], 1),
    }


# The ride awards: each ranked and limited in SQL over the year and the one before.
RIDE_FIELDS = ("total_downtime_hours", "uptime_percentage", "avg_wait_minutes",
               "previous_total_downtime_hours", "previous_uptime_percentage",
               "previous_avg_wait_minutes", "previous_sample_count")
RIDE_AWARDS = {
    "least_reliable_rides": RideRanking(listed_on="total_downtime_hours", positive=True,
                                        order=(("total_downtime_hours", True),)),
    "most_reliable_rides": RideRanking(listed_on="uptime_percentage", order=(
        ("uptime_percentage", True), ("total_downtime_hours", False))),
    "longest_wait_rides": RideRanking(listed_on="avg_wait_minutes",
                                      order=(("avg_wait_minutes", True),)),
}


def _ride_item(row: dict, rank: int) -> dict:
    # Without a row in the previous year its downtime is unknown, not 0 hours.
    before = row["previous_sample_count"] > 0
    return {
        "rank": rank, "ride_id": row["ride_id"], "ride_name": row["ride_name"],
        "tier": row["tier"], "park_name": row["park_name"],
        "downtime_hours": rounded(row["total_downtime_hours"], 2),
        "uptime_percentage": rounded(row["uptime_percentage"], 1),
        "avg_wait_minutes": rounded(row["avg_wait_minutes"], 1),
        "previous_year_downtime_hours": (rounded(row["previous_total_downtime_hours"], 2)
                                         if before else None),
        "previous_year_uptime_percentage": rounded(row["previous_uptime_percentage"], 1),
        "previous_year_avg_wait_minutes": rounded(row["previous_avg_wait_minutes"], 1),
    }


def _ride_awards(svc, now, chosen: int, disney_universal: bool, limit: int) -> dict:
    current, previous = year_span(svc.calendar, chosen), year_span(svc.calendar, chosen - 1)
    return {name: [_ride_item(row, rank) for rank, row in enumerate(ride_rows(
        svc.read_db, svc.calendar, now=now, interval=svc.interval_minutes(),
        disney_universal=disney_universal, current=current, previous=previous,
        live_window=svc.live_window, ranking=ranking, fields=RIDE_FIELDS, limit=limit,
        plans=svc.plans).rows, start=1)] for name, ranking in RIDE_AWARDS.items()}


def _ranked(rows, key, limit):
    return [_item(r, rank) for rank, r in enumerate(sorted(rows, key=key)[:limit], start=1)]


@bp.get("/yearly")
def yearly():
    args = request.args
    park_filter = params.park_filter(args)
    year = params.year(args, None)
    limit = params.limit(args, default=10)

    def compute():
        svc = services()
        now = svc.now()
        chosen = year or svc.calendar.day_containing(now).year
        rows = period_figures(
            svc.read_db, svc.calendar, now=now, interval=svc.interval_minutes(),
            disney_universal=park_filter == "disney-universal",
            current=year_span(svc.calendar, chosen),
            previous=year_span(svc.calendar, chosen - 1), fields=FIELDS)
        years = [int(r["year"]) for r in svc.read_db.query(
            "SELECT DISTINCT year FROM yearly_park_stats ORDER BY year DESC")]
        present = [r for r in rows if r["sample_count"] > 0]
        shamed = [r for r in present if r["shame_score"] is not None]
        waited = [r for r in present if r["avg_wait_minutes"] is not None]
        both = [r for r in shamed if r["previous_shame_score"] is not None]
        improved = [r for r in both if r["shame_score"] < r["previous_shame_score"]]
        declined = [r for r in both if r["shame_score"] > r["previous_shame_score"]]
        awards = {
            "least_reliable": _ranked(shamed, lambda r: (-r["shame_score"], r["park_id"]), limit),
            "most_reliable": _ranked(shamed, lambda r: (r["shame_score"], r["park_id"]), limit),
            "longest_waits": _ranked(
                waited, lambda r: (-r["avg_wait_minutes"], r["park_id"]), limit),
            "shortest_waits": _ranked(
                waited, lambda r: (r["avg_wait_minutes"], r["park_id"]), limit),
            "most_improved": _ranked(improved, lambda r: (
                r["shame_score"] - r["previous_shame_score"], r["park_id"]), limit),
            "most_declined": _ranked(declined, lambda r: (
                r["previous_shame_score"] - r["shame_score"], r["park_id"]), limit),
        }
        awards.update(_ride_awards(svc, now, chosen, park_filter == "disney-universal", limit))
        complete = bool(present) and all(r["is_complete"] for r in present)
        return {"success": True, "year": chosen, "filter": park_filter, "is_complete": complete,
                "available_years": years, "parks_count": len(present), "awards": awards,
                "attribution": attribution()}

    return respond((year, park_filter, limit), compute)
