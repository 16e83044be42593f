"""gunicorn settings of ``make serve`` (override any with GUNICORN_CMD_ARGS).

One worker process with threads: the response cache, the stale-on-error
store and the request metrics live in the process, so a single process keeps
them coherent (a second worker would answer 503 for a request only the first
one has seen). The work is in the database, so threads are enough; gthread
keeps idle keep-alive connections in a selector, so thousands can be held.
"""

import os

bind = os.environ.get("PARKSTATS_BIND", "0.0.0.0:5001")
workers = int(os.environ.get("PARKSTATS_WORKERS", "1"))
worker_class = "gthread"
threads = int(os.environ.get("PARKSTATS_THREADS", "32"))
worker_connections = int(os.environ.get("PARKSTATS_WORKER_CONNECTIONS", "20000"))
backlog = 4096
keepalive = 30
timeout = 60
graceful_timeout = 10
accesslog = os.environ.get("PARKSTATS_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("PARKSTATS_LOG_LEVEL", "info")
