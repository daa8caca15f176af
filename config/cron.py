"""What runs on a schedule, beside the workers: `python manage.py rqcron config.cron`.

Every job is also a management command, for crontab or a one-off run.
"""

from django.conf import settings
from rq import cron

from config import scheduled

# Runs a dead worker or a flushed Redis left behind (requeue_stale_checks).
cron.register(scheduled.requeue_stale_checks, "default", interval=settings.CHECK_SWEEP_INTERVAL_SECONDS)
# Publications a dead worker or a flushed Redis left behind (requeue_stale_publications).
cron.register(
    scheduled.requeue_stale_publications, "default", interval=settings.PUBLICATION_SWEEP_INTERVAL_SECONDS
)
# Published content whose consent expired goes down (expire_consents).
cron.register(scheduled.expire_consents, "default", interval=3600)
# Identity document images past their retention period are deleted (purge_identity_documents).
cron.register(scheduled.purge_identity_documents, "default", cron="17 3 * * *")
# Temporary takedowns and restrictions whose time is up are published again (end_expired_takedowns).
cron.register(scheduled.end_expired_takedowns, "default", interval=settings.TAKEDOWN_SWEEP_INTERVAL_SECONDS)
