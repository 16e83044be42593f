"""Every error answers JSON in the shape of docs/contract.md: {"success": false, "error": "..."}."""

from __future__ import annotations

import logging

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException

from webapi.headers import NO_STORE, error_body

log = logging.getLogger("webapi")


class ApiError(Exception):
    """An error answered with ``status`` and ``message`` (400 for a bad parameter)."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


def error_response(message: str, status: int):
    response = jsonify(error_body(message))
    response.status_code = status
    response.headers["Cache-Control"] = NO_STORE
    return response


def register(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError):
        return error_response(exc.message, exc.status)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        if exc.code == 404:
            return error_response("Not found: no such endpoint (see /api/... in docs/api.md)", 404)
        if exc.code == 405:
            response = error_response("Method not allowed: the API answers GET only", 405)
            response.headers["Allow"] = ", ".join(sorted(exc.valid_methods or ("GET",)))
            return response
        if exc.code and exc.code < 500:
            return error_response(exc.description or exc.name, exc.code)
        log.error("HTTP %s: %s", exc.code, exc)
        return error_response("Internal server error", 500)

    @app.errorhandler(Exception)
    def _internal(exc: Exception):
        log.exception("unhandled error")
        return error_response("Internal server error", 500)
