"""Thumbnails of uploaded images: made by a worker on the media queue after commit, or on first
view when there is no worker."""

import logging

from django.conf import settings

from moderation.intake import media
from moderation.models import MediaFile

logger = logging.getLogger(__name__)


def media_send_thumbnails(media_ids: list[int]) -> None:
    if not settings.BACKGROUND_JOBS:
        for media_id in media_ids:
            media_make_thumbnail(media_id=media_id)
        return
    from redis.exceptions import RedisError

    from moderation.intake import jobs
    from operations.queues import rq_queue

    try:
        queue = rq_queue("media")
        for media_id in media_ids:
            queue.enqueue(jobs.make_thumbnail, media_id, job_id=f"thumbnail-{media_id}")
    except RedisError:
        logger.exception("Could not send thumbnail jobs; thumbnails are made on first view instead")


def media_make_thumbnail(*, media_id: int) -> None:
    """Render the thumbnail of an image once; other rows sharing the file get it too."""
    row = MediaFile.objects.filter(pk=media_id).first()
    if row is None or row.thumbnail or not row.is_image:
        return
    try:
        name = media.render_thumbnail(row.file.name or "", row.kind)
    except (OSError, ValueError):
        logger.exception("Thumbnail failed for media %s", media_id)
        return
    MediaFile.objects.filter(file=row.file.name, thumbnail="").update(thumbnail=name)
