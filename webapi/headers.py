"""Headers and bodies every answer shares, whichever layer sends it (the Flask
application, the cached-answer fast path in front of it, or the gunicorn worker
refusing a request it cannot parse): one definition for all three."""

from __future__ import annotations

import json

CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type, If-None-Match",
    "Access-Control-Expose-Headers": "ETag",
    "Access-Control-Max-Age": "86400",
}

NO_STORE = "no-store"  # errors and health: never cached


def cache_control(max_age: float) -> str:
    """A cached answer's Cache-Control (max_age 0: a stale answer, to be revalidated)."""
    return f"public, max-age={int(max_age)}" if max_age > 0 else "no-cache"


def error_body(message: str) -> dict:
    """The API's error shape."""
    return {"success": False, "error": message}


def error_bytes(message: str) -> bytes:
    return (json.dumps(error_body(message)) + "\n").encode()
