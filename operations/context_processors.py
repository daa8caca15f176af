"""Check health for the templates of the people who act on it: moderators and admins."""

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from operations.selectors import check_health as read_check_health


def check_health(request: HttpRequest) -> dict[str, Any]:
    """`check_health` for moderators and admins, read only if a template shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    if not (user.is_reviewer or user.is_admin_role or user.is_staff):
        return {}
    return {"check_health": SimpleLazyObject(read_check_health)}
