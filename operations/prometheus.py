"""What /metrics tells Prometheus.

Requests are counted in process (a counter and a duration histogram by method and status class);
under gunicorn set PROMETHEUS_MULTIPROC_DIR so every worker's counts are summed at scrape time.
Queue, check and worker figures are read at scrape time from PostgreSQL (index-only counts) and
from Redis (RQ queue lengths and registered workers)."""

import logging
import os
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Min
from django.utils import timezone
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

logger = logging.getLogger(__name__)

REQUESTS = Counter("provenant_http_requests_total", "HTTP requests answered.", ["method", "status"])
REQUEST_SECONDS = Histogram(
    "provenant_http_request_duration_seconds",
    "Time to answer an HTTP request.",
    ["method"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
KNOWN_METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}


def observe_request(method: str, status: int, seconds: float) -> None:
    method = method if method in KNOWN_METHODS else "other"
    REQUESTS.labels(method=method, status=f"{status // 100}xx").inc()
    REQUEST_SECONDS.labels(method=method).observe(seconds)


class ProvenantCollector(Collector):
    """Gauges read when Prometheus scrapes: the review queues, unfinished checks, RQ and the TDB."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        yield from self.queues()
        yield from self.checks()
        yield from self.transparency_database()
        yield from self.rq()

    def queues(self) -> Iterator[GaugeMetricFamily]:
        from moderation.models import Queue, Status, Submission

        now = timezone.now()
        waiting = GaugeMetricFamily("provenant_queue_items", "Items waiting for review.", labels=["queue"])
        breached = GaugeMetricFamily(
            "provenant_queue_sla_breached_items", "Waiting items past their SLA due time.", labels=["queue"]
        )
        oldest = GaugeMetricFamily(
            "provenant_queue_oldest_wait_seconds", "Wait of the oldest waiting item.", labels=["queue"]
        )
        rows = {
            row["queue"]: row
            for row in Submission.objects.filter(status=Status.AWAITING_REVIEW)
            .values("queue")
            .annotate(n=Count("id"), since=Min("awaiting_since"))
            .order_by()
        }
        late = dict(
            Submission.objects.filter(status=Status.AWAITING_REVIEW, due_at__lte=now)
            .values_list("queue")
            .annotate(n=Count("id"))
            .order_by()
        )
        for queue in Queue.values:
            row: dict[str, Any] = dict(rows.get(queue) or {})
            waiting.add_metric([queue], row.get("n", 0))
            breached.add_metric([queue], late.get(queue, 0))
            since = row.get("since")
            oldest.add_metric([queue], (now - since).total_seconds() if since else 0)
        yield from (waiting, breached, oldest)

    def checks(self) -> Iterator[GaugeMetricFamily]:
        from moderation.models import CheckRun, RunStatus

        unfinished = GaugeMetricFamily(
            "provenant_check_runs_unfinished", "Check runs pending or running.", labels=["kind", "status"]
        )
        for row in (
            CheckRun.objects.filter(status__in=[RunStatus.PENDING, RunStatus.RUNNING])
            .values("kind", "status")
            .annotate(n=Count("id"))
            .order_by()
        ):
            unfinished.add_metric([row["kind"], row["status"]], row["n"])
        errors = GaugeMetricFamily(
            "provenant_check_runs_errors_last_hour", "Check runs that ended in error in the last hour."
        )
        since = timezone.now() - timedelta(hours=1)
        errors.add_metric([], CheckRun.objects.filter(status=RunStatus.ERROR, finished_at__gte=since).count())
        yield from (unfinished, errors)

    def transparency_database(self) -> Iterator[GaugeMetricFamily]:
        from oversight.models import StatementSubmission

        family = GaugeMetricFamily(
            "provenant_tdb_statements", "Statements of reasons by sending state.", labels=["status"]
        )
        counts = dict(StatementSubmission.objects.values_list("status").annotate(n=Count("id")).order_by())
        for status in StatementSubmission.Status.values:
            family.add_metric([status], counts.get(status, 0))
        yield family

    def rq(self) -> Iterator[GaugeMetricFamily]:
        if not settings.BACKGROUND_JOBS:
            return
        import django_rq
        from rq import Worker
        from rq.registry import FailedJobRegistry, StartedJobRegistry

        depth = GaugeMetricFamily("provenant_rq_queue_jobs", "Jobs waiting in an RQ queue.", labels=["queue"])
        started = GaugeMetricFamily("provenant_rq_started_jobs", "Jobs being worked on.", labels=["queue"])
        failed = GaugeMetricFamily(
            "provenant_rq_failed_jobs", "Jobs in the failed registry.", labels=["queue"]
        )
        workers = GaugeMetricFamily("provenant_rq_workers", "Workers listening on a queue.", labels=["queue"])
        try:
            for name in settings.RQ_QUEUES:
                queue = django_rq.get_queue(name)
                depth.add_metric([name], queue.count)
                started.add_metric([name], StartedJobRegistry(queue=queue).count)
                failed.add_metric([name], FailedJobRegistry(queue=queue).count)
                workers.add_metric([name], Worker.count(queue=queue))
        except Exception:  # Redis down: say so through the "up" gauge, keep the other figures.
            logger.warning("RQ figures unavailable", exc_info=True)
            up = GaugeMetricFamily("provenant_rq_up", "1 when Redis answered the scrape.")
            up.add_metric([], 0)
            yield up
            return
        up = GaugeMetricFamily("provenant_rq_up", "1 when Redis answered the scrape.")
        up.add_metric([], 1)
        yield from (depth, started, failed, workers, up)


def render() -> bytes:
    """The text exposition of every figure, summed over worker processes when multi-process."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)
    else:
        registry.register(REQUESTS)
        registry.register(REQUEST_SECONDS)
    registry.register(ProvenantCollector())
    return generate_latest(registry)
