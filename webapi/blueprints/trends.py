"""GET /api/trends/least-reliable and /api/trends/longest-wait-times (entity=parks or rides)."""

from __future__ import annotations

from flask import Blueprint, request

from webapi import params
from webapi.blueprints.common import (
    attribution,
    load_ranking,
    location,
    respond,
    rounded,
    timestamp,
)
from webapi.blueprints.rides import WAIT_RANKING as RIDE_WAITS
from webapi.blueprints.rides import downtime_ranking, load_rides, ride_item
from webapi.query.ranking import Ranking

LEAST_RELIABLE = Ranking(filter_on="shame_score", sort_on="shame_score", positive=True)
LONGEST_WAITS = Ranking(filter_on="avg_wait_minutes", sort_on="avg_wait_minutes")

bp = Blueprint("trends", __name__, url_prefix="/api/trends")


def _args():
    args = request.args
    period = params.period(args, allow_live=False)
    park_filter = params.park_filter(args)
    entity = params.entity(args)
    limit = params.limit(args, default=10, maximum=20)
    year = params.year(args, None)  # validated whenever given, used with period=year
    year = year if period == "year" else None
    return period, park_filter, entity, limit, year


def _body(period, park_filter, entity, label, data, now):
    return {"success": True, "period": period, "filter": park_filter, "entity": entity,
            "period_label": label, "count": len(data), "data": data,
            "attribution": attribution(), "timestamp": timestamp(now)}


@bp.get("/least-reliable")
def least_reliable():
    period, park_filter, entity, limit, year = _args()
    if entity == "rides":
        return _least_reliable_rides(period, park_filter, limit, year)

    def compute():
        label, rows, _state, now = load_ranking(
            period, park_filter, year, open_flag=False, with_previous=False,
            fields=("shame_score", "uptime_percentage"), ranking=LEAST_RELIABLE, limit=limit)
        listed = [r for r in rows if r["listed"]]
        data = [{"rank": rank, "park_id": r["park_id"], "park_name": r["park_name"],
                 "location": location(r), "avg_shame_score": rounded(r["shame_score"], 1),
                 "uptime_percentage": rounded(r["uptime_percentage"], 1)}
                for rank, r in enumerate(listed, start=1)]
        return _body(period, park_filter, entity, label, data, now)

    return respond((period, year, park_filter, entity, limit), compute)


@bp.get("/longest-wait-times")
def longest_wait_times():
    period, park_filter, entity, limit, year = _args()
    if entity == "rides":
        return _longest_wait_rides(period, park_filter, limit, year)

    def compute():
        label, rows, _state, now = load_ranking(
            period, park_filter, year, open_flag=False, with_previous=False,
            fields=("avg_wait_minutes", "rides_reporting"), ranking=LONGEST_WAITS, limit=limit)
        listed = [r for r in rows if r["listed"]]
        data = [{"rank": rank, "park_id": r["park_id"], "park_name": r["park_name"],
                 "location": location(r), "avg_wait_time": rounded(r["avg_wait_minutes"], 0),
                 "rides_with_waits": int(r["rides_reporting"] or 0)}
                for rank, r in enumerate(listed, start=1)]
        return _body(period, park_filter, entity, label, data, now)

    return respond((period, year, park_filter, entity, limit), compute)


def _least_reliable_rides(period, park_filter, limit, year):
    """Rides by downtime hours (descending), with uptime."""
    def compute():
        label, ranked, now = load_rides(
            period, park_filter, year, with_previous=False, limit=limit,
            fields=("total_downtime_hours", "uptime_percentage"),
            ranking=downtime_ranking("downtime_hours", totals=False))
        data = [{**ride_item(rank, r), "downtime_hours": rounded(r["total_downtime_hours"], 2),
                 "uptime_percentage": rounded(r["uptime_percentage"], 1)}
                for rank, r in enumerate(ranked.rows, start=1)]
        return _body(period, park_filter, "rides", label, data, now)

    return respond((period, year, park_filter, "rides", limit), compute)


def _longest_wait_rides(period, park_filter, limit, year):
    """Rides by average posted wait (descending), in whole minutes."""
    def compute():
        label, ranked, now = load_rides(period, park_filter, year, with_previous=False,
                                        limit=limit, fields=("avg_wait_minutes",),
                                        ranking=RIDE_WAITS)
        data = [{**ride_item(rank, r), "avg_wait_time": rounded(r["avg_wait_minutes"], 0)}
                for rank, r in enumerate(ranked.rows, start=1)]
        return _body(period, park_filter, "rides", label, data, now)

    return respond((period, year, park_filter, "rides", limit), compute)
