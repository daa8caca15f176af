"""Background jobs (RQ, `default` queue): thin wrappers over the services.

Plain functions enqueued by name, like moderation's, so the queue's connection is read when
sending, not at import. Without Redis they run inline, after the commit that asked for them."""

import logging

from django.conf import settings
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)
SEND_JOB_ID = "tdb-send-statements"


def send_statements() -> dict[str, int]:
    from oversight.tdb.services import statements_send

    report = statements_send()
    return {
        "sent": report.sent,
        "invalid": report.invalid,
        "retrying": report.retrying,
        "failed": report.failed,
    }


def enqueue_send_statements() -> None:
    """One sending job at a time: a fixed job id, so a second enqueue while one waits does nothing."""
    if not settings.BACKGROUND_JOBS:
        send_statements()
        return
    from rq.exceptions import NoSuchJobError
    from rq.job import Job, JobStatus

    from operations.queues import rq_queue

    queue = rq_queue("default")
    try:
        try:
            job = Job.fetch(SEND_JOB_ID, connection=queue.connection)
            if job.get_status(refresh=False) in (JobStatus.QUEUED, JobStatus.STARTED, JobStatus.SCHEDULED):
                return
            job.delete()
        except NoSuchJobError:
            pass
        queue.enqueue(send_statements, job_id=SEND_JOB_ID, result_ttl=3600, failure_ttl=7 * 24 * 3600)
    except RedisError:
        logger.exception("Could not enqueue the Transparency Database sender; the next sweep will")
