"""Intake jobs: thin wrappers taking ids, enqueued on the media queue."""


def make_thumbnail(media_id: int) -> None:
    from moderation.intake.thumbnails import media_make_thumbnail

    media_make_thumbnail(media_id=media_id)
