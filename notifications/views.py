"""A user's notifications: everyone sees only their own (the queries are scoped to the user)."""

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from accounts.http import AuthenticatedRequest
from notifications.selectors import notifications_of
from notifications.services import notifications_mark_all_read

PAGE_SIZE = 20


@require_GET
def notification_list(request: AuthenticatedRequest) -> HttpResponse:
    page = Paginator(notifications_of(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "moderation/notifications.html", {"page": page})


@require_POST
def notification_read_all(request: AuthenticatedRequest) -> HttpResponse:
    notifications_mark_all_read(user=request.user)
    return redirect("notification_list")
