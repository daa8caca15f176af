"""The RQ worker class Provenant runs (settings.RQ["WORKER_CLASS"])."""

from django.conf import settings
from rq.worker import SimpleWorker


class HeartbeatWorker(SimpleWorker):
    """RQ's SimpleWorker (jobs in the worker's own process, three times faster than forking,
    bench/pipeline.py) that reports in at least every WORKER_HEARTBEAT_SECONDS while idle.

    An idle RQ worker blocks on Redis for its TTL less 15 s (405 s by default) and sends a
    heartbeat only between waits, so "last seen" could not tell a quiet worker from a dead one
    within a minute. Waiting less long costs one Redis round trip per interval.
    """

    @property
    def dequeue_timeout(self) -> int:
        return max(1, min(super().dequeue_timeout, settings.WORKER_HEARTBEAT_SECONDS))
