"""GET /api/search/index: every active park and ride, for the frontend's search box."""

from __future__ import annotations

from flask import Blueprint

from webapi.blueprints.common import location, respond
from webapi.services import services

bp = Blueprint("search", __name__, url_prefix="/api/search")

# One statement: parks first, then rides (with their park), each by name.
INDEX = (
    "SELECT 'park' AS type, p.park_id AS id, p.name, p.park_id, p.name AS park_name, "
    "p.city, p.state_province, p.country FROM parks p WHERE p.is_active = 1 "
    "UNION ALL "
    "SELECT 'ride', r.ride_id, r.name, p.park_id, p.name, p.city, p.state_province, p.country "
    "FROM rides r JOIN parks p ON p.park_id = r.park_id "
    "WHERE r.is_active = 1 AND p.is_active = 1 "
    "ORDER BY type, name, id")


def _park(row: dict) -> dict:
    return {"type": "park", "id": row["id"], "name": row["name"], "location": location(row),
            "url": f"park-detail.html?park_id={row['id']}"}


def _ride(row: dict) -> dict:
    return {"type": "ride", "id": row["id"], "name": row["name"], "park_id": row["park_id"],
            "park_name": row["park_name"], "location": location(row),
            "url": f"ride-detail.html?ride_id={row['id']}"}


@bp.get("/index")
def index():
    def compute():
        found = services().read_db.query(INDEX)
        parks = [_park(r) for r in found if r["type"] == "park"]
        rides = [_ride(r) for r in found if r["type"] == "ride"]
        return {"success": True, "parks": parks, "rides": rides,
                "meta": {"park_count": len(parks), "ride_count": len(rides)}}

    return respond((), compute)
