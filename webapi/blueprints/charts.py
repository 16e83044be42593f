"""GET /api/trends/chart-data and /api/trends/heatmap-data: the worst parks or rides of a
period, one series each (two statements: the worst entities, then their buckets)."""

from __future__ import annotations

from flask import Blueprint, request

from webapi import params
from webapi.blueprints.common import location, respond, rounded
from webapi.blueprints.views import VIEW_PERIODS, axis, choice, labels
from webapi.query.series import Scope, Series, Worst, metric, series, worst
from webapi.query.vocabulary import PARKS, RIDES
from webapi.services import services

bp = Blueprint("charts", __name__, url_prefix="/api/trends")

# type -> (entity, metric, decimals shown, how the worst are chosen)
SHAME = ("shame_score", 1, Worst("shame_score", positive=True, places=1))
WAIT = ("avg_wait_minutes", 1, Worst("avg_wait_minutes"))
DOWNTIME = ("total_downtime_hours", 2, Worst("total_downtime_hours", positive=True, places=2))
CHART_TYPES = {"parks": (PARKS, *SHAME), "waittimes": (PARKS, *WAIT),
               "rides": (RIDES, *DOWNTIME), "ridewaittimes": (RIDES, *WAIT)}
HEATMAP_TYPES = {"parks-shame": (PARKS, *SHAME), "parks": (PARKS, *WAIT),
                 "rides-downtime": (RIDES, *DOWNTIME), "rides-waittimes": (RIDES, *WAIT)}
HEATMAP_METRICS = {"shame_score": ("shame_score", "score (0-10)"),
                   "avg_wait_minutes": ("avg_wait_time_minutes", "minutes"),
                   "total_downtime_hours": ("downtime_hours", "hours")}


def _args(periods, types: dict):
    args = request.args
    period = choice(args, "period", periods, "today")
    park_filter = choice(args, "filter", params.FILTERS, "disney-universal")
    limit = params.limit(args, default=10, maximum=20)
    chart_type = choice(args, "type", tuple(types), next(iter(types)))
    return period, park_filter, limit, chart_type


def _worst_series(period: str, park_filter: str, limit: int, kind, granularity=None):
    """(axis, the worst entities with their value over the period, their ``value`` series)."""
    entity, name, _places, how = kind
    svc = services()
    _label, span, ax, now = axis(period, granularity)
    interval = svc.interval_minutes()
    top = worst(svc.read_db, svc.calendar, svc.plans, entity, span=span, now=now,
                interval=interval, disney_universal=park_filter == "disney-universal",
                choice=how, limit=limit, live_window=svc.live_window)
    found = series(svc.read_db, svc.calendar, svc.plans, entity, ax, now=now, interval=interval,
                   scope=Scope(entity.key, tuple(t["entity_id"] for t in top)),
                   columns={"value": metric(name)})
    return ax, top, found


def _data(found: Series, entity_id: int, places: int) -> list:
    return [rounded(v, places) for v in found.of(entity_id, "value")]


@bp.get("/chart-data")
def chart_data():
    period, park_filter, limit, chart_type = _args(VIEW_PERIODS, CHART_TYPES)
    kind = CHART_TYPES[chart_type]

    def compute():
        ax, top, found = _worst_series(period, park_filter, limit, kind)
        rides = kind[0] is RIDES
        datasets = []
        for t in top:
            item = {"label": t["ride_name"] if rides else t["park_name"],
                    "data": _data(found, t["entity_id"], kind[2])}
            if rides:
                item["park"] = t["park_name"]
            datasets.append(item)
        return {"success": True, "period": period, "filter": park_filter, "type": chart_type,
                "granularity": ax.granularity,
                "chart_data": {"labels": labels(ax), "datasets": datasets}}

    return respond((period, park_filter, limit, chart_type), compute)


@bp.get("/heatmap-data")
def heatmap_data():
    period, park_filter, limit, heatmap_type = _args(VIEW_PERIODS[1:], HEATMAP_TYPES)
    kind = HEATMAP_TYPES[heatmap_type]

    def compute():
        granularity = "hourly" if period in ("today", "yesterday") else "daily"
        ax, top, found = _worst_series(period, park_filter, limit, kind, granularity)
        rides = kind[0] is RIDES
        entities = []
        for t in top:
            item = {"entity_id": t["entity_id"],
                    "entity_name": t["ride_name"] if rides else t["park_name"]}
            item.update({"tier": t["tier"]} if rides else {"location": location(t)})
            item["total_value"] = rounded(t["value"], kind[2])
            entities.append(item)
        metric_name, unit = HEATMAP_METRICS[kind[1]]
        return {"success": True, "period": period, "filter": park_filter, "type": heatmap_type,
                "granularity": ax.granularity, "metric": metric_name, "metric_unit": unit,
                "entities": entities, "time_labels": labels(ax),
                "matrix": [_data(found, t["entity_id"], kind[2]) for t in top]}

    return respond((period, park_filter, limit, heatmap_type), compute)
