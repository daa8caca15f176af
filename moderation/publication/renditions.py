"""Publishing approved content with the labels the rules demand (Labeling Measures Art. 4 and 6,
GB 45438): each image gets a labelled copy (explicit label drawn on it, one TC260 implicit label
with our propagation fields, the IPTC source type, a new C2PA manifest naming the original as
ingredient); text gets its explicit label at the start. The original upload is never touched."""

import logging
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage

from labels.publish import PublishError, PublishSettings, label_text, publish_image, wording
from moderation.models import MediaKind, PublishedRendition, Revision, Submission, Tier

logger = logging.getLogger(__name__)

EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}


class PublicationFailed(Exception):
    """A labelled copy could not be made; the content must not go out unlabelled."""


def content_id(submission: Submission, revision: Revision, suffix: str) -> str:
    # Printable ASCII without spaces: the TC260 character set (GB 45438 Annex E).
    return f"provenant-{submission.pk}-r{revision.number}-{suffix}"


def _rendition_name(submission: Submission, revision: Revision, media_pk: int, mime: str) -> str:
    extension = EXTENSIONS.get(mime, "bin")
    return f"{settings.PUBLISHED_ROOT}/{submission.pk}/r{revision.number}-m{media_pk}.{extension}"


def renditions_create(*, submission: Submission, revision: Revision, tier: str) -> list[PublishedRendition]:
    """Make and record the labelled copies of a revision; raise PublicationFailed if one fails.

    Steps: images through the label engine's publisher (then read back: any problem fails the
    publication); video and audio are published as uploaded, with the label shown around the
    player (their metadata labels are kept, not rewritten); text gets the explicit label first.
    Content with no AI indication is published as is.
    """
    publish_settings = PublishSettings.from_django_settings()
    labelled = tier != Tier.NONE
    english = publish_settings.english_for(tier) if labelled else ""
    explicit = wording(tier, english) if labelled else ""
    renditions: list[PublishedRendition] = []
    for item in revision.media.all():
        if item.kind == MediaKind.IMAGE and labelled:
            source = default_storage.path(item.file.name or "")
            name = _rendition_name(
                submission,
                revision,
                item.pk,
                item.mime_type if item.mime_type != "image/gif" else "image/png",
            )
            target = Path(default_storage.path(name))
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                result = publish_image(
                    source,
                    target,
                    tier=tier,
                    content_id=content_id(submission, revision, f"m{item.pk}"),
                    settings=publish_settings,
                )
            except PublishError as exc:
                raise PublicationFailed(f"{item.original_name}: {exc}") from exc
            if result.problems:
                raise PublicationFailed(f"{item.original_name}: {'; '.join(result.problems)}")
            renditions.append(
                PublishedRendition(
                    submission=submission,
                    revision=revision,
                    media=item,
                    file=name,
                    mime_type=result.media_type,
                    tier=tier,
                    explicit_label=result.explicit_label,
                    c2pa_status=result.c2pa_status,
                    notes=result.notes,
                )
            )
        else:
            notes = (
                []
                if item.kind == MediaKind.IMAGE
                else ["published as uploaded; the explicit label is shown around the player"]
            )
            renditions.append(
                PublishedRendition(
                    submission=submission,
                    revision=revision,
                    media=item,
                    file=item.file.name,
                    mime_type=item.mime_type,
                    tier=tier,
                    explicit_label=explicit,
                    notes=notes,
                )
            )
    if revision.body:
        renditions.append(
            PublishedRendition(
                submission=submission,
                revision=revision,
                tier=tier,
                explicit_label=explicit,
                text=label_text(revision.body, tier, english) if labelled else revision.body,
            )
        )
    return PublishedRendition.objects.bulk_create(renditions)
