"""Oversight in the Django admin: the DSA category of each policy reason (editable), the statements
sent to the Transparency Database and each call made (read-only), and decisions with a CSV export
(registered here only while moderation does not register its own)."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from moderation.models import Decision
from oversight.models import ReasonCategory, StatementSubmission, TdbRequest
from oversight.tdb.services import statements_retry


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ReasonCategory)
class ReasonCategoryAdmin(admin.ModelAdmin):
    list_display = ["reason", "category", "keywords"]
    list_filter = ["category"]
    autocomplete_fields = ["reason"]


@admin.register(StatementSubmission)
class StatementSubmissionAdmin(ReadOnly):
    list_display = ["puid", "status", "http_status", "tdb_uuid", "attempts", "last_attempt_at", "sent_at"]
    list_filter = ["status", "http_status"]
    search_fields = ["puid", "tdb_uuid"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    actions = ["retry"]

    @admin.action(description=_("Send again (refused, failed or skipped statements)"))
    def retry(self, request: HttpRequest, queryset: QuerySet[StatementSubmission]) -> None:
        count = statements_retry(ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request, _("%(n)s statement(s) will be sent again.") % {"n": count}, messages.SUCCESS
        )

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser or getattr(request.user, "is_admin_role", False))


@admin.register(TdbRequest)
class TdbRequestAdmin(ReadOnly):
    list_display = ["created_at", "endpoint", "statements", "http_status", "duration_ms"]
    list_filter = ["http_status"]
    date_hierarchy = "created_at"
    show_full_result_count = False


class DecisionAdmin(ReadOnly):
    """Decisions with their statements, read-only; the change list offers the CSV export."""

    list_display = ["created_at", "outcome", "from_queue", "moderator", "reason", "submission_id"]
    list_filter = ["outcome", "from_queue", "bulk"]
    list_select_related = ["moderator", "reason"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    raw_id_fields = ["submission", "revision", "moderator", "reason"]


if not admin.site.is_registered(Decision):
    admin.site.register(Decision, DecisionAdmin)
