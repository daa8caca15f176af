"""Sending check runs to the workers (the "checks" queue), or running them right here when there
is no Redis. If sending fails (Redis down), the run stays pending without `enqueued_at` and the
stale-check sweep sends it later."""

from moderation.background import RowQueue

CHECK_RUNS = RowQueue(
    queue="checks",
    job_prefix="check-run",
    job="moderation.pipeline.jobs.run_check",
    inline="moderation.pipeline.jobs.run_check_inline",
    model="moderation.CheckRun",
    max_attempts_setting="CHECK_MAX_ATTEMPTS",
    intervals_setting="CHECK_RETRY_INTERVALS",
)
