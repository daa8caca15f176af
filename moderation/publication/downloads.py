"""What a download of an item's file gives (R19): AI content leaves as its labelled rendition, with
the rendition's own extension (from its bytes, never the name it was uploaded with); the
unlabelled original only through a logged request (moderation.publication.deliveries, R32)."""

from labels.media_types import extension_for, id3_tag_size, sniff
from moderation.models import MediaFile, PublishedRendition, Revision, Submission, Tier
from moderation.publication.selectors import published_renditions
from privatemedia.storage import read_range


def is_ai_content(submission: Submission, revision: Revision | None) -> bool:
    """Labelled as AI on publication: an AI tier from the checks, or declared AI by the contributor
    (before the checks have decided a tier)."""
    return submission.tier != Tier.NONE or bool(revision and revision.declared_ai)


def labelled_renditions(submission: Submission) -> dict[int, PublishedRendition]:
    """The published rendition of each of the item's files (by media id), while it is public."""
    if not submission.is_published:
        return {}
    return {r.media_id: r for r in published_renditions(submission).filter(media__isnull=False) if r.media_id}


def download_name(stored_name: str, prefix: str) -> str:
    """`<prefix>.<extension>`, the extension that of the file's sniffed type."""
    head = read_range(stored_name, 0, 64)  # only what the sniff needs, wherever the file is
    media_type = sniff(head)
    tag = id3_tag_size(head)
    if tag and read_range(stored_name, tag, 4) == b"fLaC":  # as labels.media_types.sniff_file
        media_type = "audio/flac"
    return f"{prefix}.{extension_for(media_type, head)}"


def rendition_download_name(submission: Submission, rendition: PublishedRendition) -> str:
    return download_name(rendition.file.name or "", f"provenant-{submission.pk}-{rendition.pk}")


def original_download_name(media: MediaFile) -> str:
    return download_name(
        media.file.name or "", f"provenant-{media.revision.submission_id}-m{media.pk}-original"
    )
