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


def end_expired_takedowns() -> dict[str, int]:
    from moderation.publication.takedown import takedowns_end_expired

    return takedowns_end_expired()
