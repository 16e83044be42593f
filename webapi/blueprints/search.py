"""GET /api/search/index: every active park and ride, for the frontend's search box."""

from __future__ import annotations

import json

from flask import Blueprint

from webapi.blueprints.common import location, respond
from webapi.services import services

bp = Blueprint("search", __name__, url_prefix="/api/search")

# One row per active park, by name: its active rides as one JSON array of
# [position, ride_id, name], position being the ride's place among all active rides
# by name (the server's collation orders them, as it does the parks). The driver
# reads 80 rows instead of a row per ride, whose parsing was most of the request
# (1,944 rows: 46 -> 15 ms on a slow day). A park without rides has [[null, ...]].
# An array is at most group_concat_max_len long on MariaDB (4 MB in the API's
# sessions, webapi.db); a park's rides take a few kB.
INDEX = """
SELECT p.park_id, p.name, p.city, p.state_province, p.country,
       JSON_ARRAYAGG(JSON_ARRAY(r.position, r.ride_id, r.name)) AS rides
FROM parks p
LEFT JOIN (
    SELECT ride_id, park_id, name,
           ROW_NUMBER() OVER (ORDER BY name, ride_id) AS position
    FROM rides
    WHERE is_active = 1
) r
  ON r.park_id = p.park_id
WHERE p.is_active = 1
GROUP BY p.park_id, p.name, p.city, p.state_province, p.country
ORDER BY p.name, p.park_id
"""


def _park(row: dict) -> dict:
    return {"type": "park", "id": row["park_id"], "name": row["name"],
            "location": location(row), "url": f"park-detail.html?park_id={row['park_id']}"}


def _rides(row: dict) -> list[tuple[int, dict]]:
    """(position, item) of each active ride of the park ``row``."""
    park = {"park_id": row["park_id"], "park_name": row["name"], "location": location(row)}
    return [(position, {"type": "ride", "id": ride_id, "name": name, **park,
                        "url": f"ride-detail.html?ride_id={ride_id}"})
            for position, ride_id, name in json.loads(row["rides"]) if ride_id is not None]


@bp.get("/index")
def index():
    def compute():
        found = services().read_db.query(INDEX)
        parks = [_park(r) for r in found]
        rides = [ride for _position, ride in
                 sorted((pair for r in found for pair in _rides(r)), key=lambda p: p[0])]
        return {"success": True, "parks": parks, "rides": rides,
                "meta": {"park_count": len(parks), "ride_count": len(rides)}}

    return respond((), compute)
