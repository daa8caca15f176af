"""Is background work healthy? What moderators and admins see on their home pages.

Per RQ queue that Provenant uses (WATCHED_QUEUES: "default", "checks", "media"), three facts: how
many jobs wait, since when the oldest waits, and when a worker serving that queue was last seen
(its RQ heartbeat, which `operations.workers.HeartbeatWorker` sends at least every
WORKER_HEARTBEAT_SECONDS even when idle). What waits is read from the rows that are the source of
truth where there are some (check runs on "checks" and "media" by their kind's queue, publication
runs on "media"), from the RQ queue itself for "default" (the Transparency Database sender and
other plain jobs). One query, and a few Redis round trips. Without Redis the jobs run inline:
nothing to watch.

A queue is stalled when jobs wait on it and no worker serving it was seen within
WORKER_SILENT_AFTER_SECONDS: the banner names each stalled queue.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field, replace

from django.conf import settings
from django.db.models import CharField, Count, Min, Value
from django.utils import timezone
from redis.exceptions import RedisError

from moderation.models import CheckRun, PublicationRun, PublicationStatus, RunStatus

logger = logging.getLogger(__name__)

# The queues rqworker is started with (README: `rqworker checks media default --with-scheduler`).
WATCHED_QUEUES = ("default", "checks", "media")
PUBLICATION_KIND = "__publication__"  # publication runs, in the one query beside the check kinds


class _WaitsAndWorkers:
    """How long the oldest job has waited and whether a worker is alive, for a queue or for all."""

    now: datetime.datetime
    oldest_waiting_since: datetime.datetime | None
    last_seen: datetime.datetime | None

    @property
    def oldest_wait(self) -> datetime.timedelta | None:
        return self.now - self.oldest_waiting_since if self.oldest_waiting_since else None

    @property
    def worker_alive(self) -> bool:
        """A worker was seen within WORKER_SILENT_AFTER_SECONDS."""
        silent_after = datetime.timedelta(seconds=settings.WORKER_SILENT_AFTER_SECONDS)
        return self.last_seen is not None and self.now - self.last_seen <= silent_after


@dataclass(frozen=True)
class QueueHealth(_WaitsAndWorkers):
    name: str
    now: datetime.datetime
    waiting: int = 0
    oldest_waiting_since: datetime.datetime | None = None
    workers: int = 0
    last_seen: datetime.datetime | None = None

    @property
    def stalled(self) -> bool:
        """Jobs wait here and no worker serving this queue has been seen for a while."""
        return self.waiting > 0 and not self.worker_alive


@dataclass(frozen=True)
class CheckHealth(_WaitsAndWorkers):
    now: datetime.datetime
    inline: bool = False
    # Check runs waiting, on whichever queue (the "N checks waiting" line).
    waiting: int = 0
    oldest_waiting_since: datetime.datetime | None = None
    # Workers serving any watched queue (each counted once), and the latest heartbeat among them.
    workers: int = 0
    last_seen: datetime.datetime | None = None
    redis_error: str = ""
    queues: tuple[QueueHealth, ...] = field(default_factory=tuple)

    @property
    def stalled_queues(self) -> list[QueueHealth]:
        return [queue for queue in self.queues if queue.stalled] if not self.inline else []

    @property
    def stalled(self) -> bool:
        """Some queue has jobs waiting and no worker serving it has been seen: the banner's condition."""
        return bool(self.stalled_queues)

    def queue(self, name: str) -> QueueHealth | None:
        return next((queue for queue in self.queues if queue.name == name), None)


def waiting_rows() -> dict[tuple[str, str], tuple[int, datetime.datetime | None]]:
    """Check runs and publication runs waiting, by (RQ queue, "check" | "publication"): (count,
    oldest), in one query."""
    from moderation.pipeline.checks import queue_of

    checks = (
        CheckRun.objects.filter(status=RunStatus.PENDING)
        .values("kind")
        .annotate(n=Count("id"), oldest=Min("created_at"))
        .order_by()
    )
    publications = (
        PublicationRun.objects.filter(status=PublicationStatus.PENDING)
        .annotate(kind=Value(PUBLICATION_KIND, output_field=CharField()))
        .values("kind")
        .annotate(n=Count("id"), oldest=Min("created_at"))
        .order_by()
    )
    waiting: dict[tuple[str, str], tuple[int, datetime.datetime | None]] = {}
    for row in checks.union(publications, all=True):
        if not row["n"]:
            continue
        key = (
            ("media", "publication") if row["kind"] == PUBLICATION_KIND else (queue_of(row["kind"]), "check")
        )
        count, oldest = waiting.get(key, (0, None))
        waiting[key] = (count + row["n"], min(filter(None, (oldest, row["oldest"])), default=None))
    return waiting


def _total(rows: list[tuple[int, datetime.datetime | None]]) -> tuple[int, datetime.datetime | None]:
    return sum(n for n, _o in rows), min((o for _n, o in rows if o), default=None)


def check_health(now: datetime.datetime | None = None) -> CheckHealth:
    now = now or timezone.now()
    if not settings.BACKGROUND_JOBS:
        return CheckHealth(now=now, inline=True)
    rows = waiting_rows()
    checks = _total([value for (_queue, source), value in rows.items() if source == "check"])
    health = CheckHealth(
        now=now,
        waiting=checks[0],
        oldest_waiting_since=checks[1],
        queues=tuple(
            QueueHealth(name, now, *_total([value for (queue, _s), value in rows.items() if queue == name]))
            for name in WATCHED_QUEUES
        ),
    )
    try:
        heartbeats = queue_worker_heartbeats()
        jobs = default_queue_jobs()
    except RedisError as exc:
        logger.warning("Check health: Redis does not answer: %s", exc)
        return replace(health, redis_error=str(exc) or type(exc).__name__)
    queues = []
    for queue in health.queues:
        seen = heartbeats.get(queue.name, {})
        if queue.name == "default":
            queue = replace(queue, waiting=jobs[0], oldest_waiting_since=jobs[1])
        queues.append(replace(queue, workers=len(seen), last_seen=max(seen.values(), default=None)))
    every = {name: at for seen in heartbeats.values() for name, at in seen.items()}
    return replace(
        health, queues=tuple(queues), workers=len(every), last_seen=max(every.values(), default=None)
    )


def queue_worker_heartbeats() -> dict[str, dict[str, datetime.datetime]]:
    """Per watched queue, the last heartbeat of every registered worker serving it, by worker name.

    RQ drops a worker's registration when its heartbeat expires, so a worker killed without
    cleaning up disappears within its TTL; the heartbeat's age tells the rest.
    """
    import django_rq
    from rq.worker import Worker

    result: dict[str, dict[str, datetime.datetime]] = {}
    for name in WATCHED_QUEUES:
        queue = django_rq.get_queue(name)
        result[name] = {
            worker.name: worker.last_heartbeat
            for worker in Worker.all(connection=queue.connection, queue=queue)
            if worker.last_heartbeat is not None
        }
    return result


def default_queue_jobs() -> tuple[int, datetime.datetime | None]:
    """Jobs waiting on the default queue, and when the one at its head was enqueued."""
    import django_rq

    queue = django_rq.get_queue("default")
    count = queue.count
    if not count:
        return 0, None
    head = queue.get_job_ids(0, 1)
    job = queue.fetch_job(head[0]) if head else None
    if job is None or job.enqueued_at is None:
        return count, None
    enqueued = job.enqueued_at
    return count, enqueued if enqueued.tzinfo else enqueued.replace(tzinfo=datetime.UTC)
