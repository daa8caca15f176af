"""Navigation entries and account banners for the base layout."""

from functools import cached_property
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Sanction, User
from accounts.selectors import pending_warnings
from notifications.selectors import unread_count


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    items: list[tuple[str, str]] = []
    if user is not None and user.is_authenticated:
        if user.is_contributor:
            items.append((_("My submissions"), reverse("submission_list")))
        if user.is_reviewer:
            items.append((_("Review"), reverse("review_home")))
            items.append((_("Queue"), reverse("queue_list", args=["review"])))
            if user.is_senior_moderator:
                items.append((_("Escalated"), reverse("queue_list", args=["escalated"])))
            items.append((_("Takedown"), reverse("queue_list", args=["takedown"])))
            items.append((_("Notices"), reverse("notice_queue")))
            if user.is_senior_moderator:
                items.append((_("Complaints"), reverse("complaint_queue")))
            items.append((_("Bulk"), reverse("bulk_grid")))
            items.append((_("Search"), reverse("oversight_search")))
            if user.is_senior_moderator:
                items.append((_("Metrics"), reverse("oversight_metrics")))
        if user.is_admin_role or user.is_staff:
            items.append((_("Admin"), reverse("admin:index")))
    return {
        "nav_items": items,
        # Not "site_name": Django's LoginView sets that to the request's host name.
        "SITE_NAME": settings.SITE_NAME,
        "unread_notifications": _unread_counter(user),
    }


def _unread_counter(user: Any) -> Any:
    """A callable, so the count is only queried when a template shows it."""
    if user is None or not user.is_authenticated:
        return 0

    def count() -> int:
        return unread_count(user)

    return count


class AccountBanners:
    """What the banner strip shows. Lazy: nothing is queried unless a template renders it, and
    then only when the standing (loaded with the user) says there is something to show."""

    def __init__(self, user: User, path: str = "") -> None:
        self.user = user
        self.path = path

    @cached_property
    def warnings(self) -> QuerySet[Sanction] | list[Sanction]:
        if not self.user.standing.pending_warning:
            return []
        return pending_warnings(self.user)

    @cached_property
    def restricted(self) -> bool:
        return self.user.standing.restricted

    @cached_property
    def needs_verification(self) -> bool:
        """The "Verify now" banner, except on the account page: it links there, and that page
        shows the ways to verify itself."""
        if self.path == reverse("account"):
            return False
        return self.user.is_contributor and not self.user.standing.identity_verified


def account_banners(request: HttpRequest) -> dict[str, Any]:
    appeals = {"appeals_contact": settings.APPEALS_CONTACT, "appeals_days": settings.APPEALS_RESPONSE_DAYS}
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return appeals
    return {"account_banners": AccountBanners(user, request.path), **appeals}
