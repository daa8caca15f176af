"""Shared admin pieces: audited saves, read-only history inlines, and action forms."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from audit.services import record_event

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class AuditedAdminMixin:
    """Record plain admin additions and changes in the audit trail, with the admin as actor.

    Django calls log_addition / log_change after every successful add and change form, and
    after the admin's password-change form; they receive the change message it built.
    """

    audit_prefix = ""

    def log_addition(self, request: HttpRequest, obj: models.Model, message: Any) -> Any:
        record_event(
            action=f"{self.audit_prefix}.created_in_admin",
            actor=request.user,  # type: ignore[arg-type]
            target=obj,
            details={"change": message},
        )
        return super().log_addition(request, obj, message)  # type: ignore[misc]

    def log_change(self, request: HttpRequest, obj: models.Model, message: Any) -> Any:
        record_event(
            action=f"{self.audit_prefix}.changed_in_admin",
            actor=request.user,  # type: ignore[arg-type]
            target=obj,
            details={"change": message},
        )
        return super().log_change(request, obj, message)  # type: ignore[misc]


class HistoryInline(admin.TabularInline):
    """History rows: shown, never added, changed or deleted from here."""

    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


LIFT_INTRO = _(
    "Lifted sanctions end now and no longer count as strikes. Lifting a closure reopens the account."
)
REJECT_TITLE = _("Reject identity verification")
REJECT_INTRO = _("Pending attempts are rejected and verified ones revoked. The user sees the reason.")

HIDE_SAVE_BUTTONS = {
    "show_save": False,
    "show_save_and_continue": False,
    "show_save_and_add_another": False,
    "show_delete": False,
}


def form_action(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet[Any],
    *,
    form_class: type[forms.Form],
    form_kwargs: dict[str, Any] | None = None,
    title: StrOrPromise,
    intro: StrOrPromise,
    apply: Callable[[forms.Form], None],
) -> HttpResponse | None:
    """An admin action with an intermediate page.

    The changelist posts the action with the selected rows; this renders a `form_class` form with
    those rows as hidden fields. Submitting it posts the same action again with `apply=1`: the
    form is bound to that POST, and once it validates `apply(form)` runs and Django redirects back
    to the changelist.
    """
    applying = bool(request.POST.get("apply"))
    kwargs = form_kwargs or {}
    form = form_class(request.POST, **kwargs) if applying else form_class(**kwargs)
    if applying and form.is_valid():
        apply(form)
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "intro": intro,
        "form": form,
        "objects": list(queryset),
        "action": request.POST.get("action", ""),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "opts": modeladmin.model._meta,
        "media": modeladmin.media + form.media,
    }
    return TemplateResponse(request, "admin/accounts/action_form.html", context)
