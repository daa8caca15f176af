"""Sending publication runs to the workers (the "media" queue), or running them here without
Redis. The PublicationRun row is the source of truth; a run Redis never got is sent again by
the publication sweep."""

from moderation.background import RowQueue

PUBLICATION_RUNS = RowQueue(
    queue="media",
    job_prefix="publication-run",
    job="moderation.publication.jobs.publish",
    inline="moderation.publication.jobs.publish_inline",
    model="moderation.PublicationRun",
    max_attempts_setting="PUBLICATION_MAX_ATTEMPTS",
    intervals_setting="PUBLICATION_RETRY_INTERVALS",
    timeout_setting="PUBLICATION_JOB_TIMEOUT_SECONDS",  # video: longer than one ffmpeg run
)
