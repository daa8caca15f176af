"""Sending check runs to the workers, or running them right here when there is no Redis.

Each check names its RQ queue (`Check.queue`): the fast metadata and text checks go to "checks",
the visible-mark OCR to "media". A run's job id is "check-run-<id>" whichever queue carries it.
Without Redis the fast checks run first, then the slow ones, all after commit. If sending fails
(Redis down), the run stays pending without `enqueued_at` and the stale-check sweep sends it later.
"""

from collections.abc import Iterable
from functools import cache

from moderation.background import RowQueue
from moderation.pipeline.checks import queue_of


@cache
def check_runs(queue: str) -> RowQueue:
    """The row queue of check runs on one RQ queue."""
    return RowQueue(
        queue=queue,
        job_prefix="check-run",
        job="moderation.pipeline.jobs.run_check",
        inline="moderation.pipeline.jobs.run_check_inline",
        model="moderation.CheckRun",
        max_attempts_setting="CHECK_MAX_ATTEMPTS",
        intervals_setting="CHECK_RETRY_INTERVALS",
    )


CHECK_RUNS = check_runs("checks")


def by_queue(runs: Iterable[tuple[int, str]]) -> dict[RowQueue, list[int]]:
    """Run ids grouped by the row queue of their kind, given (id, kind) pairs, in their order."""
    grouped: dict[RowQueue, list[int]] = {}
    for run_id, kind in runs:
        grouped.setdefault(check_runs(queue_of(kind)), []).append(run_id)
    return grouped


def send_on_commit(runs: Iterable[tuple[int, str]]) -> None:
    for row_queue, ids in by_queue(runs).items():
        row_queue.send_on_commit(ids)
