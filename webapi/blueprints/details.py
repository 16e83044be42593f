"""GET /api/parks/<id>/details, /api/parks/<id>/rides/charts and /api/rides/<id>/details."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, request

from webapi.blueprints.common import location, respond, rounded
from webapi.blueprints.views import VIEW_PERIODS, axis, choice, labels
from webapi.errors import ApiError
from webapi.periods import resolve
from webapi.query.binds import Binds
from webapi.query.series import Scope, measure, metric, series
from webapi.query.vocabulary import PARKS, RIDES
from webapi.services import services

bp = Blueprint("details", __name__, url_prefix="/api")

RIDE_PERIODS = ("today", "yesterday", "last_week", "last_month")
CLASSES = ("operating", "down", "closed", "refurbishment")  # ties: the first wins


def _series(entity, ax, scope: Scope, columns: dict, totals: bool = False):
    svc = services()
    return series(svc.read_db, svc.calendar, svc.plans, entity, ax, now=svc.now(),
                  interval=svc.interval_minutes(), scope=scope, columns=columns, totals=totals)


def _park_header(park_id: int) -> dict:
    """The park, its active rides by tier and its latest snapshot in the live window
    (columns NULL without one), in one statement; 404 for an unknown park."""
    svc = services()
    now = svc.now()
    b = Binds()
    park = b("park", park_id)
    tiers = ", ".join(
        f"(SELECT COUNT(*) FROM rides r WHERE r.park_id = p.park_id AND r.is_active = 1"
        f"{cond}) AS {name}"
        for name, cond in (("tier_1", " AND r.tier = 1"), ("tier_2", " AND r.tier = 2"),
                           ("tier_3", " AND r.tier = 3"), ("rides_active", "")))
    sql = (f"SELECT p.park_id, p.name, p.city, p.state_province, p.country, p.operator, "
           f"{tiers}, ls.recorded_at, ls.park_open, ls.rides_total, ls.rides_operating, "
           "ls.rides_down, ls.weight_total, ls.weight_down, ls.shame_score, "
           "uptime_percentage_of(ls.rides_operating, ls.rides_down) AS uptime "
           "FROM parks p LEFT JOIN (SELECT o.* FROM park_snapshots o "
           f"WHERE o.park_id = {park} AND o.recorded_at > {b('after', now - svc.live_window)} "
           f"AND o.recorded_at <= {b('now', now)} ORDER BY o.recorded_at DESC LIMIT 1) ls "
           f"ON 1 = 1 WHERE p.park_id = {park}")
    state = svc.plans.get(svc.read_db, svc.calendar, False, ())
    found = svc.read_db.query(svc.plans.formulas.expand(svc.read_db, sql, state.routines),
                              b.values)
    if not found:
        raise ApiError(f"Unknown park {park_id}", 404)
    return found[0]


def _live_breakdown(head: dict) -> dict:
    """The rides down in the park's latest snapshot, with the weight each counts for."""
    down = []
    if head["recorded_at"] is not None:
        down = services().read_db.query(
            "SELECT rs.ride_id, r.name AS ride_name, r.tier, rs.weight_counted AS tier_weight, "
            "rs.status FROM ride_snapshots rs JOIN rides r ON r.ride_id = rs.ride_id "
            "WHERE rs.park_id = %s AND rs.recorded_at = %s AND rs.ride_class = 'down' "
            "ORDER BY rs.weight_counted DESC, r.name", (head["park_id"], head["recorded_at"]))
    return {"breakdown_type": "live", "shame_score": rounded(head["shame_score"], 1),
            "park_is_open": bool(head["park_open"]),
            "rides_down": [{**r, "tier_weight": int(r["tier_weight"] or 0)} for r in down],
            "total_park_weight": int(head["weight_total"] or 0),
            "total_weighted_down": int(head["weight_down"] or 0)}


def _period_breakdown(head: dict, period: str, label: str, park_total: dict | None) -> dict:
    """Each ride's downtime over the period (daily buckets: the days with downtime) and
    what it adds to the park's weighted downtime (its hours times its tier weight: the
    weight every down sample of it counted for), beside the park's own figures."""
    _label, span, days_axis, _now = axis(period, "daily")
    found = _series(RIDES, days_axis, Scope("park_id", (head["park_id"],)),
                    {"down_samples": measure("down_samples"),
                     "downtime_hours": metric("total_downtime_hours")}, totals=True)
    totals = found.totals
    rides = _ride_names([ride for ride, row in totals.items() if row["down_samples"]])
    items = []
    for ride_id, ride in rides.items():
        hours = totals[ride_id]["downtime_hours"]
        items.append({"ride_id": ride_id, "ride_name": ride["name"], "tier": ride["tier"],
                      "tier_weight": int(ride["tier_weight"]),
                      "downtime_hours": rounded(hours, 2),
                      "weighted_contribution": rounded(hours * ride["tier_weight"], 2),
                      "days_with_downtime": sum(
                          1 for down in found.of(ride_id, "down_samples") if down)})
    items.sort(key=lambda i: (-i["weighted_contribution"], i["ride_id"]))
    park_total = park_total or {}
    return {"breakdown_type": "period", "shame_score": rounded(park_total.get("shame"), 1),
            "park_is_open": bool(head["park_open"]), "rides": items,
            "rides_with_downtime": len(items),
            "total_downtime_hours": rounded(park_total.get("downtime") or 0, 2),
            "weighted_downtime_hours": rounded(park_total.get("weighted") or 0, 2),
            "period_label": label, "days_in_period": (span.end_date - span.first_date).days}


