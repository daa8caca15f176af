"""Lockouts by django-axes go into the audit trail; a language chosen before login is remembered."""

from typing import Any

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

from audit.services import record_event


@receiver(user_locked_out, dispatch_uid="accounts_audit_lockout")
def record_lockout(
    sender: Any,
    request: HttpRequest | None = None,
    username: str | None = None,
    ip_address: str | None = None,
    **kwargs: Any,
) -> None:
    record_event(
        action="auth.locked_out",
        details={"username": str(username or "")[:150], "ip": ip_address},
        ip=ip_address,
    )


@receiver(user_logged_in, dispatch_uid="accounts_remember_language")
def remember_language(
    sender: Any, request: HttpRequest | None = None, user: Any = None, **kwargs: Any
) -> None:
    """A language picked with the switcher before logging in becomes the user's language."""
    from accounts.services import user_set_language

    if request is None or user is None:
        return
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if chosen:
        user_set_language(user=user, language=chosen)
