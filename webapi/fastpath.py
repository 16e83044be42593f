"""Cached answers served before the framework: a WSGI middleware in front of Flask.

A GET whose path and raw query string were answered before, and whose answer
is still fresh in the response cache (webapi/cache.py), is sent from the
stored JSON bytes and ETag (304 for a matching ``If-None-Match``) without
Flask parsing, routing or encoding anything: this is most of a burst, and it
costs a small fraction of a routed request. Everything else (a first request,
an expired entry, other methods) goes to Flask, which fills the cache.
The answer is the same either way: same bytes, headers (webapi/headers.py)
and request metrics.
"""

from __future__ import annotations

import time

from werkzeug.http import parse_etags

from webapi.headers import CORS, cache_control


class CachedAnswers:
    def __init__(self, app, services):
        self.app = app
        self.services = services

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") != "GET":
            return self.app(environ, start_response)
        started = time.perf_counter()
        svc = self.services
        hit = svc.cache.fresh_as_asked(environ.get("PATH_INFO", ""),
                                       environ.get("QUERY_STRING", ""))
        if hit is None:
            return self.app(environ, start_response)
        answer, endpoint = hit
        asked = environ.get("HTTP_IF_NONE_MATCH")
        not_modified = asked is not None and parse_etags(asked).contains_weak(answer.etag)
        headers = [("Cache-Control", cache_control(svc.cache.seconds)),
                   ("ETag", f'"{answer.etag}"'), *CORS.items()]
        if not_modified:
            status, body = 304, []
            start_response("304 NOT MODIFIED", headers)
        else:
            status, body = 200, [answer.data]
            start_response("200 OK", [("Content-Type", "application/json"),
                                      ("Content-Length", str(len(answer.data))), *headers])
        svc.metrics.cache_hits.inc()
        svc.metrics.observe(endpoint, "GET", status, time.perf_counter() - started)
        return body
