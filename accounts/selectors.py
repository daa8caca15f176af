"""Reads about accounts: standing, strikes, verification state. Services write, selectors read.

The `with_*` helpers annotate a User queryset with subqueries, so list pages (the admin user
list, moderator screens) show the same facts for any number of rows in a fixed number of
queries.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.identifiers import mask
from accounts.models import IdentityVerification, Sanction, TermsAcceptance, TermsVersion, User

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

Method = IdentityVerification.Method
Status = IdentityVerification.Status
Kind = Sanction.Kind

# --- Standing: what every request needs to know about its user --------------------------------


@dataclass(frozen=True)
class AccountStanding:
    suspension_id: int | None
    restricted: bool
    pending_warning: bool
    identity_verified: bool
    current_terms_id: int | None
    accepted_current_terms: bool

    @property
    def needs_terms(self) -> bool:
        return self.current_terms_id is not None and not self.accepted_current_terms


STANDING_FIELDS = {
    "standing_suspension_id": "suspension_id",
    "standing_restricted": "restricted",
    "standing_pending_warning": "pending_warning",
    "standing_identity_verified": "identity_verified",
    "standing_terms_id": "current_terms_id",
    "standing_terms_accepted": "accepted_current_terms",
}


def current_terms(now: datetime.datetime | None = None) -> TermsVersion | None:
    return TermsVersion.objects.current(now)


def with_standing(queryset: QuerySet[User], now: datetime.datetime | None = None) -> QuerySet[User]:
    """Annotate users with their standing, one subquery per fact, all in the same query."""
    now = now or timezone.now()
    in_force = Sanction.objects.in_force(now).filter(user=OuterRef("pk"))
    suspension = in_force.filter(kind=Kind.SUSPENSION).order_by("-expires_at", "-pk")
    terms = TermsVersion.objects.published(now).order_by("-published_at", "-pk").values("pk")[:1]
    return queryset.annotate(
        standing_suspension_id=Subquery(suspension.values("pk")[:1]),
        standing_restricted=Exists(in_force.filter(kind=Kind.RESTRICTION)),
        standing_pending_warning=Exists(in_force.filter(kind=Kind.WARNING, acknowledged_at__isnull=True)),
        standing_identity_verified=Exists(
            IdentityVerification.objects.verified().filter(user=OuterRef("pk"))
        ),
        standing_terms_id=Subquery(terms),
        standing_terms_accepted=Exists(
            TermsAcceptance.objects.filter(user=OuterRef("pk"), terms_id=Subquery(terms))
        ),
    )


def account_standing(user: User) -> AccountStanding:
    """From the annotations when the user was loaded with them, else with one query."""
    if all(name in user.__dict__ for name in STANDING_FIELDS):
        values = {name: user.__dict__[name] for name in STANDING_FIELDS}
    else:
        values = with_standing(User.objects.filter(pk=user.pk)).values(*STANDING_FIELDS).get()
    return AccountStanding(**{field: values[name] for name, field in STANDING_FIELDS.items()})


# --- Strikes -----------------------------------------------------------------------------------


def strike_count(user: User, now: datetime.datetime | None = None) -> int:
    """Sanctions imposed within STRIKE_WINDOW_DAYS and not lifted, of any kind."""
    return Sanction.objects.filter(user=user).strikes(now).count()


def strike_count_of(user_ref: OuterRef, now: datetime.datetime | None = None) -> Coalesce:
    """`strike_count` of the user `user_ref` names, as a subquery for an annotation (0 without any)."""
    counted = (
        Sanction.objects.strikes(now)
        .filter(user=user_ref)
        .order_by()
        .values("user")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def with_strike_counts(queryset: QuerySet[User], now: datetime.datetime | None = None) -> QuerySet[User]:
    """Annotate `strike_count`. A subquery, not a join, so it composes with other annotations."""
    return queryset.annotate(strike_count=strike_count_of(OuterRef("pk"), now))


# --- Sanctions in force ------------------------------------------------------------------------

SEVERITY = Case(
    When(kind=Kind.CLOSURE, then=Value(4)),
    When(kind=Kind.SUSPENSION, then=Value(3)),
    When(kind=Kind.RESTRICTION, then=Value(2)),
    default=Value(1),
    output_field=IntegerField(),
)


def active_sanctions(user: User, now: datetime.datetime | None = None) -> QuerySet[Sanction]:
    """What the user lives with now, most severe first."""
    return Sanction.objects.filter(user=user).active(now).order_by(SEVERITY.desc(), "-created_at")


def pending_warnings(user: User) -> QuerySet[Sanction]:
    return Sanction.objects.filter(user=user, kind=Kind.WARNING).active().order_by("created_at")


def with_active_sanction(queryset: QuerySet[User], now: datetime.datetime | None = None) -> QuerySet[User]:
    """Annotate `active_sanction_kind`: the most severe sanction the user lives with, or None."""
    worst = Sanction.objects.active(now).filter(user=OuterRef("pk")).order_by(SEVERITY.desc(), "-created_at")
    return queryset.annotate(active_sanction_kind=Subquery(worst.values("kind")[:1]))


# --- Identity verification ---------------------------------------------------------------------

VERIFICATION_STATES = {
    "verified": _("Verified"),
    "pending": _("Pending"),
    "unverified": _("Not verified"),
}


PROVIDER_LABELS = {
    "sms": _("a text message to the phone"),
    "carrier": _("the mobile carrier's check of name, ID number and phone"),
    "national": _("the national online identity authentication service"),
    "console": _("the development console (nothing was checked)"),
}


def is_identity_verified(user: User) -> bool:
    return IdentityVerification.objects.verified().filter(user=user).exists()


def with_verification_state(queryset: QuerySet[User]) -> QuerySet[User]:
    """Annotate `verification_state` (verified / pending / unverified) and the verified method and
    last four characters, for lists and filters."""
    attempts = IdentityVerification.objects.filter(user=OuterRef("pk"))
    latest_verified = attempts.verified().order_by("-decided_at", "-pk")
    return queryset.annotate(
        verification_state=Case(
            When(Exists(attempts.verified()), then=Value("verified")),
            When(Exists(attempts.pending()), then=Value("pending")),
            default=Value("unverified"),
            output_field=CharField(),
        ),
        verified_method=Subquery(latest_verified.values("method")[:1]),
        verified_last4=Subquery(latest_verified.values("identifier_last4")[:1]),
    )


@dataclass(frozen=True)
class VerificationSummary:
    """What screens say about a user's identity: state, method, masked number, when and by whom."""

    state: str
    method: str
    masked_identifier: str
    verified_at: datetime.datetime | None
    verified_by: str
    pending: IdentityVerification | None

    @property
    def is_verified(self) -> bool:
        return self.state == "verified"

    @property
    def state_label(self) -> StrOrPromise:
        return VERIFICATION_STATES[self.state]

    @property
    def method_label(self) -> StrOrPromise:
        return Method(self.method).label if self.method else ""


def verification_summary(user: User) -> VerificationSummary:
    attempts = IdentityVerification.objects.filter(user=user).select_related("decided_by")
    verified = attempts.verified().order_by("-decided_at", "-pk").first()
    pending = attempts.pending().order_by("-created_at", "-pk").first()
    if verified is not None:
        return VerificationSummary(
            state="verified",
            method=verified.method,
            masked_identifier=mask(verified.method, verified.identifier_last4),
            verified_at=verified.decided_at,
            verified_by=verified.decided_by.get_username()
            if verified.decided_by
            else str(PROVIDER_LABELS.get(verified.provider, _("automatic check"))),
            pending=pending,
        )
    return VerificationSummary(
        state="pending" if pending else "unverified",
        method=pending.method if pending else "",
        masked_identifier=pending.masked_identifier if pending else "",
        verified_at=None,
        verified_by="",
        pending=pending,
    )


def verification_history(user: User) -> QuerySet[IdentityVerification]:
    return IdentityVerification.objects.filter(user=user).select_related("decided_by")


def accepted_terms(user: User) -> TermsAcceptance | None:
    """The most recent acceptance, with its version."""
    return TermsAcceptance.objects.filter(user=user).select_related("terms").order_by("-accepted_at").first()
