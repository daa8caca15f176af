"""Webhook jobs: thin wrappers that take a delivery id and call the service."""

import os

from moderation.pipeline.jobs import asynchronous_commit, worker_name
from webhooks.delivery import webhook_delivery_attempt


def deliver_webhook(delivery_id: int) -> str:
    # Bookkeeping commits need not wait for the disk: a commit lost in a database crash leaves the
    # delivery leased, and the sweep sends it again (at least once, same event id).
    with asynchronous_commit():
        return webhook_delivery_attempt(delivery_id=delivery_id, worker=worker_name())


def deliver_webhook_inline(delivery_id: int) -> str:
    """Without Redis: one attempt now; a failure waits for the sweep (requeue_stale_webhooks)."""
    return webhook_delivery_attempt(delivery_id=delivery_id, worker=f"inline:{os.getpid()}")
