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
