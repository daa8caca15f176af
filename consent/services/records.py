"""Consent given by the contributor for themself, and withdrawing any consent."""

from datetime import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import is_identity_verified
from consent import texts, tokens
from consent.access import ConsentActionError, lock_open_submission, person_in, record_for_withdraw_token
from consent.models import ConsentRecord, Method
from consent.requirements import consent_need
from consent.rules import consent_gaps, has_consented, when
from consent.scope import new_record, scope_of, text_params
from consent.services.follow_up import announce_granted, as_iso, audit, consent_changed
from moderation.events import emit
from moderation.models import Relation, Status, Submission
from moderation.models.choices import PUBLIC_STATUSES
from moderation.publication.takedown import submission_open_takedown
from notifications.services import notify


@transaction.atomic
def consent_self_confirm(
    *,
    submission: Submission,
    person_key: str,
    actor: User,
    confirmed: bool,
    text_version: str,
    ip: str | None = None,
    user_agent: str = "",
    now: datetime | None = None,
) -> ConsentRecord:
    """The contributor is the person depicted: their verified identity and an explicit
    confirmation of the self-consent text count as their consent."""
    now = now or timezone.now()
    locked = lock_open_submission(submission, actor)
    revision = locked.current_revision
    if revision is None:
        raise ConsentActionError(_("There is nothing to confirm."))
    person = person_in(revision, person_key)
    if person.relation != Relation.SELF:
        raise ConsentActionError(_("Only a self-depiction can be confirmed by the contributor."))
    if not is_identity_verified(actor):
        raise ConsentActionError(_("Verify your identity first: a self-depiction counts only with it."))
    if not confirmed:
        raise ConsentActionError(_("Tick the box to confirm that you are the person depicted."))
    if text_version != texts.current_version(texts.SELF):
        raise ConsentActionError(_("The confirmation text was updated. Please read it again and confirm."))
    need = consent_need(revision)
    if not need.required:
        raise ConsentActionError(_("Consent is not needed for this content."))
    if has_consented(revision, person_key, need=need, now=now):
        raise ConsentActionError(_("You have already confirmed this."))
    record = new_record(
        scope_of(revision, person, need),
        method=Method.SELF_VERIFIED,
        now=now,
        ip=ip,
        user_agent=user_agent,
        person_email=actor.email,
        confirmed_by=actor,
    )
    rendered = texts.render(texts.SELF, text_version, **text_params(record, contributor=actor))
    record.text_version, record.text = rendered.version, rendered.text
    record.save()
    audit(
        "consent.self_confirmed",
        submission=locked,
        actor=actor,
        person_key=person_key,
        record=record.pk,
        text_version=record.text_version,
        files=len(record.media_sha256),
        kinds=record.biometric_kinds,
        expires_at=as_iso(record.expires_at),
    )
    notify(
        actor,
        subject=lambda: _("You confirmed your self-depiction in submission #%(id)s") % {"id": locked.pk},
        body=lambda: (
            _("Your consent is recorded until %(expires)s. The link below withdraws it at any time.")
            % {"expires": when(record.expires_at)}
        ),
        link=reverse("consent_withdraw", args=[tokens.withdraw_token(record.pk, record.withdraw_nonce)]),
    )
    announce_granted(locked, record)
    consent_changed(locked)
    return record


def _is_published(submission: Submission) -> bool:
    return submission.status in PUBLIC_STATUSES and submission.is_published


@transaction.atomic
def consent_withdraw(
    *, token: str, ip: str | None, user_agent: str, now: datetime | None = None
) -> ConsentRecord:
    """The person withdraws their consent through the link in their confirmation.

    Steps: the link, locked (an already withdrawn consent raises ConsentLinkError); the time and
    place of withdrawal; audit. If the content is published and the person is no longer covered
    by another consent, it is taken down at once (hidden, takedown queue, contributor told);
    otherwise the consent check runs again and the contributor is told. Nothing is deleted.
    """
    now = now or timezone.now()
    record = record_for_withdraw_token(token, lock=True)
    ConsentRecord.objects.filter(pk=record.pk).update(
        withdrawn_at=now, withdrawal_ip=ip, withdrawal_user_agent=user_agent[:400]
    )
    record.refresh_from_db()
    submission = Submission.objects.select_related("current_revision", "contributor").get(
        pk=record.submission_id
    )
    audit(
        "consent.withdrawn",
        submission=submission,
        person_key=record.person_key,
        record=record.pk,
        method=record.method,
        published=_is_published(submission),
    )
    revision = submission.current_revision
    still_covered = revision is not None and record.person_key not in {
        gap.person_key for gap in consent_gaps(revision, now=now)
    }

    def withdrawn() -> str:
        params = {"name": record.person_name, "date": when(now)}
        return _("%(name)s withdrew their consent on %(date)s.") % params

    reason = withdrawn()
    take_down = (_is_published(submission) or submission.status == Status.PUBLISHING) and not still_covered
    emit(
        "consent.withdrawn",
        submission=submission,
        data={
            "person": record.person_key,
            "record": record.pk,
            "published": _is_published(submission),
            "taken_down": take_down,
        },
    )
    if take_down:
        submission_open_takedown(
            submission=submission,
            reason=reason,
            details={"person_key": record.person_key, "consent_record": record.pk},
        )
        return record
    notify(
        submission.contributor,
        subject=lambda: _("Consent withdrawn for submission #%(id)s") % {"id": submission.pk},
        body=lambda: (
            withdrawn()  # in the contributor's language, not the withdrawing person's
            + " "
            + (
                _("Another consent of theirs still covers it.")
                if still_covered
                else _("The content cannot be published without a new consent.")
            )
        ),
        link=reverse("submission_detail", args=[submission.pk]),
    )
    consent_changed(submission, decided_too=True)
    return record
