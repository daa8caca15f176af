"""Identity verification attempts in the admin, including the document review screen."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.admin.base import HIDE_SAVE_BUTTONS, REJECT_INTRO, REJECT_TITLE, form_action
from accounts.forms import ReasonForm
from accounts.models import IdentityVerification
from accounts.services import VerificationError, identity_verification_approve, identity_verification_reject

Status = IdentityVerification.Status


@admin.register(IdentityVerification)
class IdentityVerificationAdmin(admin.ModelAdmin):
    """Read-only history, plus approve and reject for pending documents. Nothing is edited by hand."""

    list_display = [
        "user",
        "method",
        "status",
        "provider",
        "masked",
        "document_kind",
        "created_at",
        "decided_at",
        "decided_by",
    ]
    list_filter = ["status", "method", "provider", "document_kind", "created_at"]
    search_fields = ["user__username", "user__email", "=identifier_last4"]
    list_select_related = ["user", "decided_by"]
    fields = readonly_fields = (
        "user",
        "method",
        "status",
        "masked",
        "document_kind",
        "document_preview",
        "document_purged_at",
        "code_attempts",
        "request_ip",
        "created_at",
        "decided_at",
        "decided_by",
        "provider",
        "provider_reference",
        "verified_fields",
        "evidence",
        "rejection_reason",
    )
    change_form_template = "admin/accounts/identityverification/change_form.html"
    actions = ["approve_documents", "reject_attempts"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[IdentityVerification], search_term: str
    ) -> tuple[QuerySet[IdentityVerification], bool]:
        return super().get_search_results(request, queryset, search_term.strip().lstrip("*+"))

    @admin.display(description=_("identifier"))
    def masked(self, attempt: IdentityVerification) -> str:
        return attempt.masked_identifier or "—"

    @admin.display(description=_("document"))
    def document_preview(self, attempt: IdentityVerification) -> str:
        if not attempt.has_document:
            return "—"
        url = reverse("identity_document", args=[attempt.pk])
        return format_html(
            '<a href="{}" target="_blank" rel="noopener"><img src="{}" alt="" style="max-width: 40rem; '
            'max-height: 30rem; border: 1px solid #ccc"></a>',
            url,
            url,
        )

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        attempt = self.get_object(request, object_id)
        context = {
            **HIDE_SAVE_BUTTONS,
            **(extra_context or {}),
            "reviewable": attempt is not None
            and attempt.method == IdentityVerification.Method.DOCUMENT
            and attempt.status == Status.PENDING
            and self.has_change_permission(request, attempt),
            "revocable": attempt is not None
            and attempt.status == Status.VERIFIED
            and self.has_change_permission(request, attempt),
            "reason_form": ReasonForm(),
        }
        return super().change_view(request, object_id, form_url, extra_context=context)

    def get_urls(self) -> list[Any]:
        return [
            path(
                "<int:pk>/approve/",
                self.admin_site.admin_view(require_POST(self.approve_view)),
                name="accounts_identityverification_approve",
            ),
            path(
                "<int:pk>/reject/",
                self.admin_site.admin_view(require_POST(self.reject_view)),
                name="accounts_identityverification_reject",
            ),
            *super().get_urls(),
        ]

    def back_to(self, attempt: IdentityVerification) -> HttpResponseRedirect:
        return HttpResponseRedirect(reverse("admin:accounts_identityverification_change", args=[attempt.pk]))

    def approve_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not self.has_change_permission(request):
            raise PermissionDenied
        attempt = get_object_or_404(IdentityVerification, pk=pk)
        try:
            identity_verification_approve(verification=attempt, actor=request.user)  # type: ignore[arg-type]
        except VerificationError as error:
            self.message_user(request, error.message, messages.ERROR)
        else:
            self.message_user(request, _("Approved: %(user)s is verified.") % {"user": attempt.user})
        return self.back_to(attempt)

    def reject_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not self.has_change_permission(request):
            raise PermissionDenied
        attempt = get_object_or_404(IdentityVerification, pk=pk)
        form = ReasonForm(request.POST)
        if not form.is_valid():
            self.message_user(request, _("Give a reason: the user is shown it."), messages.ERROR)
            return self.back_to(attempt)
        try:
            identity_verification_reject(
                verification=attempt,
                actor=request.user,  # type: ignore[arg-type]
                reason=form.cleaned_data["reason"],
            )
        except VerificationError as error:
            self.message_user(request, error.message, messages.ERROR)
        else:
            self.message_user(request, _("Rejected."))
        return self.back_to(attempt)

    @admin.action(description=_("Approve selected pending documents"), permissions=["change"])
    def approve_documents(self, request: HttpRequest, queryset: QuerySet[IdentityVerification]) -> None:
        approved = 0
        for attempt in queryset.filter(method=IdentityVerification.Method.DOCUMENT, status=Status.PENDING):
            identity_verification_approve(verification=attempt, actor=request.user)  # type: ignore[arg-type]
            approved += 1
        self.message_user(
            request,
            ngettext("Approved %(n)d document.", "Approved %(n)d documents.", approved) % {"n": approved},
        )

    @admin.action(description=_("Reject or revoke selected attempts"), permissions=["change"])
    def reject_attempts(
        self, request: HttpRequest, queryset: QuerySet[IdentityVerification]
    ) -> HttpResponse | None:
        def apply(form: forms.Form) -> None:
            done = 0
            for attempt in queryset.filter(status__in=[Status.PENDING, Status.VERIFIED]):
                try:
                    identity_verification_reject(
                        verification=attempt,
                        actor=request.user,  # type: ignore[arg-type]
                        reason=form.cleaned_data["reason"],
                    )
                except VerificationError as error:  # decided by someone else meanwhile
                    self.message_user(request, str(error), messages.WARNING)
                    continue
                done += 1
            self.message_user(
                request, ngettext("Rejected %(n)d attempt.", "Rejected %(n)d attempts.", done) % {"n": done}
            )

        return form_action(
            self,
            request,
            queryset,
            form_class=ReasonForm,
            title=REJECT_TITLE,
            intro=REJECT_INTRO,
            apply=apply,
        )
