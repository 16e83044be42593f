"""gunicorn settings of the benchmark (meant to be the production ones of ``make serve``).

A gthread worker parks idle keep-alive connections in its selector and only
hands a connection to a thread when a request arrives, so a few threads per
worker hold thousands of open connections: ``worker_connections`` is the cap
per worker (file descriptors: each process may raise its soft limit to the
hard limit, done below).  One worker per core; threads cover the database
round trips (the pool, PARKSTATS_POOL_SIZE, is at least as large).
Every value can be overridden on the command line or by the environment.
"""

from __future__ import annotations

import os
import resource

bind = os.environ.get("PARKSTATS_BIND", "127.0.0.1:5001")
workers = int(os.environ.get("PARKSTATS_WORKERS", os.cpu_count() or 2))
worker_class = "gthread"
threads = int(os.environ.get("PARKSTATS_THREADS", "8"))
worker_connections = int(os.environ.get("PARKSTATS_WORKER_CONNECTIONS", "12000"))
# Idle keep-alive connections are kept this long (as nginx's default keepalive_timeout):
# a browser or proxy reuses them, and the benchmark holds 10,000 of them.
keepalive = int(os.environ.get("PARKSTATS_KEEPALIVE", "75"))
backlog = int(os.environ.get("PARKSTATS_BACKLOG", "4096"))  # capped by net.core.somaxconn
timeout = 30
graceful_timeout = 10
accesslog = None
errorlog = "-"
loglevel = "warning"

# Up to the hard limit of open files (sockets): workers inherit it.
_soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
if _hard == resource.RLIM_INFINITY or _soft < _hard:
    resource.setrlimit(resource.RLIMIT_NOFILE, (_hard, _hard))
