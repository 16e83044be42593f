"""GET /api/rides/downtime and /api/rides/waittimes: ride rankings of a period."""

from __future__ import annotations

from flask import Blueprint, request

from webapi import params
from webapi.blueprints.common import attribution, location, respond, rounded
from webapi.blueprints.parks import common_args
from webapi.errors import ApiError
from webapi.periods import resolve
from webapi.query.ride_ranking import CURRENT_IS_OPEN, RideRanking, ride_rows
from webapi.services import services

bp = Blueprint("rides", __name__, url_prefix="/api/rides")

# sort_by -> the field it orders by; all descending but uptime (ascending).
SORTS = {"downtime_hours": "total_downtime_hours", "trend_percentage": "downtime_trend",
         CURRENT_IS_OPEN: CURRENT_IS_OPEN, "uptime_percentage": "uptime_percentage"}
DOWNTIME = ("total_downtime_hours", "uptime_percentage", "downtime_trend")
WAITS = ("avg_wait_minutes", "peak_wait_minutes", "wait_trend")
WAIT_RANKING = RideRanking(listed_on="avg_wait_minutes", order=(("avg_wait_minutes", True),))


def downtime_ranking(sort_by: str, totals: bool = True) -> RideRanking:
    """Listed: downtime above 0 as shown; ties (and a NULL trend, last) by downtime."""
    field = SORTS[sort_by]
    order = ((field, sort_by != "uptime_percentage"),)
    if field != "total_downtime_hours":
        order += (("total_downtime_hours", True),)
    return RideRanking(listed_on="total_downtime_hours", order=order, positive=True,
                       totals=totals)


def sort_by(args) -> str:
    value = args.get("sort_by", "downtime_hours")
    if value not in SORTS:
        raise ApiError(f"Invalid sort_by {value!r}: allowed values are {', '.join(SORTS)}")
    return value


def load_rides(period: str, park_filter: str, year: int | None, *, ranking: RideRanking,
               fields, limit: int, with_previous: bool = True):
    """(label, ranked, now): the first ``limit`` rides of a ranking, in order, and its
    totals (``RankedRides``)."""
    svc = services()
    now = svc.now()
    label, current, previous = resolve(svc.calendar, period, now, year)
    ranked = ride_rows(svc.read_db, svc.calendar, now=now, interval=svc.interval_minutes(),
                     disney_universal=park_filter == "disney-universal", current=current,
                     previous=previous if with_previous else None,
                     live_window=svc.live_window, ranking=ranking, fields=fields,
                     limit=limit, plans=svc.plans)
    return label, ranked, now


def ride_item(rank: int, row: dict) -> dict:
    """What every ride item starts with (the rankings add ``tier``)."""
    return {"rank": rank, "ride_id": row["ride_id"], "ride_name": row["ride_name"],
            "park_id": row["park_id"], "park_name": row["park_name"],
            "location": location(row)}


def _flags(row: dict) -> dict:
    return {"current_is_open": bool(row[CURRENT_IS_OPEN]),
            "park_is_open": bool(row["park_is_open"])}


@bp.get("/downtime")
def downtime():
    period, park_filter, year = common_args()
    sort = sort_by(request.args)
    limit = params.limit(request.args, default=100, maximum=200)

    def compute():
        label, ranked, _now = load_rides(period, park_filter, year,
                                         ranking=downtime_ranking(sort), fields=DOWNTIME,
                                         limit=limit)
        data = [{**ride_item(rank, row), "tier": row["tier"],
                 "downtime_hours": rounded(row["total_downtime_hours"], 2),
                 "uptime_percentage": rounded(row["uptime_percentage"], 1),
                 "trend_percentage": rounded(row["downtime_trend"], 1), **_flags(row)}
                for rank, row in enumerate(ranked.rows, start=1)]
        totals = ranked.totals or {"rides_tracked": 0, "all_downtime_hours": 0}
        return {
            "success": True, "period": period, "filter": park_filter, "sort_by": sort,
            "period_label": label, **({"year": int(label)} if period == "year" else {}),
            "aggregate_stats": {
                "total_rides_tracked": int(totals["rides_tracked"] or 0),
                "total_rides": ranked.total_rides,
                "total_downtime_hours": rounded(totals["all_downtime_hours"] or 0, 2),
            },
            "data": data, "attribution": attribution(),
        }

    return respond((period, year, park_filter, sort, limit), compute)


@bp.get("/waittimes")
def waittimes():
    period, park_filter, year = common_args()
    limit = params.limit(request.args, default=100, maximum=200)

    def compute():
        label, ranked, _now = load_rides(period, park_filter, year,
                                         ranking=WAIT_RANKING, fields=WAITS, limit=limit)
        data = [{**ride_item(rank, row), "tier": row["tier"],
                 "avg_wait_minutes": rounded(row["avg_wait_minutes"], 1),
                 "peak_wait_minutes": (int(row["peak_wait_minutes"])
                                       if row["peak_wait_minutes"] is not None else None),
                 **_flags(row), "trend_percentage": rounded(row["wait_trend"], 1)}
                for rank, row in enumerate(ranked.rows, start=1)]
        return {"success": True, "period": period, "filter": park_filter,
                "period_label": label, **({"year": int(label)} if period == "year" else {}),
                "data": data, "attribution": attribution()}

    return respond((period, year, park_filter, limit), compute)
