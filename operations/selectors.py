"""Is the check pipeline healthy? What moderators and admins see on their home pages.

Three facts, read in one query and one Redis round trip per worker: how many check runs wait
(pending), since when the oldest waits, and when a worker listening on the checks queue was
last seen (its RQ heartbeat, which `operations.workers.HeartbeatWorker` sends at least every
WORKER_HEARTBEAT_SECONDS even when idle). Without Redis the checks run inline: nothing to watch.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, replace

from django.conf import settings
from django.db.models import Count, Min
from django.utils import timezone
from redis.exceptions import RedisError

from moderation.models import CheckRun, RunStatus

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CheckHealth:
    now: datetime.datetime
    inline: bool = False
    waiting: int = 0
    oldest_waiting_since: datetime.datetime | None = None
    workers: int = 0
    last_seen: datetime.datetime | None = None
    redis_error: str = ""

    @property
    def oldest_wait(self) -> datetime.timedelta | None:
        return self.now - self.oldest_waiting_since if self.oldest_waiting_since else None

    @property
    def worker_alive(self) -> bool:
        """A worker was seen within WORKER_SILENT_AFTER_SECONDS."""
        silent_after = datetime.timedelta(seconds=settings.WORKER_SILENT_AFTER_SECONDS)
        return self.last_seen is not None and self.now - self.last_seen <= silent_after

    @property
    def stalled(self) -> bool:
        """Checks wait and no worker has been seen for a while: the banner's condition."""
        return not self.inline and self.waiting > 0 and not self.worker_alive


def check_health(now: datetime.datetime | None = None) -> CheckHealth:
    now = now or timezone.now()
    if not settings.BACKGROUND_JOBS:
        return CheckHealth(now=now, inline=True)
    waiting = CheckRun.objects.filter(status=RunStatus.PENDING).aggregate(
        count=Count("id"), oldest=Min("created_at")
    )
    health = CheckHealth(now=now, waiting=waiting["count"], oldest_waiting_since=waiting["oldest"])
    try:
        heartbeats = checks_worker_heartbeats()
    except RedisError as exc:
        logger.warning("Check health: Redis does not answer: %s", exc)
        return replace(health, redis_error=str(exc) or type(exc).__name__)
    return replace(health, workers=len(heartbeats), last_seen=max(heartbeats, default=None))


def checks_worker_heartbeats() -> list[datetime.datetime]:
    """The last heartbeat of every registered worker that listens on the checks queue.

    RQ drops a worker's registration when its heartbeat expires, so a worker killed without
    cleaning up disappears within its TTL; the heartbeat's age tells the rest.
    """
    import django_rq
    from rq.worker import Worker

    queue = django_rq.get_queue("checks")
    return [
        worker.last_heartbeat
        for worker in Worker.all(connection=queue.connection, queue=queue)
        if worker.last_heartbeat is not None
    ]
