"""The RQ queues, one object (and one Redis connection pool) per queue and process.

`django_rq.get_queue` builds a new Redis client on every call, and with it a new TCP connection:
five round trips of handshake before the first command, on every submission, thumbnail, webhook
and publication. Everything that enqueues goes through `rq_queue` instead.
"""

from typing import Any

from django.conf import settings

_queues: dict[tuple[object, str, str], Any] = {}


def rq_queue(name: str) -> Any:
    """The `name` queue of RQ_QUEUES, kept for the process.

    Keyed by its settings and by django-rq's connection factory, so a test that points the
    queues elsewhere (or swaps the factory for a fake server) gets a queue of its own."""
    import django_rq
    from django_rq import queues

    key = (queues.get_redis_connection, name, repr(settings.RQ_QUEUES[name]))
    if key not in _queues:
        _queues[key] = django_rq.get_queue(name)
    return _queues[key]


def redis_client(name: str = "default") -> Any:
    """The Redis client of the `name` queue (for pipelines and reads beside RQ's own)."""
    return rq_queue(name).connection
