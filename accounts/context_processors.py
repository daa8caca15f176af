"""Navigation entries for the base layout, by role."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    items: list[tuple[str, str]] = []
    if user is not None and user.is_authenticated:
        if user.is_contributor:
            items.append((_("My submissions"), reverse("submission_list")))
        if user.is_reviewer:
            items.append((_("Review"), reverse("review_home")))
        if user.is_admin_role or user.is_staff:
            items.append((_("Admin"), reverse("admin:index")))
    return {"nav_items": items, "site_name": settings.SITE_NAME}
