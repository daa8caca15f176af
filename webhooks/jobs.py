"""Webhook jobs: thin wrappers that take an endpoint id and call the service."""

import os

from moderation.pipeline.jobs import worker_name
from webhooks.delivery import webhook_endpoint_drain
from webhooks.dispatch import drain_started
from webhooks.models import WebhookDelivery


def drain_webhooks(endpoint_id: int, retry: bool = False) -> str:
    # Not under asynchronous_commit as check jobs are: its SET and RESET were two more round trips
    # per job, costlier than the flushes they save (bench/webhooks.py).
    drain_started(endpoint_id)
    return str(webhook_endpoint_drain(endpoint_id=endpoint_id, worker=worker_name(), retry=retry))


def drain_webhooks_inline(endpoint_id: int) -> str:
    """Without Redis: what is due now; a failure waits for the sweep (requeue_stale_webhooks)."""
    return str(webhook_endpoint_drain(endpoint_id=endpoint_id, worker=f"inline:{os.getpid()}"))


def deliver_webhook(delivery_id: int) -> str:
    """A job of the one-delivery-per-job days, still queued at the upgrade: drain its endpoint."""
    endpoint_id = WebhookDelivery.objects.filter(pk=delivery_id).values_list("endpoint_id", flat=True).first()
    if endpoint_id is None:
        return "no such delivery"
    return drain_webhooks(endpoint_id)
