"""The gunicorn worker of the API: gevent, with errors in the API's JSON shape.

gevent serves every connection from a greenlet: a client that connects and
sends nothing, or sends its request a byte at a time, holds a few kilobytes
of memory, never a thread, so such clients cannot starve the others (the
request itself must arrive within ``keepalive`` seconds, after which the
connection is closed). pymysql is pure Python, so the database I/O is
cooperative too once gevent has patched the standard library, which the
worker does before it loads the application.

A request the server refuses before the application sees it (a request line
longer than ``limit_request_line``: 414; too many or too large headers: 431;
a malformed request: 400) is answered like every other error of the API:
``{"success": false, "error": "..."}`` with the CORS headers, instead of
gunicorn's HTML page.
"""

from __future__ import annotations

import socket

from gunicorn import util
from gunicorn.workers.ggevent import GeventWorker

from webapi.headers import CORS, NO_STORE, error_bytes


def write_json_error(sock, status_int: int, reason: str, mesg: str) -> None:
    """gunicorn's ``util.write_error``, answering JSON."""
    message = "Internal server error" if status_int >= 500 else (
        f"{reason}: {mesg}" if mesg else reason)
    body = error_bytes(message)
    head = [f"HTTP/1.1 {status_int} {reason}", "Connection: close",
            "Content-Type: application/json", f"Content-Length: {len(body)}",
            f"Cache-Control: {NO_STORE}", *(f"{k}: {v}" for k, v in CORS.items())]
    util.write_nonblock(sock, ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)
    _drain(sock)


def _drain(sock, limit: int = 1 << 20, seconds: float = 1) -> None:
    """Lingering close: the rest of the refused request is read and dropped (bounded)
    before gunicorn closes the socket; closing with bytes unread would reset the
    connection, and the reset can destroy the answer before the client reads it."""
    try:
        sock.shutdown(socket.SHUT_WR)
        sock.settimeout(seconds)
        drained = 0
        while drained < limit and (chunk := sock.recv(65536)):
            drained += len(chunk)
    except OSError:
        pass


class JsonErrorGeventWorker(GeventWorker):
    def init_process(self):
        # gunicorn writes these errors with util.write_error (workers/base.py); the
        # worker process is the API's own, so its writer is replaced here.
        util.write_error = write_json_error
        super().init_process()
