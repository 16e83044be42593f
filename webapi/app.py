"""Application assembly: services, JSON, CORS, errors, metrics, blueprints, and the
cached-answer fast path in front of it all (webapi/fastpath.py)."""

from __future__ import annotations

import time
from datetime import date, datetime
from decimal import Decimal

from flask import Flask, abort, g, request
from flask.json.provider import DefaultJSONProvider

from webapi import config as configuration
from webapi import errors
from webapi.fastpath import CachedAnswers
from webapi.headers import CORS
from webapi.services import Services


class JsonProvider(DefaultJSONProvider):
    """JSON numbers only (DECIMAL -> float), UTC datetimes as ISO 8601 with Z, dates as
    YYYY-MM-DD (Flask's default would write both as HTTP dates)."""

    sort_keys = False
    ensure_ascii = False

    @staticmethod
    def default(o):
        if isinstance(o, Decimal):
            return int(o) if o == o.to_integral_value() else float(o)
        if isinstance(o, datetime):
            return o.replace(microsecond=0).isoformat() + "Z"
        if isinstance(o, date):
            return o.isoformat()
        return DefaultJSONProvider.default(o)


def build(overrides: dict | None = None) -> Flask:
    app = Flask("webapi")
    app.json_provider_class = JsonProvider
    app.json = JsonProvider(app)
    settings = configuration.load(overrides)
    app.config.update(settings)
    services = Services(settings)
    app.extensions["parkstats"] = services

    errors.register(app)

    @app.before_request
    def _start_timer():
        g.started = time.perf_counter()
        # The API takes no body: a declared one above the limit is refused (413, JSON).
        if (request.content_length or 0) > settings["MAX_CONTENT_LENGTH"]:
            abort(413)

    @app.after_request
    def _cors_and_metrics(response):
        response.headers.update(CORS)
        started = g.get("started")
        if started is not None:
            endpoint = request.url_rule.rule if request.url_rule else "unmatched"
            services.metrics.observe(endpoint, request.method, response.status_code,
                                     time.perf_counter() - started)
        return response

    from webapi.blueprints import awards, charts, details, live, ops, parks, rides, search, trends

    for blueprint in (parks.bp, trends.bp, rides.bp, awards.bp, live.bp, ops.bp, search.bp,
                      details.bp, charts.bp):
        app.register_blueprint(blueprint)
    app.wsgi_app = CachedAnswers(app.wsgi_app, services)
    return app
