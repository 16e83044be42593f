"""GET /api/live/status-summary: ride statuses from each park's latest snapshot."""

from __future__ import annotations

from flask import Blueprint, request

from webapi import params
from webapi.blueprints.common import respond, timestamp
from webapi.query import render
from webapi.query.binds import Binds
from webapi.query.vocabulary import PARKS
from webapi.services import services

bp = Blueprint("live", __name__, url_prefix="/api/live")


def _summary(db, after, now, disney_universal: bool) -> dict:
    """Ride counts by status over each park's latest snapshot in (after, now]."""
    b = Binds()
    latest = render.latest_of(PARKS, PARKS.snapshots, b("live_after", after), b("now", now))
    return db.query(
        "SELECT COUNT(*) AS parks, COALESCE(SUM(s.park_open), 0) AS parks_open, "
        "COALESCE(SUM(CASE WHEN s.park_open = 1 THEN s.rides_operating END), 0) AS operating, "
        "COALESCE(SUM(CASE WHEN s.park_open = 1 THEN s.rides_down END), 0) AS down, "
        "COALESCE(SUM(CASE WHEN s.park_open = 1 THEN s.rides_closed END), 0) AS closed, "
        "COALESCE(SUM(CASE WHEN s.park_open = 1 THEN s.rides_refurbishment END), 0) AS refurb, "
        "COALESCE(SUM(CASE WHEN s.park_open = 0 THEN s.rides_total END), 0) AS park_closed "
        f"FROM ({latest}) s JOIN parks p ON p.park_id = s.park_id "
        f"WHERE {render.park_filter(b, disney_universal)}", b.values)[0]


@bp.get("/status-summary")
def status_summary():
    park_filter = params.park_filter(request.args)

    def compute():
        svc = services()
        now = svc.now()
        row = _summary(svc.read_db, now - svc.live_window, now,
                       park_filter == "disney-universal")
        summary = {"OPERATING": int(row["operating"]), "DOWN": int(row["down"]),
                   "CLOSED": int(row["closed"]), "REFURBISHMENT": int(row["refurb"]),
                   "PARK_CLOSED": int(row["park_closed"])}
        summary["total"] = sum(summary.values())
        return {"success": True, "filter": park_filter, "status_summary": summary,
                "parks_reporting": int(row["parks"]), "parks_open": int(row["parks_open"]),
                "timestamp": timestamp(now)}

    return respond((park_filter,), compute)
