"""Users in the admin: list with role, identity, sanction and strikes; actions through services."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.admin.base import (
    LIFT_INTRO,
    REJECT_INTRO,
    REJECT_TITLE,
    AuditedAdminMixin,
    HistoryInline,
    form_action,
)
from accounts.forms import LiftForm, ReasonForm, SanctionForm
from accounts.identifiers import mask
from accounts.models import IdentityVerification, Sanction, TermsAcceptance, User
from accounts.roles import Role
from accounts.selectors import (
    VERIFICATION_STATES,
    with_active_sanction,
    with_strike_counts,
    with_verification_state,
)
from accounts.services import (
    RoleChangeRefused,
    SanctionError,
    VerificationError,
    identity_verification_approve,
    identity_verification_reject,
    sanction_impose,
    sanction_lift,
    user_set_role,
)

Kind = Sanction.Kind
Status = IdentityVerification.Status


class RoleFilter(admin.SimpleListFilter):
    title = _("role")
    parameter_name = "role"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [(role.value, str(role.label)) for role in Role]

    def queryset(self, request: HttpRequest, queryset: QuerySet[User]) -> QuerySet[User]:
        if self.value():
            return queryset.filter(groups__name=self.value())
        return queryset


class VerificationFilter(admin.SimpleListFilter):
    title = _("identity")
    parameter_name = "identity"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, Any]]:
        return list(VERIFICATION_STATES.items())

    def queryset(self, request: HttpRequest, queryset: QuerySet[User]) -> QuerySet[User]:
        if self.value() in VERIFICATION_STATES:
            return queryset.filter(Q(verification_state=self.value()))
        return queryset


class SanctionedFilter(admin.SimpleListFilter):
    title = _("sanction in force")
    parameter_name = "sanction"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, Any]]:
        return [("any", _("Any")), *Kind.choices, ("none", _("None"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[User]) -> QuerySet[User]:
        value = self.value()
        if value == "any":
            return queryset.filter(Q(active_sanction_kind__isnull=False))
        if value == "none":
            return queryset.filter(Q(active_sanction_kind__isnull=True))
        if value in Kind.values:
            # The worst sanction in force is shown; filter on any sanction of that kind in force.
            return queryset.filter(pk__in=Sanction.objects.active().filter(kind=value).values("user_id"))
        return queryset


class VerificationInline(HistoryInline):
    model = IdentityVerification
    fk_name = "user"
    fields = readonly_fields = (
        "method",
        "status",
        "masked",
        "created_at",
        "decided_at",
        "decided_by",
        "rejection_reason",
    )
    verbose_name_plural = _("identity verification attempts")

    def get_queryset(self, request: HttpRequest) -> QuerySet[IdentityVerification]:
        return super().get_queryset(request).select_related("decided_by")

    @admin.display(description=_("identifier"))
    def masked(self, attempt: IdentityVerification) -> str:
        return attempt.masked_identifier or "—"


class SanctionInline(HistoryInline):
    model = Sanction
    fk_name = "user"
    fields = readonly_fields = (
        "kind",
        "reason",
        "evidence_submission_ids",
        "actor",
        "created_at",
        "expires_at",
        "acknowledged_at",
        "lifted_at",
        "lifted_by",
        "reported_to_authority",
        "reported_at",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Sanction]:
        return super().get_queryset(request).select_related("actor", "lifted_by")


class TermsAcceptanceInline(HistoryInline):
    model = TermsAcceptance
    fields = readonly_fields = ("terms", "accepted_at", "ip")
    show_change_link = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[TermsAcceptance]:
        return super().get_queryset(request).select_related("terms")


class ConfirmForm(forms.Form):
    """An intermediate page with nothing to fill in: the button is the confirmation."""


@admin.register(User)
class UserAdmin(AuditedAdminMixin, DjangoUserAdmin):
    audit_prefix = "user"
    list_display = [
        "username",
        "email",
        "role_display",
        "identity_display",
        "sanction_display",
        "strike_count_display",
        "is_active",
        "date_joined",
    ]
    list_filter = [RoleFilter, VerificationFilter, SanctionedFilter, "is_active", "is_superuser"]
    # "=" makes the last four an exact match; masked input like **************123X works too.
    search_fields = ["username", "email", "=identity_verifications__identifier_last4"]
    ordering = ["username"]
    list_per_page = 50
    inlines = [VerificationInline, SanctionInline, TermsAcceptanceInline]
    filter_horizontal = ()
    readonly_fields = ["role_display", "is_active", "is_staff", "last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Personal info"), {"fields": ["first_name", "last_name", "email"]}),
        (
            _("Access"),
            {
                "fields": ["role_display", "is_active", "is_staff", "is_superuser"],
                "description": _(
                    "Roles, verification and sanctions change through the actions on the user list, "
                    "so that each change is audited and staff access follows the role."
                ),
            },
        ),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    actions = [
        "verify",
        "reject_verification",
        "make_contributor",
        "make_moderator",
        "make_senior_moderator",
        "make_admin",
        "warn",
        "restrict",
        "suspend",
        "close",
        "lift",
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        queryset = super().get_queryset(request).prefetch_related("groups")
        return with_active_sanction(with_strike_counts(with_verification_state(queryset)))

    def get_inline_instances(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        return super().get_inline_instances(request, obj) if obj is not None else []  # no history yet

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields.append("is_superuser")  # only a superuser makes another
        return fields

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[User], search_term: str
    ) -> tuple[QuerySet[User], bool]:
        return super().get_search_results(request, queryset, search_term.strip().lstrip("*+"))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # accounts are closed, never deleted: their records must be kept

    # --- Columns ---------------------------------------------------------------------------

    @admin.display(description=_("role"))
    def role_display(self, user: User) -> str:
        return str(user.role.label) if user.role else "—"

    @admin.display(description=_("identity"), ordering="verification_state")
    def identity_display(self, user: User) -> str:
        state = getattr(user, "verification_state", None) or "unverified"
        label = str(VERIFICATION_STATES[state])
        method, last4 = getattr(user, "verified_method", None), getattr(user, "verified_last4", None)
        if state == "verified" and last4:
            return f"{label} · {mask(method or '', last4)}"
        return label

    @admin.display(description=_("sanction in force"), ordering="active_sanction_kind")
    def sanction_display(self, user: User) -> str:
        kind = getattr(user, "active_sanction_kind", None)
        return str(Kind(kind).label) if kind else "—"

    @admin.display(description=_("strikes"), ordering="strike_count")
    def strike_count_display(self, user: User) -> int:
        return getattr(user, "strike_count", 0)

    # --- Actions ---------------------------------------------------------------------------

    def others(self, request: HttpRequest, queryset: QuerySet[User]) -> list[User]:
        """The selected users but the acting administrator, who cannot act on their own account."""
        users = list(queryset)
        if any(user.pk == request.user.pk for user in users):
            self.message_user(request, _("Your own account was left out."), messages.WARNING)
        return [user for user in users if user.pk != request.user.pk]

    @admin.action(description=_("Verify: approve pending identity documents"), permissions=["change"])
    def verify(self, request: HttpRequest, queryset: QuerySet[User]) -> HttpResponse | None:
        pending = IdentityVerification.objects.documents_to_review().filter(user__in=queryset)

        def apply(form: forms.Form) -> None:
            approved = 0
            for attempt in pending.select_related("user"):
                identity_verification_approve(verification=attempt, actor=request.user)  # type: ignore[arg-type]
                approved += 1
            self.message_user(
                request,
                ngettext("Approved %(n)d document.", "Approved %(n)d documents.", approved) % {"n": approved},
            )

        links = [
            format_html(
                '<a href="{}">{} · {}</a>',
                reverse("admin:accounts_identityverification_change", args=[attempt.pk]),
                attempt.user.get_username(),
                attempt.get_document_kind_display(),
            )
            for attempt in pending.select_related("user")
        ]
        intro = _("Approve these pending documents? Open each to look at it first: %(links)s") % {
            "links": ", ".join(links) or "—"
        }
        return form_action(
            self,
            request,
            queryset,
            form_class=ConfirmForm,
            title=_("Approve identity documents"),
            intro=intro,
            apply=apply,
        )

    @admin.action(description=_("Reject or revoke identity verification"), permissions=["change"])
    def reject_verification(self, request: HttpRequest, queryset: QuerySet[User]) -> HttpResponse | None:
        def apply(form: forms.Form) -> None:
            attempts = IdentityVerification.objects.filter(
                user__in=queryset, status__in=[Status.PENDING, Status.VERIFIED]
            )
            done = 0
            for attempt in attempts:
                try:
                    identity_verification_reject(
                        verification=attempt,
                        actor=request.user,  # type: ignore[arg-type]
                        reason=form.cleaned_data["reason"],
                    )
                    done += 1
                except VerificationError as error:
                    self.message_user(request, error.message, messages.ERROR)
            self.message_user(
                request,
                ngettext("Rejected %(n)d verification.", "Rejected %(n)d verifications.", done) % {"n": done},
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

    def change_role(self, request: HttpRequest, queryset: QuerySet[User], role: Role) -> HttpResponse | None:
        """A confirmation page naming the users and the new role, with the reason to give; users under
        a sanction in force are refused by the service, each with its message."""

        def apply(form: forms.Form) -> None:
            changed = 0
            for user in self.others(request, queryset):
                try:
                    user_set_role(
                        user=user,
                        role=role,
                        actor=request.user,  # type: ignore[arg-type]
                        reason=form.cleaned_data["reason"],
                    )
                    changed += 1
                except RoleChangeRefused as refusal:
                    self.message_user(request, str(refusal), messages.ERROR)
            self.message_user(
                request,
                ngettext("%(n)d user is now %(role)s.", "%(n)d users are now %(role)s.", changed)
                % {"n": changed, "role": role.label},
            )

        return form_action(
            self,
            request,
            queryset,
            form_class=ReasonForm,
            title=_("Make %(role)s") % {"role": role.label},
            intro=_(
                "Give these users the role %(role)s? Say why: the reason is kept in the audit trail. "
                "Users under a restriction, suspension or closure in force keep their role."
            )
            % {"role": role.label},
            apply=apply,
        )

    @admin.action(description=_("Make contributor"), permissions=["change"])
    def make_contributor(self, request: HttpRequest, queryset: QuerySet[User]) -> HttpResponse | None:
        return self.change_role(request, queryset, Role.CONTRIBUTOR)

    @admin.action(description=_("Make moderator"), permissions=["change"])
    def make_moderator(self, request: HttpRequest, queryset: QuerySet[User]) -> HttpResponse | None:
        return self.change_role(request, queryset, Role.MODERATOR)

    @admin.action(description=_("Make senior moderator"), permissions=["change"])
    def make_senior_moderator(self, request: HttpRequest, queryset: QuerySet[User]) -> HttpResponse | None:
        return self.change_role(request, queryset, Role.SENIOR_MODERATOR)

    @admin.action(description=_("Make admin"), permissions=["change"])
    def make_admin(self, request: HttpRequest, queryset: QuerySet[User]) -> HttpResponse | None:
        return self.change_role(request, queryset, Role.ADMIN)

    def impose(self, request: HttpRequest, queryset: QuerySet[User], kind: Kind) -> HttpResponse | None:
        def apply(form: forms.Form) -> None:
            assert isinstance(form, SanctionForm)
            imposed = 0
            for user in self.others(request, queryset):
                try:
                    sanction_impose(
                        user=user,
                        kind=kind,
                        reason=form.cleaned_data["reason"],
                        actor=request.user,  # type: ignore[arg-type]
                        evidence_submission_ids=form.cleaned_data["evidence_submission_ids"],
                        expires_at=form.expires_at(),
                        ground=form.cleaned_data["ground"],
                        ground_reference=form.cleaned_data["ground_reference"],
                        authority=form.authority(),
                    )
                    imposed += 1
                except SanctionError as error:
                    self.message_user(request, f"{user}: {error.message}", messages.ERROR)
            self.message_user(
                request,
                ngettext("%(kind)s imposed on %(n)d user.", "%(kind)s imposed on %(n)d users.", imposed)
                % {"kind": kind.label, "n": imposed},
            )

        return form_action(
            self,
            request,
            queryset,
            form_class=SanctionForm,
            form_kwargs={"kind": kind},
            title=kind.label,
            intro=SANCTION_INTROS[kind],
            apply=apply,
        )

    @admin.action(description=_("Warn"), permissions=["change"])
    def warn(self, request: HttpRequest, queryset: QuerySet[User]) -> HttpResponse | None:
        return self.impose(request, queryset, Kind.WARNING)

    @admin.action(description=_("Restrict submitting"), permissions=["change"])
    def restrict(self, request: HttpRequest, queryset: QuerySet[User]) -> HttpResponse | None:
        return self.impose(request, queryset, Kind.RESTRICTION)

    @admin.action(description=_("Suspend"), permissions=["change"])
    def suspend(self, request: HttpRequest, queryset: QuerySet[User]) -> HttpResponse | None:
        return self.impose(request, queryset, Kind.SUSPENSION)

    @admin.action(description=_("Close account"), permissions=["change"])
    def close(self, request: HttpRequest, queryset: QuerySet[User]) -> HttpResponse | None:
        return self.impose(request, queryset, Kind.CLOSURE)

    @admin.action(description=_("Lift sanctions"), permissions=["change"])
    def lift(self, request: HttpRequest, queryset: QuerySet[User]) -> HttpResponse | None:
        def apply(form: forms.Form) -> None:
            sanctions = Sanction.objects.filter(user__in=queryset).in_force()
            if form.cleaned_data["kind"]:
                sanctions = sanctions.filter(kind=form.cleaned_data["kind"])
            lifted = 0
            for sanction in sanctions:
                sanction_lift(sanction=sanction, actor=request.user, reason=form.cleaned_data["reason"])  # type: ignore[arg-type]
                lifted += 1
            self.message_user(
                request,
                ngettext("Lifted %(n)d sanction.", "Lifted %(n)d sanctions.", lifted) % {"n": lifted},
            )

        return form_action(
            self,
            request,
            queryset,
            form_class=LiftForm,
            title=_("Lift sanctions"),
            intro=LIFT_INTRO,
            apply=apply,
        )


SANCTION_INTROS = {
    Kind.WARNING: _("The user sees the warning and its reason until they acknowledge it."),
    Kind.RESTRICTION: _("The user cannot submit content until the end of the restriction."),
    Kind.SUSPENSION: _("The user cannot log in until the end; open sessions end at their next request."),
    Kind.CLOSURE: _("The account is deactivated. Its records are kept; lifting the closure reopens it."),
}
