"""Sanctions in the admin: the register, with lifting and reporting. Imposing is done from the
user list, so a sanction always starts from the account it concerns."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.admin.base import HIDE_SAVE_BUTTONS, LIFT_INTRO, form_action
from accounts.forms import ReasonForm
from accounts.models import Sanction
from accounts.services import SanctionError, sanction_lift, sanction_report_to_authority


class StateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, Any]]:
        return [("active", _("In force")), ("lifted", _("Lifted")), ("ended", _("Ended"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Sanction]) -> QuerySet[Sanction]:
        if self.value() == "active":
            return queryset.in_force()  # type: ignore[attr-defined]
        if self.value() == "lifted":
            return queryset.filter(lifted_at__isnull=False)
        if self.value() == "ended":
            return queryset.filter(lifted_at__isnull=True, expires_at__lte=timezone.now())
        return queryset


@admin.register(Sanction)
class SanctionAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "created_at", "expires_at", "state", "actor", "reported_to_authority"]
    list_filter = ["kind", StateFilter, "reported_to_authority", "created_at"]
    search_fields = ["user__username", "reason"]
    list_select_related = ["user", "actor"]
    fields = readonly_fields = (
        "user",
        "kind",
        "reason",
        "evidence_submission_ids",
        "actor",
        "created_at",
        "expires_at",
        "acknowledged_at",
        "lifted_at",
        "lifted_by",
        "lift_reason",
        "reported_to_authority",
        "reported_at",
    )
    actions = ["lift_selected", "mark_reported"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        return super().change_view(
            request, object_id, form_url, {**HIDE_SAVE_BUTTONS, **(extra_context or {})}
        )

    @admin.display(description=_("state"))
    def state(self, sanction: Sanction) -> str:
        if sanction.lifted_at:
            return str(_("Lifted"))
        if sanction.kind == Sanction.Kind.WARNING and sanction.acknowledged_at:
            return str(_("Acknowledged"))
        return str(_("In force")) if sanction.is_in_force() else str(_("Ended"))

    @admin.action(description=_("Lift selected sanctions"), permissions=["change"])
    def lift_selected(self, request: HttpRequest, queryset: QuerySet[Sanction]) -> HttpResponse | None:
        def apply(form: forms.Form) -> None:
            lifted = 0
            for sanction in queryset:
                try:
                    sanction_lift(sanction=sanction, actor=request.user, reason=form.cleaned_data["reason"])  # type: ignore[arg-type]
                    lifted += 1
                except SanctionError as error:
                    self.message_user(request, f"{sanction}: {error.message}", messages.WARNING)
            self.message_user(
                request, ngettext("Lifted %(n)d sanction.", "Lifted %(n)d sanctions.", lifted) % {"n": lifted}
            )

        return form_action(
            self,
            request,
            queryset,
            form_class=ReasonForm,
            title=_("Lift sanctions"),
            intro=LIFT_INTRO,
            apply=apply,
        )

    @admin.action(description=_("Mark as reported to the authority"), permissions=["change"])
    def mark_reported(self, request: HttpRequest, queryset: QuerySet[Sanction]) -> None:
        for sanction in queryset.filter(reported_to_authority=False).select_related("user"):
            sanction_report_to_authority(sanction=sanction, actor=request.user)  # type: ignore[arg-type]
        self.message_user(request, _("Marked as reported."))
