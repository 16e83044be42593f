"""Ride-level rankings are not kept: 200 with success false (the frontend shows "no data")."""

from flask import Blueprint, jsonify

from webapi.errors import RIDE_LEVEL

bp = Blueprint("rides", __name__, url_prefix="/api/rides")


def ride_level_answer():
    response = jsonify({"success": False, "error": RIDE_LEVEL})
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.get("/downtime")
def downtime():
    return ride_level_answer()


@bp.get("/waittimes")
def waittimes():
    return ride_level_answer()
