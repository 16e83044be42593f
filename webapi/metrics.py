"""Prometheus metrics: request latency (per app registry) and aggregation state at scrape."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily

# Request methods keep their own label value; any other method string a client sends
# is counted as "other", so made-up methods cannot create series without bound (the
# endpoint label is the matched route or "unmatched", the status an HTTP status).
METHODS = frozenset({"GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE", "CONNECT",
                     "TRACE"})
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


class Metrics:
    def __init__(self, svc):
        self.svc = svc
        self.registry = CollectorRegistry(auto_describe=False)
        self.latency = Histogram(
            "parkstats_http_request_duration_seconds", "Time to answer an HTTP request",
            ("endpoint", "method", "status"), buckets=BUCKETS, registry=self.registry)
        self.stale = Counter("parkstats_stale_responses", "Answers served stale (database down)",
                             registry=self.registry)
        self.cache_hits = Counter("parkstats_response_cache_hits", "Answers from the cache",
                                  registry=self.registry)
        self.registry.register(_AggregationCollector(svc))
        self.registry.register(_ReplicaCollector(svc))

    def observe(self, endpoint: str, method: str, status: int, seconds: float) -> None:
        method = method if method in METHODS else "other"
        self.latency.labels(endpoint, method, str(status)).observe(seconds)


class _AggregationCollector:
    """Read at scrape time: database up, lag per level, failures, newest snapshot age."""

    def __init__(self, svc):
        self.svc = svc

    def describe(self):
        return []

    def collect(self):
        from webapi.db import DatabaseUnavailable
        from webapi.monitor import EVENTS, collect

        up = GaugeMetricFamily("parkstats_database_up", "1 if the database answers")
        breaker = GaugeMetricFamily(
            "parkstats_database_breaker_open",
            "1 while the database is known not to answer (queries refused at once, probed "
            "in the background)")
        breaker.add_metric([], 0 if self.svc.db.breaker.is_closed else 1)
        yield breaker
        try:
            facts = collect(self.svc, self.svc.now())
        except DatabaseUnavailable:
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        lag = GaugeMetricFamily("parkstats_aggregation_lag_seconds",
                                "How late each aggregation level is", labels=["level"])
        failures = GaugeMetricFamily("parkstats_aggregation_consecutive_failures",
                                     "Consecutive failed jobs per level", labels=["level"])
        for level, info in facts["levels"].items():
            if info["lag_seconds"] is not None:
                lag.add_metric([level], info["lag_seconds"])
            failures.add_metric([level], info["consecutive_failures"])
        yield lag
        yield failures
        failed = GaugeMetricFamily("parkstats_aggregation_failed_jobs_24h",
                                   "Failed jobs in aggregation_job_log over the last 24 h",
                                   labels=["job_type"])
        for job_type in ("hourly", "daily", "yearly", "cycle", "backfill", "retention"):
            failed.add_metric([job_type], facts["failed_jobs_24h"].get(job_type, 0))
        yield failed
        scheduler = GaugeMetricFamily("parkstats_event_scheduler_on",
                                      "1 if the event scheduler is ON")
        scheduler.add_metric([], 1 if facts["scheduler"].upper() == "ON" else 0)
        yield scheduler
        enabled = GaugeMetricFamily("parkstats_event_enabled",
                                    "1 if the event exists and is ENABLED", labels=["event"])
        for event in EVENTS:
            enabled.add_metric([event], 1 if facts["events"].get(event) == "ENABLED" else 0)
        yield enabled
        if facts["newest_snapshot_age"] is not None:
            age = GaugeMetricFamily("parkstats_newest_snapshot_age_seconds",
                                    "Age of the newest raw snapshot")
            age.add_metric([], facts["newest_snapshot_age"])
            yield age


class _ReplicaCollector:
    """Each replica's last reading (webapi/replicas.py; no query at scrape time), labelled
    by its host:port from PARKSTATS_READ_DATABASE_URL (a fixed set). The families are
    exported, empty, without replicas too."""

    def __init__(self, svc):
        self.svc = svc

    def describe(self):
        return []

    def collect(self):
        from webapi.replicas import DOWN, REPLICATING, UNKNOWN

        labels = ["replica"]
        up = GaugeMetricFamily("parkstats_replica_up",
                               "1 if the replica's replication status could be read",
                               labels=labels)
        running = GaugeMetricFamily(
            "parkstats_replica_replication_running",
            "1 if both replication threads (IO and SQL) of the replica run", labels=labels)
        lag = GaugeMetricFamily("parkstats_replica_lag_seconds",
                                "Seconds_Behind_Master of the replica (absent while stopped)",
                                labels=labels)
        serving = GaugeMetricFamily("parkstats_replica_serves_reads",
                                    "1 if the replica serves reads (replicating within the "
                                    "lag limit)", labels=labels)
        limit = GaugeMetricFamily("parkstats_replica_lag_limit_seconds",
                                  "Lag past which a replica serves no reads "
                                  "(PARKSTATS_REPLICA_LAG_LIMIT)")
        limit.add_metric([], self.svc.config["REPLICA_LAG_LIMIT"])
        for _db, watch in self.svc.read_db.replicas:
            state = watch.state()
            name = [state.replica]
            read = state.state not in (DOWN, UNKNOWN)
            up.add_metric(name, 1 if read else 0)
            if read:
                running.add_metric(name, 1 if state.io_running and state.sql_running else 0)
            if state.lag_seconds is not None:
                lag.add_metric(name, state.lag_seconds)
            serving.add_metric(name, 1 if state.state == REPLICATING else 0)
        yield from (up, running, lag, serving, limit)
