"""gunicorn settings of ``make serve`` and ``make run`` (override any with GUNICORN_CMD_ARGS).

One worker process: the response cache, the stale-on-error store and the
request metrics live in the process, so a single process keeps them coherent
(a second worker would answer 503 for a request only the first one has seen).
Its worker class (webapi/worker.py) is gevent's: every connection is a
greenlet, so idle, slow-sending and slowloris clients hold no thread, and
thousands of connections are held at once; errors the server answers itself
(414, 431, 400) are the API's JSON with CORS.
"""

import os

bind = os.environ.get("PARKSTATS_BIND", "0.0.0.0:5001")
workers = int(os.environ.get("PARKSTATS_WORKERS", "1"))
worker_class = "webapi.worker.JsonErrorGeventWorker"
# Connections served at once (each a greenlet); more wait in the listen backlog.
worker_connections = int(os.environ.get("PARKSTATS_WORKER_CONNECTIONS", "20000"))
backlog = 4096
# Seconds a connection may take to send each request, the first one included, and
# stay idle between requests; then it is closed.
keepalive = 30
# Request size limits (gunicorn's defaults, stated): a longer request line is a 414,
# more or larger header fields a 431, both answered as JSON by the worker.
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190
timeout = 60
graceful_timeout = 10
accesslog = os.environ.get("PARKSTATS_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("PARKSTATS_LOG_LEVEL", "info")
