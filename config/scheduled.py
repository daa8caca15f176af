"""The scheduled jobs: thin wrappers the scheduler enqueues, each calling one service."""


def requeue_stale_checks() -> dict[str, int]:
    from moderation.pipeline.services import check_runs_requeue_stale

    return check_runs_requeue_stale().as_dict()


def requeue_stale_publications() -> dict[str, int]:
    from moderation.publication.services import publication_runs_requeue_stale

    return publication_runs_requeue_stale().as_dict()


def expire_consents() -> int:
    from consent.expiry import consents_expire

    return consents_expire()


def purge_identity_documents() -> int:
    from accounts.services import identity_documents_purge

    return identity_documents_purge()


def rollup_metrics() -> dict[str, object]:
    from django.conf import settings

    from oversight.metrics.cache import metrics_page_warm
    from oversight.metrics.days import recent_days
    from oversight.metrics.rollup import metrics_rollup

    report = metrics_rollup(days=recent_days(settings.METRICS_ROLLUP_DAYS)).as_dict()
    # The new figures' default pages, built now rather than by the first senior to look (issue 17).
    if settings.METRICS_PAGE_CACHE_SECONDS > 0:
        report["pages_warmed"] = metrics_page_warm()
    return report


def index_label_identifiers() -> int:
    from oversight.identifiers import label_identifiers_index

    return label_identifiers_index()


def queue_statements() -> int:
    from oversight.tdb.services import statements_queue

    return statements_queue()


def purge_expired_records() -> list[dict[str, object]]:
    from operations.retention import records_purge

    return [result.as_dict() for result in records_purge()]


def end_expired_takedowns() -> dict[str, int]:
    from moderation.publication.takedown import takedowns_end_expired

    return takedowns_end_expired()


def requeue_stale_webhooks() -> dict[str, int]:
    from webhooks.services import webhooks_requeue_stale

    return webhooks_requeue_stale().as_dict()


def purge_idempotency_keys() -> int:
    from integrations.services import idempotency_records_purge

    return idempotency_records_purge()
