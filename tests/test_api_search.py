"""GET /api/search/index: every active park and ride, with names, locations and links."""

from __future__ import annotations

from datetime import datetime

import pytest
from api_support import make_app
from conftest import reset_database

from parkstats.db import connect

NOW = datetime(2026, 3, 10, 17, 31)
# Alpha Land 2 has no ride; names hold what JSON must escape, and case that the
# server's collation ignores when it orders them ("apple" before "Bumper").
PARKS = [(1, "Zeta Park", "Orlando", "FL", 1), (2, "Alpha Land", None, None, 1),
         (3, "Gone Gardens", "Tampa", "FL", 0), (4, "Alpha Land 2", "Aurora", None, 1)]
RIDES = [(11, 1, "Yeti – \u201cExpedition\u201d", 1), (12, 1, "Carousel", 1),
         (13, 1, "Old Mill", 0), (14, 1, 'Dr. "Doom\'s" \\ Fall, part 1', 1),
         (15, 1, "apple Tree", 1), (16, 1, "Carousel", 1),
         (21, 2, "Bumper Cars", 1), (31, 3, "Ghost Ride", 1)]


@pytest.fixture(scope="module")
def client(migrated_url, baseline_settings):
    with connect(migrated_url) as conn:
        reset_database(conn, baseline_settings)
        with conn.cursor() as cur:
            cur.executemany("INSERT INTO parks (park_id, name, city, state_province, country, "
                            "is_active) VALUES (%s, %s, %s, %s, 'MX', %s)", PARKS)
            cur.executemany("INSERT INTO rides (ride_id, park_id, name, is_active) "
                            "VALUES (%s, %s, %s, %s)", RIDES)
    return make_app(migrated_url, NOW).test_client()


def expected_location(park_id: int) -> str:
    _id, _name, city, state, _active = PARKS[park_id - 1]
    return ", ".join(p for p in (city, state) if p) or "MX"


def test_index_lists_active_parks_and_rides(client):
    response = client.get("/api/search/index")
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    body = response.get_json()
    active_parks = sorted((p for p in PARKS if p[4]), key=lambda p: p[1])
    assert body["parks"] == [
        {"type": "park", "id": p[0], "name": p[1], "location": expected_location(p[0]),
         "url": f"park-detail.html?park_id={p[0]}"} for p in active_parks]
    # A ride is listed when it and its park are active.
    active_rides = sorted((r for r in RIDES if r[3] and PARKS[r[1] - 1][4]),
                          key=lambda r: (r[2].casefold(), r[0]))
    assert body["rides"] == [
        {"type": "ride", "id": r[0], "name": r[2], "park_id": r[1],
         "park_name": PARKS[r[1] - 1][1], "location": expected_location(r[1]),
         "url": f"ride-detail.html?ride_id={r[0]}"} for r in active_rides]
    assert body["meta"] == {"park_count": len(active_parks), "ride_count": len(active_rides)}
    assert body["success"] is True


def test_index_answers_only_get(client):
    response = client.post("/api/search/index")
    assert response.status_code == 405
    assert response.get_json()["success"] is False
