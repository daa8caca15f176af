"""Banks in the admin: create and edit banks, browse and disable entries, import partner CSVs."""

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.admin.base import AuditedAdminMixin
from banks.forms import ImportForm
from banks.models import Bank, BankEntry, BankImport
from banks.services import bank_entries_set_active, bank_import_csv

IMPORTED = _("Imported %(added)s new hashes (%(duplicates)s already there, %(refused)s lines refused).")


@admin.register(Bank)
class BankAdmin(AuditedAdminMixin, admin.ModelAdmin):
    audit_prefix = "bank"
    list_display = [
        "name",
        "action",
        "pdq_threshold",
        "is_active",
        "entry_count",
        "updated_at",
        "import_link",
    ]
    list_filter = ["action", "is_active"]
    search_fields = ["name", "purpose"]
    filter_horizontal = ["auto_add_reasons"]
    readonly_fields = ["created_by", "created_at", "updated_at"]
    fields = [
        "name",
        "purpose",
        "action",
        "pdq_threshold",
        "is_active",
        "auto_add_reasons",
        "created_by",
        "created_at",
        "updated_at",
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Bank]:
        return super().get_queryset(request).annotate(entry_count=Count("entries"))

    @admin.display(description=_("entries"), ordering="entry_count")
    def entry_count(self, bank: Bank) -> int:
        return getattr(bank, "entry_count", 0)

    @admin.display(description=_("import"))
    def import_link(self, bank: Bank) -> str:
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:banks_bank_import", args=[bank.pk]), _("Import CSV")
        )

    def save_model(self, request: HttpRequest, obj: Bank, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # switch a bank off instead: its entries are evidence of earlier decisions

    def get_urls(self) -> list[Any]:
        return [
            path(
                "<int:pk>/import/",
                self.admin_site.admin_view(self.import_view),
                name="banks_bank_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """GET: the form. POST: import, then the same page with the outcome and every bad line."""
        bank = get_object_or_404(Bank, pk=pk)
        if not request.user.has_perm("banks.add_bankentry"):
            raise PermissionDenied
        result = None
        if request.method == "POST":
            form = ImportForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                result = bank_import_csv(
                    bank=bank,
                    data=upload.read(),
                    filename=upload.name,
                    partner=form.cleaned_data["partner"],
                    actor=request.user,  # type: ignore[arg-type]
                    skip_invalid=form.cleaned_data["skip_invalid"],
                )
                if result.batch is not None:
                    self.message_user(
                        request,
                        IMPORTED
                        % {
                            "added": result.batch.added,
                            "duplicates": result.batch.duplicates,
                            "refused": result.batch.refused,
                        },
                        messages.SUCCESS,
                    )
                else:
                    self.message_user(
                        request, _("Nothing was imported: correct the lines below."), messages.ERROR
                    )
        elif request.method == "GET":
            form = ImportForm()
        else:
            return HttpResponse(status=405)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "bank": bank,
            "form": form,
            "result": result,
            "title": _("Import hashes into %(bank)s") % {"bank": bank.name},
            "status": 400 if result is not None and not result.imported else 200,
        }
        return TemplateResponse(request, "admin/banks/bank/import.html", context, status=context["status"])


@admin.register(BankEntry)
class BankEntryAdmin(admin.ModelAdmin):
    list_display = [
        "short_value",
        "signal_type",
        "bank",
        "source",
        "submission",
        "quality",
        "added_at",
        "is_active",
    ]
    list_filter = ["bank", "signal_type", "source", "is_active"]
    search_fields = ["=value", "partner_reference", "=submission__id"]
    list_select_related = ["bank"]
    readonly_fields = (
        "bank",
        "signal_type",
        "value",
        "quality",
        "frame_seconds",
        "source",
        "submission",
        "media",
        "reason",
        "batch",
        "partner_reference",
        "note",
        "added_by",
        "added_at",
        "is_active",
    )
    fields = readonly_fields
    actions = ["disable_entries", "enable_entries"]

    @admin.display(description=_("hash"))
    def short_value(self, entry: BankEntry) -> str:
        return f"{entry.value[:16]}…"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Disable selected entries (false positives)"), permissions=["change"])
    def disable_entries(self, request: HttpRequest, queryset: QuerySet[BankEntry]) -> None:
        done = bank_entries_set_active(entries=queryset, active=False, actor=request.user)  # type: ignore[arg-type]
        self.message_user(
            request, ngettext("Disabled %(n)d entry.", "Disabled %(n)d entries.", done) % {"n": done}
        )

    @admin.action(description=_("Enable selected entries"), permissions=["change"])
    def enable_entries(self, request: HttpRequest, queryset: QuerySet[BankEntry]) -> None:
        done = bank_entries_set_active(entries=queryset, active=True, actor=request.user)  # type: ignore[arg-type]
        self.message_user(
            request, ngettext("Enabled %(n)d entry.", "Enabled %(n)d entries.", done) % {"n": done}
        )


@admin.register(BankImport)
class BankImportAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "bank",
        "partner",
        "filename",
        "added",
        "duplicates",
        "refused",
        "imported_by",
    ]
    list_filter = ["bank"]
    readonly_fields = tuple(field.name for field in BankImport._meta.fields)
    fields = readonly_fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
