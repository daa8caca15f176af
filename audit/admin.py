from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: events are recorded by services, never typed in or edited."""

    list_display = ["seq", "created_at", "actor_label", "action", "target", "ip"]
    list_filter = ["action", "target_type", "created_at"]
    search_fields = ["actor_label", "action", "target_id", "ip"]
    date_hierarchy = "created_at"
    list_per_page = 50
    show_full_result_count = False

    @admin.display(description=_("target"), ordering="target_type")
    def target(self, event: AuditEvent) -> str:
        """One column for type and id: two columns hid the IP address at 1366 px."""
        return f"{event.target_type} #{event.target_id}" if event.target_id else event.target_type

    def get_readonly_fields(self, request: HttpRequest, obj: AuditEvent | None = None) -> list[str]:
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
