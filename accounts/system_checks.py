"""`manage.py check --deploy`: production must key identity-number hashes with its own secret."""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register


@register(Tags.security, deploy=True)
def identity_hmac_key_set(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    if settings.DEBUG or settings.IDENTITY_HMAC_KEY:
        return []
    return [
        Warning(
            "IDENTITY_HMAC_KEY is not set: identity verification refuses to run without it.",
            hint="Set it once to a long random secret and never change it (it keys the stored hashes).",
            id="accounts.W001",
        )
    ]
