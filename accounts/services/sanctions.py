"""Imposing, lifting and acknowledging sanctions (Deep Synthesis Provisions Art. 10, rule R28).

A restriction, suspension or closure comes with its statement of reasons (DSA Art. 17, R36),
written with the sanction and sent to the user with the link to complain about it (Art. 20).
On an illegal ground the report to the authority must be settled: reported, or why not.

What each kind does is enforced elsewhere, from the rows these services write: the submission
gate refuses restricted, suspended and closed accounts; the authentication backend refuses
suspended ones and the middleware logs their open sessions out; a closure also sets
`is_active` off, which Django itself honours everywhere.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.authority import NOT_SETTLED, AuthorityReport
from accounts.models import Sanction, User
from audit.services import record_event

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

Kind = Sanction.Kind


class SanctionError(Exception):
    """The sanction request does not make sense; the message says why, for the administrator."""

    def __init__(self, message: StrOrPromise) -> None:
        super().__init__(str(message))
        self.message = message


def clean_evidence_ids(ids: Iterable[object]) -> list[int]:
    cleaned: set[int] = set()
    for value in ids:
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise SanctionError(_("Evidence must be submission ids: positive whole numbers."))
        cleaned.add(value)
    return sorted(cleaned)


def _details(sanction: Sanction, **extra: object) -> dict[str, object]:
    return {"sanction_id": sanction.pk, "kind": sanction.kind, **extra}


@transaction.atomic
def sanction_impose(
    *,
    user: User,
    kind: str,
    reason: str,
    actor: User | None,
    evidence_submission_ids: Iterable[int] = (),
    expires_at: datetime.datetime | None = None,
    reported_to_authority: bool = False,
    ground: str = Sanction.Ground.INCOMPATIBLE,
    ground_reference: str = "",
    authority: AuthorityReport | None = None,
) -> Sanction:
    """Steps: check the request fits its kind (on an illegal ground, the report to the authority
    settled); record it with its statement of reasons; a closure deactivates the account; audit;
    tell the user, with the statement and how to complain."""
    kind = Kind(kind)
    ground = Sanction.Ground(ground)
    now = timezone.now()
    reason = reason.strip()
    if authority is None:
        authority = AuthorityReport(reported_at=now if reported_to_authority else None)
    if not reason:
        raise SanctionError(_("Give a reason: the user is shown it."))
    if ground == Sanction.Ground.ILLEGAL and not authority.settled:
        raise SanctionError(NOT_SETTLED)
    if actor is not None and actor.pk == user.pk:
        raise SanctionError(_("You cannot sanction your own account."))
    if expires_at is not None:
        if kind not in Sanction.TIMED_KINDS:
            raise SanctionError(_("Only restrictions and suspensions have an end date."))
        if expires_at <= now:
            raise SanctionError(_("The end must be in the future."))
    sanction = Sanction(
        user=user,
        kind=kind,
        reason=reason,
        evidence_submission_ids=clean_evidence_ids(evidence_submission_ids),
        actor=actor,
        created_at=now,
        expires_at=expires_at,
        reported_to_authority=authority.reported_at is not None,
        reported_at=authority.reported_at,
        authority_reference=authority.reference.strip()[:200],
        not_reported_reason="" if authority.reported_at else authority.not_reported_reason.strip(),
        ground=ground,
        ground_reference=ground_reference.strip()[:500],
    )
    if kind in Sanction.RESTRICTING_KINDS:
        from moderation.review.statements import build_sanction_statement

        sanction.statement = build_sanction_statement(sanction=sanction)
    sanction.save(force_insert=True)
    if kind == Kind.CLOSURE and user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
    record_event(
        action="sanction.imposed",
        actor=actor,
        target=user,
        details=_details(
            sanction,
            reason=reason,
            expires_at=expires_at,
            evidence_submission_ids=sanction.evidence_submission_ids,
            reported_to_authority=sanction.reported_to_authority,
            ground=ground,
        ),
    )
    user.forget_standing()
    if sanction.statement:
        _tell_user(sanction)
    return sanction


def _tell_user(sanction: Sanction) -> None:
    """The statement of reasons and the link that complains about this sanction (signed: a
    suspended or closed account cannot log in to use its account page)."""
    from django.template.loader import render_to_string

    from complaints.tokens import sanction_complaint_url
    from notifications.services import notify

    def subject() -> str:
        return _("%(kind)s: a decision about your account") % {"kind": sanction.get_kind_display()}

    def body() -> str:
        return render_to_string(
            "moderation/messages/decision.txt",
            {
                "subject": subject(),
                "statement": sanction.statement,
                "complaint_url": sanction_complaint_url(sanction),
            },
        ).strip()

    # Both are rendered in the user's language, not the moderator's.
    notify(sanction.user, subject=subject, body=body)


@transaction.atomic
def sanction_lift(*, sanction: Sanction, actor: User | None, reason: str) -> Sanction:
    """End a sanction now and take it off the strike count. Lifting a closure reactivates the account."""
    reason = reason.strip()
    if not reason:
        raise SanctionError(_("Give a reason for lifting it."))
    locked = Sanction.objects.select_for_update().select_related("user").get(pk=sanction.pk)
    if locked.lifted_at is not None:
        raise SanctionError(_("This sanction was already lifted."))
    locked.lifted_at, locked.lifted_by, locked.lift_reason = timezone.now(), actor, reason
    locked.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
    user = locked.user
    other_closures = Sanction.objects.filter(user=user, kind=Kind.CLOSURE).in_force().exists()
    if locked.kind == Kind.CLOSURE and not user.is_active and not other_closures:
        user.is_active = True
        user.save(update_fields=["is_active"])
    record_event(action="sanction.lifted", actor=actor, target=user, details=_details(locked, reason=reason))
    user.forget_standing()
    sanction.refresh_from_db()
    return locked


@transaction.atomic
def sanction_acknowledge(*, sanction: Sanction, user: User) -> Sanction:
    """The warned user confirms they read the warning; its banner goes away. Idempotent."""
    if sanction.user_id != user.pk or sanction.kind != Kind.WARNING:
        raise SanctionError(_("Only the warned user can acknowledge a warning."))
    now = timezone.now()
    changed = Sanction.objects.filter(pk=sanction.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=now
    )
    if changed:
        record_event(action="sanction.acknowledged", actor=user, target=user, details=_details(sanction))
    user.forget_standing()
    sanction.refresh_from_db()
    return sanction


@transaction.atomic
def sanction_report_to_authority(*, sanction: Sanction, actor: User | None, reference: str = "") -> Sanction:
    """Record that the case was reported to the competent authority (once, with its time)."""
    now = timezone.now()
    changed = Sanction.objects.filter(pk=sanction.pk, reported_to_authority=False).update(
        reported_to_authority=True, reported_at=now, authority_reference=reference.strip()[:200]
    )
    if changed:
        record_event(
            action="sanction.reported_to_authority",
            actor=actor,
            target=sanction.user,
            details=_details(sanction),
        )
    sanction.refresh_from_db()
    return sanction
