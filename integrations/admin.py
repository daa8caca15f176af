"""Integrations in the admin: each with its keys and authors; keys are created here (the full
key is shown once, on the page that follows the creation) and revoked by an action."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.admin.base import AuditedAdminMixin, HistoryInline
from integrations.models import ApiKey, Integration, IntegrationAuthor, Scope
from integrations.services import apikey_create, apikey_revoke

KEY_COLUMNS: Any = [
    "name",
    "display_prefix",
    "scopes",
    "rate_limit_per_minute",
    "last_used_at",
    "expires_at",
    "revoked_at",
]
AUTHOR_COLUMNS: Any = ["external_id", "display_name", "user", "created_at"]


class ApiKeyInline(HistoryInline):
    model = ApiKey
    fields = KEY_COLUMNS
    readonly_fields = KEY_COLUMNS


class AuthorInline(HistoryInline):
    model = IntegrationAuthor
    fields = AUTHOR_COLUMNS
    readonly_fields = AUTHOR_COLUMNS


@admin.register(Integration)
class IntegrationAdmin(AuditedAdminMixin, admin.ModelAdmin):
    audit_prefix = "integration"
    list_display = ["name", "is_active", "created_at", "add_key_link"]
    list_filter = ["is_active"]
    search_fields = ["name"]
    filter_horizontal = ["contacts"]
    inlines = [ApiKeyInline, AuthorInline]

    @admin.display(description=_("API keys"))
    def add_key_link(self, obj: Integration) -> str:
        url = reverse("admin:integrations_apikey_add") + f"?integration={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, _("Create a key"))


class ApiKeyForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("scopes"),
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=["submit", "read"],
    )

    class Meta:
        model = ApiKey
        fields = ["integration", "name", "scopes", "rate_limit_per_minute", "expires_at"]


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    form = ApiKeyForm
    list_display = [
        "display_prefix",
        "name",
        "integration",
        "scopes",
        "last_used_at",
        "expires_at",
        "revoked_at",
    ]
    list_filter = ["integration", "revoked_at"]
    search_fields = ["name", "prefix", "integration__name"]
    actions = ["revoke"]

    def get_readonly_fields(self, request: HttpRequest, obj: ApiKey | None = None) -> list[str]:
        # Once created a key's integration and scopes stay: rotate by creating another.
        if obj is None:
            return []
        return ["integration", "display_prefix", "scopes", "created_at", "last_used_at", "revoked_at"]

    def get_fields(self, request: HttpRequest, obj: ApiKey | None = None) -> Any:
        if obj is None:
            return ["integration", "name", "scopes", "rate_limit_per_minute", "expires_at"]
        return [
            "integration",
            "name",
            "display_prefix",
            "scopes",
            "rate_limit_per_minute",
            "expires_at",
            "created_at",
            "last_used_at",
            "revoked_at",
        ]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is not None:
            kwargs["form"] = forms.ModelForm
        return super().get_form(request, obj, change=change, **kwargs)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # revoked, never deleted: the audit trail names it

    def save_model(self, request: HttpRequest, obj: ApiKey, form: forms.ModelForm, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        key, full = apikey_create(
            integration=form.cleaned_data["integration"],
            name=form.cleaned_data["name"],
            scopes=list(form.cleaned_data["scopes"]),
            rate_limit_per_minute=form.cleaned_data["rate_limit_per_minute"],
            expires_at=form.cleaned_data["expires_at"],
            actor=request.user,  # type: ignore[arg-type]
        )
        obj.pk = key.pk
        obj.prefix = key.prefix
        request._new_api_key = full  # type: ignore[attr-defined]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        if change:
            super().save_related(request, form, formsets, change)

    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        return None  # apikey_create audited it

    def response_add(
        self, request: HttpRequest, obj: ApiKey, post_url_continue: str | None = None
    ) -> HttpResponse:
        """The one page that shows the full key: not stored, not put in a message or the session."""
        response = TemplateResponse(
            request,
            "admin/integrations/apikey/created.html",
            {
                **self.admin_site.each_context(request),
                "title": _("API key created"),
                "key": ApiKey.objects.select_related("integration").get(pk=obj.pk),
                "full_key": getattr(request, "_new_api_key", ""),
                "opts": self.model._meta,
            },
        )
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description=_("Revoke the selected keys"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        revoked = sum(apikey_revoke(key=key, actor=request.user) for key in queryset)  # type: ignore[arg-type]
        self.message_user(
            request,
            ngettext("%(n)d key revoked.", "%(n)d keys revoked.", revoked) % {"n": revoked},
            messages.SUCCESS,
        )


@admin.register(IntegrationAuthor)
class IntegrationAuthorAdmin(admin.ModelAdmin):
    list_display = ["external_id", "display_name", "integration", "user", "created_at"]
    list_filter = ["integration"]
    search_fields = ["external_id", "display_name", "user__username"]
    readonly_fields = ["integration", "external_id", "user", "display_name", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # authors come with their first submission

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