def _ride_names(ride_ids) -> dict:
    """{ride_id: name, tier, tier_weight (ride_tier_weight())}."""
    if not ride_ids:
        return {}
    b = Binds()
    found = services().read_db.query(
        "SELECT ride_id, name, tier, ride_tier_weight(tier) AS tier_weight FROM rides "
        f"WHERE ride_id IN ({b.each('ride', ride_ids)})", b.values)
    return {r["ride_id"]: r for r in found}


def _sessions(park_id: int, span) -> list[dict]:
    """The first and last open snapshot of each local day of the span (a day without
    one is left out), opens_at and closes_at in UTC.

    One MIN/MAX per day over the day's range of the park's snapshots, read from the
    index alone (ix_park_snapshots_park_time_open): a month of one park, 20 -> 5.4 ms.
    Grouped in one statement over the month's snapshots matched to their days through
    calendar_days, each of the 8,652 snapshots was read by key to test park_open and
    compared with the days in a join buffer."""
    dates = [span.first_date + timedelta(days=i)
             for i in range((span.end_date - span.first_date).days)]
    days = services().calendar.days(*dates)
    b = Binds()
    park = b("park_id", park_id)
    each_day = "\n  UNION ALL\n  ".join(
        f"SELECT CAST({b(f'day{i}', d)} AS DATE) AS date, MIN(s.recorded_at) AS opens_at, "
        "MAX(s.recorded_at) AS closes_at FROM park_snapshots s "
        f"WHERE s.park_id = {park} AND s.park_open = 1 "
        f"AND s.recorded_at >= {b(f'from{i}', days[d].utc_start)} "
        f"AND s.recorded_at < {b(f'to{i}', days[d].utc_end)}"
        for i, d in enumerate(dates))
    found = services().read_db.query(
        f"SELECT x.date, x.opens_at, x.closes_at FROM (\n  {each_day}\n) x\n"
        "WHERE x.opens_at IS NOT NULL ORDER BY x.date", b.values)
    return [{**r, "duration_hours": rounded(
        (r["closes_at"] - r["opens_at"]) / timedelta(hours=1), 2)} for r in found]


@bp.get("/parks/<int:park_id>/details")
def park_details(park_id: int):
    period = choice(request.args, "period", VIEW_PERIODS, "today")

    def compute():
        svc = services()
        head = _park_header(park_id)
        label, span, chart_axis, now = axis(period)
        found = _series(PARKS, chart_axis, Scope("park_id", (park_id,)),
                        {"shame": metric("shame_score"), "avg_wait": metric("avg_wait_minutes"),
                         "rides_down": metric("rides_down"),
                         "downtime": metric("total_downtime_hours"),
                         "weighted": metric("weighted_downtime_hours")}, totals=True)
        total = found.totals.get(park_id)
        if period == "live":
            breakdown = _live_breakdown(head)
            span = _today_span(now)
        else:
            breakdown = _period_breakdown(head, period, label, total)

        def values(column, places):
            return [rounded(v, places) for v in found.of(park_id, column)]

        total_rides = int(head["rides_total"] or 0)
        operating = int(head["rides_operating"] or 0)
        return {
            "success": True, "period": period,
            "park": {"park_id": park_id, "name": head["name"], "location": location(head),
                     "operator": head["operator"],
                     "timezone": svc.setting("reporting_time_zone")},
            "shame_breakdown": breakdown,
            "chart_data": {"labels": labels(chart_axis), "data": values("shame", 1),
                           "avg_wait": values("avg_wait", 1),
                           "rides_down": values("rides_down", 0),
                           "granularity": chart_axis.granularity},
            "tier_distribution": {"tier_1_count": int(head["tier_1"]),
                                  "tier_2_count": int(head["tier_2"]),
                                  "tier_3_count": int(head["tier_3"]),
                                  "total_rides": int(head["rides_active"])},
            "current_status": {"total_rides": total_rides, "rides_open": operating,
                               "rides_closed": total_rides - operating,
                               "uptime_percentage": rounded(head["uptime"], 1),
                               "operating": bool(head["park_open"])},
            "operating_sessions": _sessions(park_id, span),
        }

    return respond((park_id, period), compute)


