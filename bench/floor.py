"""The floor of the burst: the same gunicorn (``webapi/gunicorn_conf.py``) answering the
same bytes and headers from a trivial WSGI application, so that the burst's figures can
be read as what the server costs and what the API adds to it.

``PARKSTATS_FLOOR_BODIES`` names a JSON file {path?query: [body, etag]} written by the
benchmark from real answers of the API.
"""

from __future__ import annotations

import json
import os

from webapi.headers import CORS, cache_control

_bodies = {key: (body.encode(), etag) for key, (body, etag)
           in json.loads(open(os.environ["PARKSTATS_FLOOR_BODIES"]).read()).items()}


def app(environ, start_response):
    key = environ.get("PATH_INFO", "") + "?" + environ.get("QUERY_STRING", "")
    body, etag = _bodies.get(key, (b"{}\n", "none"))
    start_response("200 OK", [("Content-Type", "application/json"),
                              ("Content-Length", str(len(body))),
                              ("Cache-Control", cache_control(30)), ("ETag", f'"{etag}"'),
                              *CORS.items()])
    return [body]
