"""GET /api/parks/downtime and /api/parks/waittimes: park rankings of a period."""

from __future__ import annotations

from flask import Blueprint, request

from webapi import params
from webapi.blueprints.common import attribution, load_ranking, location, respond, rounded
from webapi.query.metrics import DOWNTIME, WAITS
from webapi.query.ranking import Ranking

bp = Blueprint("parks", __name__, url_prefix="/api/parks")

OPEN_FLAG_PERIODS = ("live", "today")


def common_args():
    args = request.args
    period = params.period(args)
    park_filter = params.park_filter(args)
    year = params.year(args, None)  # validated whenever given, used with period=year
    year = year if period == "year" else None
    return period, park_filter, year


def is_open(period: str, row: dict) -> bool:
    """Live rows are each park's latest snapshot; today reads it with the period."""
    if period == "live":
        return bool(row["open_sample_count"])
    return bool(row["park_is_open"])


def _ranking(sort_by: str) -> Ranking:
    """Listed: shame score above 0 as shown; uptime ascending (NULL last), the rest
    descending; ties by park_id."""
    return Ranking(filter_on="shame_score", sort_on=sort_by, positive=True,
                   descending=sort_by != "uptime_percentage", totals=True)


WAIT_RANKING = Ranking(filter_on="avg_wait_minutes", sort_on="avg_wait_minutes")


@bp.get("/downtime")
def downtime():
    period, park_filter, year = common_args()
    sort_by = params.sort_by(request.args)
    limit = params.limit(request.args)

    def compute():
        fields = DOWNTIME + (("previous_shame_score", "is_complete") if period == "year"
                             else ("open_sample_count",))
        label, rows, state, _now = load_ranking(period, park_filter, year, fields=fields,
                                                open_flag=period == "today",
                                                ranking=_ranking(sort_by), limit=limit)
        data = []
        for rank, row in enumerate((r for r in rows if r["listed"]), start=1):
            item = {
                "rank": rank, "park_id": row["park_id"], "park_name": row["park_name"],
                "location": location(row),
                "shame_score": rounded(row["shame_score"], 1),
                "total_downtime_hours": rounded(row["total_downtime_hours"], 2),
                "weighted_downtime_hours": rounded(row["weighted_downtime_hours"], 2),
                "uptime_percentage": rounded(row["uptime_percentage"], 1),
                "rides_down": int(row["rides_down"] or 0),
                "trend_percentage": rounded(row["shame_trend"], 1),
                "snapshot_count": int(row["sample_count"]),
            }
            if period in OPEN_FLAG_PERIODS:
                item["park_is_open"] = is_open(period, row)
            if period == "year":
                item["previous_year_shame_score"] = rounded(row["previous_shame_score"], 1)
                item["is_complete"] = bool(row["is_complete"])
            data.append(item)
        totals = rows[0] if rows else {"parks_tracked": 0, "all_downtime_hours": 0}
        return {
            "success": True, "period": period, "filter": park_filter, "sort_by": sort_by,
            "period_label": label,
            **({"year": int(label)} if period == "year" else {}),
            "aggregate_stats": {
                "total_parks_tracked": int(totals["parks_tracked"] or 0),
                "total_parks": state.total_parks,
                "total_downtime_hours": rounded(totals["all_downtime_hours"] or 0, 2),
            },
            "data": data,
            "attribution": attribution(),
        }

    return respond((period, year, park_filter, sort_by, limit), compute)


@bp.get("/waittimes")
def waittimes():
    period, park_filter, year = common_args()
    limit = params.limit(request.args)

    def compute():
        fields = WAITS + (("previous_avg_wait_minutes", "is_complete") if period == "year"
                          else ("open_sample_count",))
        label, rows, _state, _now = load_ranking(period, park_filter, year, fields=fields,
                                                 open_flag=period == "today",
                                                 ranking=WAIT_RANKING, limit=limit)
        data = []
        for rank, row in enumerate((r for r in rows if r["listed"]), start=1):
            item = {
                "rank": rank, "park_id": row["park_id"], "park_name": row["park_name"],
                "location": location(row),
                "avg_wait_minutes": rounded(row["avg_wait_minutes"], 1),
                "peak_wait_minutes": (int(row["peak_wait_minutes"])
                                      if row["peak_wait_minutes"] is not None else None),
                "rides_reporting": int(row["rides_reporting"] or 0),
                "trend_percentage": rounded(row["wait_trend"], 1),
            }
            if period in OPEN_FLAG_PERIODS:
                item["park_is_open"] = is_open(period, row)
            if period == "year":
                item["previous_year_avg_wait_minutes"] = rounded(
                    row["previous_avg_wait_minutes"], 1)
                item["is_complete"] = bool(row["is_complete"])
            data.append(item)
        return {
            "success": True, "period": period, "filter": park_filter, "period_label": label,
            **({"year": int(label)} if period == "year" else {}),
            "data": data, "attribution": attribution(),
        }

    return respond((period, year, park_filter, limit), compute)
