"""Sending check runs to the workers, or running them right here when there is no Redis.

Each check names its RQ queue (`Check.queue`). The fast metadata and text checks share "checks"
and travel together: one job per revision, "check-runs-<id>_<id>_…", that claims and runs them in
turn (each keeps its own run row, lease, retry and result). RQ's own bookkeeping costs a job
about as much as the three fast checks together (bench/pipeline.py), so one job per submission
instead of one per check is most of the gain. A slow check ("media": the visible-mark OCR) keeps
a job of its own, "check-run-<id>", so several media workers share one submission's pixels.

All jobs of one sending go to Redis in one pipeline (one round trip), and `enqueued_at` is
stamped with one UPDATE. Without Redis the fast checks run first, then the slow ones, all after
commit. If sending fails (Redis down), the runs stay pending without `enqueued_at` and the
stale-check sweep sends them later.
"""

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from redis.exceptions import RedisError

from moderation.background import RowQueue
from moderation.models import CheckRun, RunStatus
from moderation.pipeline.checks import REGISTRY, Check, queue_of

logger = logging.getLogger(__name__)

# The queue whose runs travel together, one job per revision.
BATCHED_QUEUE = Check.queue
BATCH_PREFIX = "check-runs"
BATCH_JOB = "moderation.pipeline.jobs.run_checks"
BATCH_INLINE = "moderation.pipeline.jobs.run_checks_inline"
# Job ids that name check runs: a batch's "check-runs-12_13_14" and a single "check-run-15".
_RUN_JOB_ID = re.compile(r"^check-runs?-([0-9_]+)(?::|$)")


@cache
def check_runs(queue: str) -> RowQueue:
    """The row queue of check runs that travel alone (slow checks), on one RQ queue."""
    return RowQueue(
        queue=queue,
        job_prefix="check-run",
        job="moderation.pipeline.jobs.run_check",
        inline="moderation.pipeline.jobs.run_check_inline",
        model="moderation.CheckRun",
        max_attempts_setting="CHECK_MAX_ATTEMPTS",
        intervals_setting="CHECK_RETRY_INTERVALS",
    )


def redis_connection() -> Any:
    """The Redis client the check jobs are sent with (one per process: operations/queues.py)."""
    from operations.queues import redis_client

    return redis_client(BATCHED_QUEUE)


def batched_kinds() -> list[str]:
    """The registered kinds whose runs go to the batched queue."""
    return sorted(kind for kind, check in REGISTRY.items() if check.queue == BATCHED_QUEUE)


def batch_job_id(run_ids: Iterable[int]) -> str:
    return f"{BATCH_PREFIX}-{'_'.join(str(run_id) for run_id in sorted(run_ids))}"


def run_ids_of_job(job_id: str) -> list[int]:
    """The run ids a check job id names (a started job's registry entry carries ":<execution>")."""
    match = _RUN_JOB_ID.match(job_id)
    return [int(part) for part in match.group(1).split("_") if part] if match else []


@dataclass(frozen=True)
class Sending:
    """What one sending puts in Redis: batches of fast runs and slow runs alone, per queue."""

    batches: list[list[int]]  # each: the fast runs of one revision, one job
    alone: dict[str, list[int]]  # queue -> slow runs, one job each

    @property
    def run_ids(self) -> list[int]:
        return [run_id for batch in self.batches for run_id in batch] + [
            run_id for ids in self.alone.values() for run_id in ids
        ]


def plan(runs: Iterable[tuple[int, str, int]]) -> Sending:
    """Group (id, kind, revision id) triples: the batched queue's runs by revision, in order."""
    batches: dict[int, list[int]] = {}
    alone: dict[str, list[int]] = {}
    for run_id, kind, revision_id in runs:
        queue = queue_of(kind)
        if queue == BATCHED_QUEUE:
            batches.setdefault(revision_id, []).append(run_id)
        else:
            alone.setdefault(queue, []).append(run_id)
    return Sending(batches=list(batches.values()), alone=alone)


def send_on_commit(runs: Iterable[tuple[int, str, int]]) -> None:
    sending = plan(runs)
    if sending.run_ids:
        transaction.on_commit(lambda: send(sending))


def send(sending: Sending) -> None:
    """Enqueue every job of `sending` in one Redis pipeline (or run them here without Redis);
    stamp `enqueued_at` on the runs sent with one UPDATE."""
    if not settings.BACKGROUND_JOBS:
        for batch in sending.batches:
            import_string(BATCH_INLINE)(batch)
        for ids in sending.alone.values():
            for run_id in ids:
                import_string(check_runs(BATCHED_QUEUE).inline)(run_id)
        return
    from rq import Retry

    from operations.queues import rq_queue

    max_attempts = int(settings.CHECK_MAX_ATTEMPTS)
    retry = Retry(max=max_attempts - 1, interval=settings.CHECK_RETRY_INTERVALS) if max_attempts > 1 else None
    options: dict[str, Any] = {
        "retry": retry,
        "result_ttl": 0,  # The outcome lives in the database; Redis need not keep it.
        "failure_ttl": 7 * 24 * 3600,
    }
    connection = redis_connection()
    try:
        with connection.pipeline() as pipe:
            if sending.batches:
                queue = rq_queue(BATCHED_QUEUE)
                queue.enqueue_many(
                    [
                        queue.prepare_data(BATCH_JOB, args=(batch,), job_id=batch_job_id(batch), **options)
                        for batch in sending.batches
                    ],
                    pipeline=pipe,
                )
            for queue_name, ids in sending.alone.items():
                row_queue = check_runs(queue_name)
                queue = rq_queue(queue_name)
                queue.enqueue_many(
                    [
                        queue.prepare_data(
                            row_queue.job, args=(run_id,), job_id=row_queue.job_id(run_id), **options
                        )
                        for run_id in ids
                    ],
                    pipeline=pipe,
                )
            pipe.execute()
    except RedisError:
        logger.exception("Could not send check runs %s to Redis; the sweep will resend them", sending.run_ids)
        return
    CheckRun.objects.filter(pk__in=sending.run_ids, status=RunStatus.PENDING).update(
        enqueued_at=timezone.now()
    )


def waiting_run_ids(queues: Iterable[str]) -> set[int]:
    """The check runs Redis holds a live job for (queued, started, scheduled for a retry, or
    deferred) on these queues, read in one round trip: the ids are in the job ids."""
    from rq.registry import DeferredJobRegistry, ScheduledJobRegistry, StartedJobRegistry

    from operations.queues import rq_queue

    connection = redis_connection()
    with connection.pipeline(transaction=False) as pipe:
        for name in queues:
            queue = rq_queue(name)
            pipe.lrange(queue.key, 0, -1)
            for registry in (StartedJobRegistry, ScheduledJobRegistry, DeferredJobRegistry):
                pipe.zrange(registry(queue=queue).key, 0, -1)
        replies = pipe.execute()
    return {
        run_id
        for reply in replies
        for job_id in reply
        for run_id in run_ids_of_job(job_id.decode() if isinstance(job_id, bytes) else job_id)
    }
