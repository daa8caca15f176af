"""Periodic jobs, run by `python manage.py rqcron moderation.cron` beside the workers."""

from django.conf import settings
from rq import cron

from moderation.jobs import requeue_stale_checks

cron.register(requeue_stale_checks, "default", interval=settings.CHECK_SWEEP_INTERVAL_SECONDS)
