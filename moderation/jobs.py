"""Background jobs: thin wrappers that take ids and call the services.

Plain functions enqueued by `moderation.queueing` (check runs) and by
`moderation.services.submissions.media_send_thumbnails` (thumbnails), not `@job`, which binds
the queue's connection at import time, before settings may point it elsewhere.
"""

import os
import socket

from moderation.checks import TransientCheckError
from moderation.services import checks as check_services


def worker_name() -> str:
    from rq import get_current_job

    job = get_current_job()
    name = getattr(job, "worker_name", None) if job else None
    return name or f"{socket.gethostname()}:{os.getpid()}"


def run_check(run_id: int) -> str:
    return check_services.check_run_execute(run_id=run_id, worker=worker_name())


def run_check_inline(run_id: int) -> str:
    """Without Redis: run now, retrying transient errors at once up to the attempt limit."""
    while True:
        try:
            return check_services.check_run_execute(run_id=run_id, worker=f"inline:{os.getpid()}")
        except TransientCheckError:
            continue


def make_thumbnail(media_id: int) -> None:
    from moderation.services.submissions import media_make_thumbnail

    media_make_thumbnail(media_id=media_id)
