"""Consent rows in the admin: to look at, never to add, change or delete (they are proof, R31).

Every change goes through the consent services, which audit it.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from consent.models import ConsentRecord, ConsentRequest, ReleaseDocument


class ReadOnlyAdmin(admin.ModelAdmin):
    show_full_result_count = False
    raw_id_fields = ["submission", "revision"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # Secrets (link nonces) and the private file stay out of view.
        return [field.name for field in self.model._meta.fields if field.name not in (self.exclude or [])]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ConsentRecord)
class ConsentRecordAdmin(ReadOnlyAdmin):
    list_display = ["id", "submission", "person_name", "method", "granted_at", "expires_at", "withdrawn_at"]
    list_filter = ["method"]
    search_fields = ["person_name", "person_key"]
    exclude = ["withdraw_nonce"]


@admin.register(ConsentRequest)
class ConsentRequestAdmin(ReadOnlyAdmin):
    list_display = ["id", "submission", "person_name", "channel", "status", "sent_at", "expires_at"]
    list_filter = ["status", "channel"]
    search_fields = ["person_name", "person_key"]
    exclude = ["nonce"]


@admin.register(ReleaseDocument)
class ReleaseDocumentAdmin(ReadOnlyAdmin):
    list_display = ["id", "submission", "person_name", "status", "uploaded_at", "decided_at"]
    list_filter = ["status"]
    search_fields = ["person_name", "person_key"]
    exclude = ["file"]
