"""A user's notifications: everyone sees only their own (the queries are scoped to the user)."""

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from accounts.http import AuthenticatedRequest
from notifications.selectors import notifications_of
from notifications.services import notifications_mark_all_read, notifications_mark_read

PAGE_SIZE = 20


@require_GET
def notification_list(request: AuthenticatedRequest) -> HttpResponse:
    """Opening the list reads what it shows: those notifications stop counting as unread (the
    header's count clears on this very page), and are marked "new" here once."""
    page = Paginator(notifications_of(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    new_ids = [notification.pk for notification in page if notification.read_at is None]
    notifications_mark_read(user=request.user, ids=new_ids)
    return render(request, "moderation/notifications.html", {"page": page, "new_ids": new_ids})


@require_POST
def notification_read_all(request: AuthenticatedRequest) -> HttpResponse:
    notifications_mark_all_read(user=request.user)
    return redirect("notification_list")
