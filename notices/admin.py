"""Notices in the admin: to look at, never to change (moderators decide them in the notices queue,
through the services, which audit every step)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from notices.models import Notice, NoticeCase


class LookOnlyAdmin(admin.ModelAdmin):
    show_full_result_count = False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(NoticeCase)
class NoticeCaseAdmin(LookOnlyAdmin):
    list_display = [
        "id",
        "submission",
        "state",
        "top_category",
        "notice_count",
        "opened_at",
        "due_at",
        "outcome",
    ]
    list_filter = ["state", "top_category", "outcome", "urgent"]
    raw_id_fields = ["submission", "decision"]


@admin.register(Notice)
class NoticeAdmin(LookOnlyAdmin):
    list_display = [
        "id",
        "submission",
        "category",
        "trusted_flagger",
        "received_at",
        "receipt_sent_at",
        "decision_sent_at",
    ]
    list_filter = ["category", "trusted_flagger"]
    raw_id_fields = ["submission", "case"]
