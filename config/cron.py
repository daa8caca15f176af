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
# Metrics roll-ups: today and yesterday recomputed, so the metrics page reads ready figures.
cron.register(scheduled.rollup_metrics, "default", interval=settings.METRICS_ROLLUP_INTERVAL_SECONDS)
# C2PA manifest ids and TC260 ProduceIDs of new label-check results, for search.
cron.register(scheduled.index_label_identifiers, "default", interval=300)
# New statements of reasons for the EU Transparency Database (sent by a job when any are due).
cron.register(scheduled.queue_statements, "default", interval=settings.TDB_SWEEP_INTERVAL_SECONDS)
# Records past their retention period, never younger than 183 days (purge_expired_records).
cron.register(scheduled.purge_expired_records, "default", cron="37 3 * * *")
# Temporary takedowns and restrictions whose time is up are published again (end_expired_takedowns).
cron.register(scheduled.end_expired_takedowns, "default", interval=settings.TAKEDOWN_SWEEP_INTERVAL_SECONDS)
# Webhook deliveries a dead worker or a flushed Redis stranded; endpoints failing for days disabled.
cron.register(scheduled.requeue_stale_webhooks, "default", interval=settings.WEBHOOK_SWEEP_INTERVAL_SECONDS)
# Idempotency keys past IDEMPOTENCY_KEY_TTL_HOURS: no longer honoured, their records deleted
# (purge_idempotency_keys). A cached HTTP answer, not a record kept under the 183-day floor.
cron.register(scheduled.purge_idempotency_keys, "default", cron="7 * * * *")
