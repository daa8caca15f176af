"""The list of known producers (R08) in the admin: every change goes through the services, which
audit it and bump the list's version (and so the label check's)."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from producers.models import Producer
from producers.services import producer_delete, producer_save


@admin.register(Producer)
class ProducerAdmin(admin.ModelAdmin):
    list_display = ["name", "key", "kind", "status", "note", "updated_at", "updated_by"]
    list_filter = ["status", "kind"]
    search_fields = ["name", "key", "note"]
    readonly_fields = ["kind", "updated_at", "updated_by"]
    fields = ["key", "kind", "name", "status", "note", "updated_at", "updated_by"]
    list_select_related = ["updated_by"]

    def save_model(self, request: HttpRequest, obj: Producer, form: Any, change: bool) -> None:
        producer_save(producer=obj, actor=request.user)  # type: ignore[arg-type]

    def delete_model(self, request: HttpRequest, obj: Producer) -> None:
        producer_delete(producer=obj, actor=request.user)  # type: ignore[arg-type]

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Producer]) -> None:
        for producer in queryset:
            producer_delete(producer=producer, actor=request.user)  # type: ignore[arg-type]
