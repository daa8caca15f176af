"""operations/queues.py: one RQ queue, and one Redis connection, per queue and process."""

from typing import Any

import pytest
from redis.connection import Connection

from moderation.intake.thumbnails import media_send_thumbnails
from operations.queues import redis_client, rq_queue


def test_each_queue_is_made_once_per_process(rq_connection: Any) -> None:
    assert rq_queue("media") is rq_queue("media")
    assert rq_queue("media") is not rq_queue("checks")
    assert redis_client("media") is rq_queue("media").connection


def test_enqueueing_opens_no_new_connection(rq_connection: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    queue = rq_queue("media")
    queue.connection.ping()
    connects: list[Connection] = []
    real_connect = Connection._connect

    def counting_connect(self: Connection) -> Any:
        connects.append(self)
        return real_connect(self)

    monkeypatch.setattr(Connection, "_connect", counting_connect)
    media_send_thumbnails([101, 102, 103])
    media_send_thumbnails([104])
    assert sorted(queue.job_ids) == [f"thumbnail-{i}" for i in (101, 102, 103, 104)]
    # django_rq.get_queue makes a client, and so a connection, on every call.
    assert connects == []


def test_redis_replies_are_parsed_in_c() -> None:
    # requirements.txt pins hiredis for this; redis-py silently falls back to Python without it.
    from redis.utils import HIREDIS_AVAILABLE

    assert HIREDIS_AVAILABLE