def _today_span(now):
    return resolve(services().calendar, "today", now)[1]


@bp.get("/parks/<int:park_id>/rides/charts")
def park_ride_charts(park_id: int):
    period = choice(request.args, "period", VIEW_PERIODS, "today")
    chart_type = choice(request.args, "type", ("downtime", "wait_times"), "downtime")

    def compute():
        rides = services().read_db.query(
            "SELECT p.park_id, r.ride_id, r.name, r.tier FROM parks p LEFT JOIN rides r "
            "ON r.park_id = p.park_id WHERE p.park_id = %s ORDER BY r.name, r.ride_id",
            (park_id,))
        if not rides:
            raise ApiError(f"Unknown park {park_id}", 404)
        _label, _span, ax, _now = axis(period)
        name, places = (("total_downtime_hours", 2) if chart_type == "downtime"
                        else ("avg_wait_minutes", 1))
        found = _series(RIDES, ax, Scope("park_id", (park_id,)), {"value": metric(name)})
        datasets = [{"label": r["name"], "tier": r["tier"],
                     "data": [rounded(v, places) for v in found.of(r["ride_id"], "value")]}
                    for r in rides if r["ride_id"] in found.values]
        return {"success": True, "chart_type": chart_type, "granularity": ax.granularity,
                "labels": labels(ax), "datasets": datasets}

    return respond((park_id, period, chart_type), compute)


@bp.get("/rides/<int:ride_id>/details")
def ride_details(ride_id: int):
    period = choice(request.args, "period", RIDE_PERIODS, "today")

    def compute():
        found = services().read_db.query(
            "SELECT r.ride_id, r.name, r.tier, p.park_id, p.name AS park_name FROM rides r "
            "JOIN parks p ON p.park_id = r.park_id WHERE r.ride_id = %s", (ride_id,))
        if not found:
            raise ApiError(f"Unknown ride {ride_id}", 404)
        ride = found[0]
        _label, _span, ax, _now = axis(period, "hourly" if period in ("today", "yesterday")
                                       else "daily")
        columns = {name: measure(name) for name in
                   ("sample_count", "open_sample_count") + tuple(f"{c}_samples" for c in CLASSES)}
        columns.update(avg_wait=metric("avg_wait_minutes"), uptime=metric("uptime_percentage"),
                       downtime=metric("total_downtime_hours"),
                       # Samples to hours, as downtime: operating samples x interval / 60.
                       operating_hours=_operating_hours)
        found = _series(RIDES, ax, Scope("ride_id", (ride_id,)), columns, totals=True)
        total = found.totals.get(ride_id, {})
        key = "hour_start_utc" if ax.granularity == "hourly" else "date"
        points = found.points(ride_id)  # (the bucket's index on the axis, its columns)
        return {
            "success": True, "period": period,
            "ride": {"ride_id": ride_id, "name": ride["name"], "park_id": ride["park_id"],
                     "park_name": ride["park_name"], "tier": ride["tier"]},
            "summary": {"total_downtime_hours": rounded(total.get("downtime") or 0, 2),
                        "uptime_percentage": rounded(total.get("uptime"), 1),
                        "avg_wait_time": rounded(total.get("avg_wait"), 1),
                        "total_operating_hours": rounded(total.get("operating_hours") or 0, 2)},
            "timeseries": [{key: ax.buckets[i], "status": status(r),
                            "avg_wait_time_minutes": rounded(r["avg_wait"], 1),
                            "uptime_percentage": rounded(r["uptime"], 1),
                            "snapshot_count": int(r["sample_count"])} for i, r in points],
            "hourly_breakdown": [{key: ax.buckets[i],
                                  "avg_wait_time_minutes": rounded(r["avg_wait"], 1),
                                  "downtime_hours": rounded(r["downtime"], 2),
                                  "uptime_percentage": rounded(r["uptime"], 1),
                                  "snapshot_count": int(r["sample_count"])}
                                 for i, r in points],
        }

    return respond((ride_id, period), compute)


def _operating_hours(m, iv: str) -> str:
    """Operating samples in hours, by the formula of downtime hours (samples x interval / 60)."""
    return f"downtime_hours_of({m('operating_samples')}, {iv})"


def status(row: dict) -> str:
    """The most frequent class of the bucket's samples while the park was open
    (ties: operating, down, closed, refurbishment), PARK_CLOSED when it never was."""
    if not row["open_sample_count"]:
        return "PARK_CLOSED"
    counts = [(int(row[f"{c}_samples"]), -i, c) for i, c in enumerate(CLASSES)]
    return max(counts)[2].upper()
