"""GET /api/health (200 healthy/degraded, 503 unhealthy) and GET /metrics (Prometheus)."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, jsonify
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from webapi.blueprints.common import timestamp
from webapi.monitor import health as health_check
from webapi.services import services

bp = Blueprint("ops", __name__)


@bp.get("/api/health")
def health():
    svc = services()
    now = svc.now()
    status, checks = health_check(svc, now)
    response = jsonify({"success": status != "unhealthy", "status": status, "checks": checks,
                        "timestamp": timestamp(now)})
    response.status_code = 503 if status == "unhealthy" else 200
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/metrics")
def metrics():
    body = generate_latest(services().metrics.registry)
    return Response(body, mimetype=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"})


OPENAPI = Path(__file__).resolve().parent.parent / "openapi.json"


@bp.get("/api/openapi.json")
def openapi():
    response = Response(OPENAPI.read_bytes(), mimetype="application/json")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response
