"""Background jobs of the banks: thin wrappers taking ids (plain functions, like moderation.jobs)."""

from banks import services


def add_media_to_banks(**kwargs: object) -> int:
    return services.bank_add_media(**kwargs)  # type: ignore[arg-type]
