"""`manage.py check --deploy`: production must key identity-number hashes with its own secret."""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register


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


@register(Tags.security, deploy=True)
def identity_providers_real(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """The console provider verifies nobody: never in production."""
    if settings.DEBUG:
        return []
    messages: list[CheckMessage] = []
    if any(path.endswith(".ConsoleProvider") for path in settings.IDENTITY_PROVIDER):
        messages.append(
            Error(
                "IDENTITY_PROVIDER includes the development ConsoleProvider, which verifies nobody.",
                hint="Use NationalIdentityProvider, CarrierThreeFactorProvider or DocumentReviewProvider.",
                id="accounts.E002",
            )
        )
    if not settings.IDENTITY_PROVIDER:
        messages.append(
            Error("IDENTITY_PROVIDER is empty: nobody can verify their identity.", id="accounts.E003")
        )
    return messages


@register(Tags.security, deploy=True)
def proxy_count_behind_a_proxy(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """Behind a proxy with no trusted proxy count, every client has the proxy's IP: lockouts, rate
    limits and the audit trail's addresses all see one person."""
    if not getattr(settings, "BEHIND_TLS_PROXY", False) or settings.TRUSTED_PROXY_COUNT > 0:
        return []
    return [
        Warning(
            "BEHIND_TLS_PROXY is on but TRUSTED_PROXY_COUNT is 0: every client appears with the proxy's IP.",
            hint="Set TRUSTED_PROXY_COUNT to the number of proxies adding to X-Forwarded-For (usually 1).",
            id="accounts.W010",
        )
    ]
