"""Webhook jobs: thin wrappers that take a delivery id and call the service."""

import os

from moderation.pipeline.jobs import worker_name
from webhooks.delivery import webhook_delivery_attempt


def deliver_webhook(delivery_id: int) -> str:
    # Not under asynchronous_commit as check jobs are: its SET and RESET were two more round trips
    # than the four an attempt needs, costlier than the flush they save (bench/webhooks.py).
    return webhook_delivery_attempt(delivery_id=delivery_id, worker=worker_name())


def deliver_webhook_inline(delivery_id: int) -> str:
    """Without Redis: one attempt now; a failure waits for the sweep (requeue_stale_webhooks)."""
    return webhook_delivery_attempt(delivery_id=delivery_id, worker=f"inline:{os.getpid()}")
