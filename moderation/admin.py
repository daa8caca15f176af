"""Admin screens: the policy feature library and taxonomy, and submissions with bulk re-checks."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from moderation.models import (
    CheckRun,
    Finding,
    PolicyReason,
    PolicyRule,
    PublicationRun,
    Status,
    Submission,
    UnlabelledDelivery,
)
from moderation.pipeline.checks import REGISTRY
from moderation.pipeline.policy import policy_rule_delete, policy_rule_save
from moderation.pipeline.services import CheckNotAllowed, checks_rerun


@admin.register(PolicyRule)
class PolicyRuleAdmin(admin.ModelAdmin):
    """The feature library (Deep Synthesis Art. 10). Every change bumps the library version."""

    list_display = [
        "code",
        "description",
        "pattern",
        "is_regex",
        "region",
        "severity",
        "rule_ref",
        "is_active",
    ]
    list_filter = ["is_active", "region", "severity", "is_regex"]
    search_fields = ["code", "description", "pattern"]
    readonly_fields = ["updated_at"]

    def save_model(self, request: HttpRequest, obj: PolicyRule, form: Any, change: bool) -> None:
        policy_rule_save(rule=obj, actor=request.user)  # type: ignore[arg-type]

    def delete_model(self, request: HttpRequest, obj: PolicyRule) -> None:
        policy_rule_delete(rule=obj, actor=request.user)  # type: ignore[arg-type]

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[PolicyRule]) -> None:
        for rule in queryset:
            policy_rule_delete(rule=rule, actor=request.user)  # type: ignore[arg-type]


@admin.register(PolicyReason)
class PolicyReasonAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "severity", "ground", "for_rejection", "for_changes", "is_active"]
    list_filter = ["is_active", "severity", "ground", "for_rejection", "for_changes"]
    search_fields = ["code", "title", "description"]


class RerunForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Check to re-run"),
        # A callable: checks of other apps register when those apps are ready, after this import.
        choices=lambda: [
            ("", _("All checks")),
            *[(kind, check.title) for kind, check in sorted(REGISTRY.items())],
        ],
        required=False,
    )


class CheckRunInline(admin.TabularInline):
    model = CheckRun
    extra = 0
    can_delete = False
    fields = ("kind", "check_version", "status", "attempts", "summary", "created_at", "finished_at", "worker")
    readonly_fields = fields
    ordering = ["-created_at"]
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "__str__",
        "contributor",
        "status",
        "queue_column",
        "tier",
        "blocking_column",
        "created_at",
    ]
    list_filter = ["status", "queue", "tier", "region", "has_blocking_findings", "is_tampered"]
    search_fields = ["id", "contributor__username", "current_revision__title"]
    list_select_related = ["contributor", "current_revision"]
    raw_id_fields = ["contributor", "current_revision", "claimed_by"]
    readonly_fields = [
        "status",
        "queue",
        "tier",
        "priority_score",
        "priority_rank",
        "awaiting_since",
        "due_at",
        "version",
        "published_at",
        "publication_hidden_at",
        "created_at",
        "submitted_at",
        "decided_at",
    ]
    inlines = [CheckRunInline]
    actions = ["rerun_checks"]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # Records are kept (R31); contributors withdraw, moderators reject.

    # The queue column stores the last queue an item was in; only a waiting item is in one.
    @admin.display(description=_("queue"), ordering="queue")
    def queue_column(self, obj: Submission) -> str:
        return str(obj.get_queue_display()) if obj.status == Status.AWAITING_REVIEW else "—"

    # Words, not Django's ✓/✗ icons: a green tick read as "fine" on an item that is blocked.
    @admin.display(description=_("blocking findings"), ordering="has_blocking_findings")
    def blocking_column(self, obj: Submission) -> str:
        if obj.status == Status.DRAFT:
            return "—"
        return str(_("Blocking")) if obj.has_blocking_findings else str(_("None"))

    @admin.action(description=_("Re-run a check on the selected submissions"))
    def rerun_checks(self, request: HttpRequest, queryset: QuerySet[Submission]) -> HttpResponse | None:
        """After a rule change: re-run one check (or all) over a selection, with a form step."""
        if "apply" not in request.POST:
            return render(
                request,
                "admin/moderation/rerun_checks.html",
                {
                    **self.admin_site.each_context(request),
                    "form": RerunForm(),
                    "submissions": queryset,
                    "title": _("Re-run checks"),
                    "opts": self.model._meta,
                },
            )
        form = RerunForm(request.POST)
        if not form.is_valid():
            self.message_user(request, _("Choose a check."), messages.ERROR)
            return None
        kind = form.cleaned_data["kind"] or None
        started = skipped = 0
        for submission in queryset.select_related("current_revision"):
            try:
                checks_rerun(submission=submission, actor=request.user, kinds=[kind] if kind else None)  # type: ignore[arg-type]
                started += 1
            except CheckNotAllowed:
                skipped += 1
        self.message_user(
            request,
            _("Checks started on %(started)s submission(s); %(skipped)s skipped (drafts or withdrawn).")
            % {"started": started, "skipped": skipped},
            messages.SUCCESS,
        )
        return None


class FindingInline(admin.TabularInline):
    model = Finding
    extra = 0
    can_delete = False
    fields = ("code", "severity", "rule", "message")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class WorkerRowAdmin(admin.ModelAdmin):
    """Rows the workers write (check and publication runs): read-only, never added or deleted."""

    show_full_result_count = False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CheckRun)
class CheckRunAdmin(WorkerRowAdmin):
    list_display = [
        "id",
        "submission",
        "kind",
        "check_version",
        "status",
        "attempts",
        "created_at",
        "finished_at",
    ]
    list_filter = ["kind", "status"]
    raw_id_fields = ["submission", "revision", "requested_by"]
    inlines = [FindingInline]


@admin.register(PublicationRun)
class PublicationRunAdmin(WorkerRowAdmin):
    """Publications of approved items: read-only, the job and the sweep write them."""

    list_display = ["id", "submission", "status", "attempts", "tier", "created_at", "finished_at"]
    list_filter = ["status"]
    raw_id_fields = ["submission", "revision", "requested_by"]


@admin.register(UnlabelledDelivery)
class UnlabelledDeliveryAdmin(WorkerRowAdmin):
    """The log of unlabelled originals handed out on request (R32): read-only, kept at least
    UNLABELLED_DELIVERY_RETENTION_DAYS."""

    list_display = [
        "id",
        "submission",
        "requested_by",
        "requester_role",
        "recipient_name",
        "recipient_organisation",
        "created_at",
        "downloaded_at",
    ]
    list_filter = ["requester_role"]
    search_fields = ["recipient_name", "recipient_organisation", "media_sha256"]
    raw_id_fields = ["submission", "media", "requested_by", "terms"]
