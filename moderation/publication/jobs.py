"""Publication jobs: thin wrappers taking a run id, enqueued on the "media" queue."""

import os

from moderation.pipeline.jobs import worker_name


def publish(run_id: int) -> str:
    from moderation.publication.services import publication_run_execute

    return publication_run_execute(run_id=run_id, worker=worker_name())


def publish_inline(run_id: int) -> str:
    """Without Redis: publish now, trying again at once while attempts remain."""
    from moderation.publication.services import RetryPublication, publication_run_execute

    while True:
        try:
            return publication_run_execute(run_id=run_id, worker=f"inline:{os.getpid()}")
        except RetryPublication:
            continue
