"""Terms of service versions in the admin. A version in force is frozen: change means a new version."""

from typing import Any

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.admin.base import AuditedAdminMixin
from accounts.models import TermsVersion


@admin.register(TermsVersion)
class TermsVersionAdmin(AuditedAdminMixin, admin.ModelAdmin):
    audit_prefix = "terms"
    list_display = ["version", "title", "published_at", "in_force", "acceptance_count"]
    search_fields = ["version", "title"]
    fields = FIELDS = ("version", "title", "body", "published_at")

    def get_queryset(self, request: HttpRequest) -> QuerySet[TermsVersion]:
        return super().get_queryset(request).annotate(acceptance_total=Count("acceptances"))

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        """`add/?from=<pk>` starts a new version from an existing text: the way to change the
        terms a fresh install ships (migration accounts/0006) or any version in force."""
        initial = dict(super().get_changeform_initial_data(request))
        source_pk = request.GET.get("from", "")
        source = TermsVersion.objects.filter(pk=int(source_pk)).first() if source_pk.isdigit() else None
        if source is not None:
            number = source.version.isdigit() and str(int(source.version) + 1)
            initial.update(title=source.title, body=source.body, version=number or "")
        return initial

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is not None and obj.is_in_force():
            return list(self.FIELDS)
        return []

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Drafts may go; a version that was ever in force is part of the record.
        if obj is not None and obj.published_at <= timezone.now():
            return False
        return super().has_delete_permission(request, obj)

    @admin.display(description=_("in force"), boolean=True)
    def in_force(self, terms: TermsVersion) -> bool:
        return terms.is_in_force()

    @admin.display(description=_("acceptances"), ordering="acceptance_total")
    def acceptance_count(self, terms: TermsVersion) -> int:
        return getattr(terms, "acceptance_total", 0)
