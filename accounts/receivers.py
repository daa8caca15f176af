"""Lockouts by django-axes go into the audit trail, with the username and the client IP."""

from typing import Any

from axes.signals import user_locked_out
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
