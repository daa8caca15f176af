"""How the rows of each stage (check runs, publication runs) travel to the workers.

The database row is the source of truth; Redis only carries its id. A `RowQueue` sends ids
after commit, as RQ jobs with retries, or runs them right here when there is no Redis
(BACKGROUND_JOBS off); rows whose id never reached Redis, or that Redis lost, are found by the
stage's sweep and sent again (`resend_lost`). Sending twice is harmless: only one claim wins.
"""

import logging
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string
from redis.exceptions import RedisError

from audit.services import record_event

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RowQueue:
    queue: str  # the RQ queue
    job_prefix: str  # job ids are "<prefix>-<row id>", so a row has one job at a time
    job: str  # dotted path of the job a worker runs with the row id (kept stable: RQ stores it)
    inline: str  # dotted path of what runs here without Redis
    model: str  # "app_label.Model" with status, "pending" and enqueued_at
    max_attempts_setting: str
    intervals_setting: str
    # The setting naming how long one job may run (RQ stops it then); "" for the queue's default.
    timeout_setting: str = ""

    def job_id(self, row_id: int) -> str:
        return f"{self.job_prefix}-{row_id}"

    def send_on_commit(self, ids: list[int]) -> None:
        if ids:
            transaction.on_commit(lambda: self.send(ids))

    def send(self, ids: list[int]) -> None:
        """Enqueue each id (or run it here without Redis); stamp `enqueued_at` on those sent."""
        if not settings.BACKGROUND_JOBS:
            run_inline = import_string(self.inline)
            for row_id in ids:
                run_inline(row_id)
            return
        from rq import Retry

        from operations.queues import rq_queue as queue_named

        max_attempts: int = getattr(settings, self.max_attempts_setting)
        rq_queue = queue_named(self.queue)
        sent = []
        try:
            for row_id in ids:
                rq_queue.enqueue(
                    self.job,
                    row_id,
                    job_id=self.job_id(row_id),
                    retry=Retry(max=max_attempts - 1, interval=getattr(settings, self.intervals_setting))
                    if max_attempts > 1
                    else None,
                    job_timeout=getattr(settings, self.timeout_setting) if self.timeout_setting else None,
                    result_ttl=0,  # The outcome lives in the database; Redis need not keep it.
                    failure_ttl=7 * 24 * 3600,
                )
                sent.append(row_id)
        except RedisError:
            logger.exception(
                "Could not send %s jobs %s to Redis; the sweep will resend them", self.queue, ids
            )
        if sent:
            apps.get_model(self.model).objects.filter(pk__in=sent, status="pending").update(
                enqueued_at=timezone.now()
            )

    def is_waiting(self, row_id: int) -> bool:
        """Whether Redis still holds a live job for this row (queued, scheduled or started)."""
        import django_rq
        from rq.exceptions import NoSuchJobError
        from rq.job import Job, JobStatus

        try:
            job = Job.fetch(self.job_id(row_id), connection=django_rq.get_connection(self.queue))
        except NoSuchJobError:
            return False
        return job.get_status(refresh=False) in (
            JobStatus.QUEUED,
            JobStatus.SCHEDULED,
            JobStatus.STARTED,
            JobStatus.DEFERRED,
        )


def claim_row(model: str, row_id: int, *, worker: str, lease_seconds: int) -> bool:
    """Take a pending row for this worker under a lease, with a conditional update: of two
    deliveries of one row, only one claims it."""
    now = timezone.now()
    return bool(
        apps.get_model(model)
        .objects.filter(pk=row_id, status="pending")
        .update(
            status="running",
            worker=worker[:200],
            started_at=now,
            lease_expires_at=now + timedelta(seconds=lease_seconds),
            attempts=F("attempts") + 1,
        )
    )


@dataclass
class SweepReport:
    """What a stage's sweep did: leases taken back, rows sent again, rows given up on."""

    lease_expired: int = 0
    resent: int = 0
    gave_up: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)

    def record(self, action: str) -> "SweepReport":
        if self.lease_expired or self.resent or self.gave_up:
            record_event(action=action, details=self.as_dict())
        return self


def resend_lost(
    row_queue: RowQueue, taken_back: list[int], stale_pending: Iterable[int], report: SweepReport
) -> None:
    """Send the rows taken back from dead workers, and the stale pending rows Redis does not hold."""
    lost = [
        row_id for row_id in stale_pending if not settings.BACKGROUND_JOBS or not row_queue.is_waiting(row_id)
    ]
    to_send = taken_back + lost
    if to_send:
        row_queue.send(to_send)
        report.resent += len(to_send)  # a stage may resend to several queues
