"""Reads of what is published and of publications under way."""

from django.db.models import QuerySet

from moderation.models import PublicationRun, PublicationStatus, PublishedRendition, Submission


def published_renditions(submission: Submission) -> QuerySet[PublishedRendition]:
    """The renditions readers see: those of the newest publication of the current revision (a
    revision published again after a takedown has newer ones), or, for content published before
    publication runs existed, the revision's renditions without a run."""
    revision = submission.current_revision_id or 0
    renditions = PublishedRendition.objects.filter(submission=submission, revision_id=revision)
    newest = (
        PublicationRun.objects.filter(
            submission=submission,
            revision_id=revision,
            status=PublicationStatus.PUBLISHED,
        )
        .order_by("-id")
        .values("pk")[:1]
    )
    return renditions.filter(run__in=newest) if newest.exists() else renditions.filter(run__isnull=True)


def latest_publication(submission: Submission) -> PublicationRun | None:
    """The newest publication run of the item, for the review and submission pages."""
    return PublicationRun.objects.filter(submission=submission).order_by("-id").first()
