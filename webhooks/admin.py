"""Webhooks in the admin: endpoints with their signing secret and buttons (attempts, send a test
event, redeliver what failed, rotate the secret, turn back on), the outbox and its deliveries."""

from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from accounts.admin.base import AuditedAdminMixin, HistoryInline
from accounts.models import User
from webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent
from webhooks.services import (
    WebhookError,
    webhook_delivery_redeliver,
    webhook_endpoint_enable,
    webhook_endpoint_redeliver_failed,
    webhook_endpoint_rotate_secret,
    webhook_endpoint_send_test,
)

ATTEMPTS_PER_PAGE = 100


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(AuditedAdminMixin, admin.ModelAdmin):
    audit_prefix = "webhooks.endpoint"
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    change_form_template = "admin/webhooks/webhookendpoint/change_form.html"
    list_display = ["url", "integration", "is_active", "failing_since", "disabled_at", "attempts_link"]
    list_filter = ["is_active", "integration"]
    search_fields = ["url", "integration__name"]
    readonly_fields = [
        "secret",
        "secret_rotated_at",
        "previous_secret_expires_at",
        "disabled_at",
        "disabled_reason",
        "failing_since",
        "created_at",
    ]
    fields = [
        "integration",
        "url",
        "event_types",
        "is_active",
        "secret",
        "secret_rotated_at",
        "previous_secret_expires_at",
        "failing_since",
        "disabled_at",
        "disabled_reason",
        "created_at",
    ]

    @admin.display(description=_("attempts"))
    def attempts_link(self, endpoint: WebhookEndpoint) -> str:
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:webhooks_webhookendpoint_attempts", args=[endpoint.pk]),
            _("Attempts"),
        )

    def get_urls(self) -> list[Any]:
        def view(name: str, function: Any) -> Any:
            return path(
                f"<int:pk>/{name}/",
                self.admin_site.admin_view(function),
                name=f"webhooks_webhookendpoint_{name.replace('-', '_')}",
            )

        return [
            view("attempts", self.attempts_view),
            view("send-test", self.send_test_view),
            view("redeliver-failed", self.redeliver_failed_view),
            view("rotate-secret", self.rotate_secret_view),
            view("enable", self.enable_view),
            path(
                "deliveries/<int:pk>/redeliver/",
                self.admin_site.admin_view(self.redeliver_view),
                name="webhooks_webhookdelivery_redeliver",
            ),
            *super().get_urls(),
        ]

    def _endpoint(self, request: HttpRequest, pk: int, *, change: bool) -> WebhookEndpoint:
        endpoint = get_object_or_404(WebhookEndpoint.objects.select_related("integration"), pk=pk)
        allowed = (
            self.has_change_permission(request, endpoint)
            if change
            else self.has_view_permission(request, endpoint)
        )
        if not allowed:
            raise PermissionDenied
        return endpoint

    def _back(self, endpoint: WebhookEndpoint, page: str = "change") -> HttpResponseRedirect:
        return HttpResponseRedirect(reverse(f"admin:webhooks_webhookendpoint_{page}", args=[endpoint.pk]))

    @staticmethod
    def _actor(request: HttpRequest) -> User:
        assert isinstance(request.user, User)
        return request.user

    def attempts_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Every attempt to the endpoint, newest first: status code, latency, response excerpt."""
        endpoint = self._endpoint(request, pk, change=False)
        return _attempts_page(request, self, endpoint)

    def send_test_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return _send_test(request, self, pk)

    def redeliver_failed_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return _redeliver_failed(request, self, pk)

    def rotate_secret_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return _rotate_secret(request, self, pk)

    def enable_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return _enable(request, self, pk)

    def redeliver_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return _redeliver(request, self, pk)


@require_GET
def _attempts_page(
    request: HttpRequest, model_admin: WebhookEndpointAdmin, endpoint: WebhookEndpoint
) -> HttpResponse:
    attempts = (
        WebhookAttempt.objects.filter(delivery__endpoint=endpoint)
        .select_related("delivery__event")
        .order_by("-at", "-id")
    )
    page = Paginator(attempts, ATTEMPTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": WebhookEndpoint._meta,
        "endpoint": endpoint,
        "page": page,
        "can_change": model_admin.has_change_permission(request, endpoint),
        "title": _("Attempts to %(url)s") % {"url": endpoint.url},
    }
    return TemplateResponse(request, "admin/webhooks/webhookendpoint/attempts.html", context)


@require_POST
def _send_test(request: HttpRequest, model_admin: WebhookEndpointAdmin, pk: int) -> HttpResponse:
    endpoint = model_admin._endpoint(request, pk, change=True)
    try:
        event = webhook_endpoint_send_test(endpoint=endpoint, actor=model_admin._actor(request))
    except WebhookError as exc:
        model_admin.message_user(request, str(exc), messages.ERROR)
    else:
        model_admin.message_user(
            request,
            _("Test event %(id)s sent; its attempts are listed here.") % {"id": event.pk},
            messages.SUCCESS,
        )
    return model_admin._back(endpoint, "attempts")


@require_POST
def _redeliver_failed(request: HttpRequest, model_admin: WebhookEndpointAdmin, pk: int) -> HttpResponse:
    endpoint = model_admin._endpoint(request, pk, change=True)
    try:
        count = webhook_endpoint_redeliver_failed(endpoint=endpoint, actor=model_admin._actor(request))
    except WebhookError as exc:
        model_admin.message_user(request, str(exc), messages.ERROR)
    else:
        model_admin.message_user(
            request,
            ngettext("%(count)s delivery sent again.", "%(count)s deliveries sent again.", count)
            % {"count": count},
            messages.SUCCESS,
        )
    return model_admin._back(endpoint, "attempts")


@require_POST
def _rotate_secret(request: HttpRequest, model_admin: WebhookEndpointAdmin, pk: int) -> HttpResponse:
    endpoint = model_admin._endpoint(request, pk, change=True)
    webhook_endpoint_rotate_secret(endpoint=endpoint, actor=model_admin._actor(request))
    model_admin.message_user(
        request,
        _(
            "A new signing secret is in use from the next attempt on: give it to the receiver. "
            "Requests carry a second signature with the old one for %(hours)s hours."
        )
        % {"hours": settings.WEBHOOK_SECRET_OVERLAP_HOURS},
        messages.WARNING,
    )
    return model_admin._back(endpoint)


@require_POST
def _enable(request: HttpRequest, model_admin: WebhookEndpointAdmin, pk: int) -> HttpResponse:
    endpoint = model_admin._endpoint(request, pk, change=True)
    webhook_endpoint_enable(endpoint=endpoint, actor=model_admin._actor(request))
    model_admin.message_user(request, _("The endpoint receives events again."), messages.SUCCESS)
    return model_admin._back(endpoint)


@require_POST
def _redeliver(request: HttpRequest, model_admin: WebhookEndpointAdmin, pk: int) -> HttpResponse:
    delivery = get_object_or_404(WebhookDelivery.objects.select_related("endpoint"), pk=pk)
    endpoint = model_admin._endpoint(request, delivery.endpoint_id, change=True)
    try:
        webhook_delivery_redeliver(delivery=delivery, actor=model_admin._actor(request))
    except WebhookError as exc:
        model_admin.message_user(request, str(exc), messages.ERROR)
    else:
        model_admin.message_user(
            request, _("Event %(id)s sent again.") % {"id": delivery.event_id}, messages.SUCCESS
        )
    return model_admin._back(endpoint, "attempts")


class DeliveryInline(HistoryInline):
    model = WebhookDelivery
    fields = ["endpoint", "status", "attempts", "last_status_code", "next_attempt_at", "delivered_at"]
    readonly_fields = [
        "endpoint",
        "status",
        "attempts",
        "last_status_code",
        "next_attempt_at",
        "delivered_at",
    ]


@admin.register(WebhookEvent)
class WebhookEventAdmin(admin.ModelAdmin):
    list_display = ["id", "type", "integration", "submission", "sequence", "created_at"]
    list_filter = ["type", "integration"]
    search_fields = ["id", "submission__id", "submission__external_id"]
    readonly_fields = ["id", "integration", "submission", "type", "payload", "sequence", "created_at"]
    inlines = [DeliveryInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "event",
        "endpoint",
        "status",
        "attempts",
        "last_status_code",
        "next_attempt_at",
        "delivered_at",
    ]
    list_filter = ["status", "endpoint"]
    search_fields = ["event__id"]
    readonly_fields = [
        "event",
        "endpoint",
        "status",
        "attempts",
        "next_attempt_at",
        "lease_expires_at",
        "last_status_code",
        "last_error",
        "delivered_at",
        "created_at",
    ]
    actions = ["redeliver"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Send the selected deliveries again"), permissions=["change"])
    def redeliver(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        assert isinstance(request.user, User)
        sent = 0
        for delivery in queryset.select_related("endpoint"):
            try:
                webhook_delivery_redeliver(delivery=delivery, actor=request.user)
            except WebhookError as exc:
                self.message_user(request, f"{delivery.event_id}: {exc}", messages.ERROR)
            else:
                sent += 1
        self.message_user(
            request,
            ngettext("%(count)s delivery sent again.", "%(count)s deliveries sent again.", sent)
            % {"count": sent},
            messages.SUCCESS,
        )
