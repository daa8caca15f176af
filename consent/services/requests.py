"""Asking a depicted person for consent by a single-use link, and their answer."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from consent import texts, tokens
from consent.access import (
    ConsentActionError,
    lock_open_submission,
    person_in,
    request_for_token,
    request_still_fits,
)
from consent.models import Channel, ConsentRecord, ConsentRequest, Method
from consent.requirements import consent_need
from consent.rules import has_consented, when
from consent.scope import new_record, person_text, scope_copy, scope_of
from consent.services import delivery
from consent.services.follow_up import announce_granted, as_iso, audit, consent_changed, mask_contact
from moderation.lifecycle import TransitionResult
from moderation.models import Relation, Status, Submission
from notifications.services import notify


def _issue(
    *,
    submission: Submission,
    person_key: str,
    channel: str,
    actor: User,
    resend: bool,
    now: datetime,
    on_submit: bool = False,
) -> ConsentRequest:
    """Steps: lock; the contributor, an open submission, a real other person with a contact for
    the channel, consent needed and not already given; within the daily limit; supersede any
    pending link; a new request with a new nonce; audit; send after commit; the item moves in the
    change feed and the consent check runs again (`on_submit`: neither, the submitting move
    stamped the item and its checks are yet to be created)."""
    locked = lock_open_submission(submission, actor)
    revision = locked.current_revision
    if revision is None:
        raise ConsentActionError(_("There is nothing to ask consent for."))
    person = person_in(revision, person_key)
    if person.relation == Relation.SELF:
        raise ConsentActionError(_("You are the person depicted: confirm it on the consent panel instead."))
    if channel not in Channel.values:
        raise ConsentActionError(_("Choose e-mail or text message."))
    contact = person.email if channel == Channel.EMAIL else person.phone
    if not contact:
        raise ConsentActionError(
            _("There is no %(channel)s contact for %(name)s.")
            % {"channel": Channel(channel).label, "name": person.name}
        )
    need = consent_need(revision)
    if not need.required:
        raise ConsentActionError(_("Consent is not needed for this content."))
    if has_consented(revision, person_key, need=need, now=now):
        raise ConsentActionError(_("%(name)s has already consented to this content.") % {"name": person.name})
    mine = ConsentRequest.objects.filter(submission=locked, person_key=person_key)
    pending = mine.filter(status=ConsentRequest.Status.PENDING)
    if resend and not pending.exists():
        raise ConsentActionError(_("There is no pending request to resend; send a new one."))
    if not resend and pending.filter(expires_at__gt=now).exists():
        raise ConsentActionError(
            _("A request is already waiting for an answer: send a reminder or a new link.")
        )
    if (
        mine.filter(sent_at__gt=now - timedelta(days=1)).count()
        >= settings.CONSENT_MESSAGES_PER_PERSON_PER_DAY
    ):
        raise ConsentActionError(
            _("%(name)s was already sent %(count)s requests in the last 24 hours. Try again tomorrow.")
            % {"name": person.name, "count": settings.CONSENT_MESSAGES_PER_PERSON_PER_DAY}
        )
    superseded = pending.update(status=ConsentRequest.Status.SUPERSEDED, superseded_at=now)
    consent_request = ConsentRequest.objects.create(
        **scope_of(revision, person, need),
        channel=channel,
        contact=contact,
        nonce=tokens.new_nonce(),
        sent_by=actor,
        sent_at=now,
        expires_at=now + timedelta(days=settings.CONSENT_LINK_DAYS),
        last_message_at=now,
    )
    audit(
        "consent.request_resent" if resend else "consent.request_sent",
        submission=locked,
        actor=actor,
        person_key=person_key,
        request=consent_request.pk,
        channel=channel,
        to=mask_contact(contact),
        expires_at=as_iso(consent_request.expires_at),
        superseded=superseded,
    )
    request_id = consent_request.pk
    transaction.on_commit(lambda: delivery.deliver_request(request_id))
    if not on_submit:
        consent_changed(locked)
    return consent_request


def consent_requests_on_submit(result: TransitionResult) -> None:
    """After-transition hook (consent/apps.py): when a submission is submitted, send a consent
    request to every depicted person the contributor gave an e-mail address (else a phone number)
    for, so the item does not wait in the queue for a request nobody sent.

    In the submitting transaction, before its check runs exist: the consent check then finds the
    requests pending, so it is not re-run here. A person who needs none, has consented, already has
    a link waiting or reached the daily limit is skipped (the panel still offers the buttons);
    nothing here may undo the submission.
    """
    if not settings.CONSENT_REQUEST_ON_SUBMIT or result.to_status != Status.SUBMITTED or result.actor is None:
        return
    revision = result.submission.current_revision
    if revision is None:
        return
    persons = revision.persons.exclude(relation=Relation.SELF).exclude(email="", phone="")
    for person in persons:
        channel = Channel.EMAIL if person.email else Channel.SMS
        try:
            with transaction.atomic():
                _issue(
                    submission=result.submission,
                    person_key=person.person_key,
                    channel=channel,
                    actor=result.actor,
                    resend=False,
                    now=result.at,
                    on_submit=True,
                )
        except ConsentActionError:
            continue


@transaction.atomic
def consent_request_send(
    *, submission: Submission, person_key: str, channel: str, actor: User, now: datetime | None = None
) -> ConsentRequest:
    """Send a depicted person a link to grant or refuse consent, by e-mail or text message."""
    return _issue(
        submission=submission,
        person_key=person_key,
        channel=channel,
        actor=actor,
        resend=False,
        now=now or timezone.now(),
    )


@transaction.atomic
def consent_request_resend(
    *, submission: Submission, person_key: str, channel: str, actor: User, now: datetime | None = None
) -> ConsentRequest:
    """A new link (new nonce, new expiry) in place of the pending one, which stops working."""
    return _issue(
        submission=submission,
        person_key=person_key,
        channel=channel,
        actor=actor,
        resend=True,
        now=now or timezone.now(),
    )


@transaction.atomic
def consent_request_remind(
    *, submission: Submission, person_key: str, actor: User, now: datetime | None = None
) -> ConsentRequest:
    """Send the pending link again, at most once per CONSENT_REMINDER_INTERVAL_HOURS."""
    now = now or timezone.now()
    locked = lock_open_submission(submission, actor)
    consent_request = (
        ConsentRequest.objects.filter(
            submission=locked, person_key=person_key, status=ConsentRequest.Status.PENDING, expires_at__gt=now
        )
        .order_by("-sent_at", "-id")
        .first()
    )
    if consent_request is None:
        raise ConsentActionError(_("There is no pending request to remind about; send a new one."))
    if not request_still_fits(consent_request, locked):
        raise ConsentActionError(
            _("The content changed since the request was sent: send a new link instead.")
        )
    if now < consent_request.next_reminder_at():
        raise ConsentActionError(
            _("A reminder can be sent once every %(hours)s hours; the next one from %(time)s.")
            % {
                "hours": settings.CONSENT_REMINDER_INTERVAL_HOURS,
                "time": when(consent_request.next_reminder_at()),
            }
        )
    ConsentRequest.objects.filter(pk=consent_request.pk).update(
        last_message_at=now, reminders_sent=F("reminders_sent") + 1
    )
    consent_request.refresh_from_db()
    audit(
        "consent.request_reminded",
        submission=locked,
        actor=actor,
        person_key=person_key,
        request=consent_request.pk,
        channel=consent_request.channel,
        reminders=consent_request.reminders_sent,
    )
    request_id = consent_request.pk
    transaction.on_commit(lambda: delivery.deliver_request(request_id, reminder=True))
    return consent_request


@transaction.atomic
def consent_request_view(*, consent_request: ConsentRequest, now: datetime | None = None) -> None:
    """The person opened the link: audited every time, the first time kept on the row."""
    now = now or timezone.now()
    first = ConsentRequest.objects.filter(pk=consent_request.pk, viewed_at__isnull=True).update(viewed_at=now)
    audit(
        "consent.request_viewed",
        submission=consent_request.submission,
        person_key=consent_request.person_key,
        request=consent_request.pk,
        first=bool(first),
    )


def _use_up(
    consent_request: ConsentRequest, status: str, *, now: datetime, ip: str | None, user_agent: str
) -> None:
    """Record the person's answer, when and where it was given: the link works no more."""
    ConsentRequest.objects.filter(pk=consent_request.pk).update(
        status=status, answered_at=now, answered_ip=ip, answered_user_agent=user_agent[:400]
    )


@transaction.atomic
def consent_grant(
    *,
    token: str,
    separate: bool,
    text_version: str,
    ip: str | None,
    user_agent: str,
    now: datetime | None = None,
) -> ConsentRecord:
    """The person grants consent through their link.

    Steps: the link, locked (a replay, an expired or superseded link raises ConsentLinkError and
    changes nothing); the separate confirmation; the text they read must be the current version;
    the record with that exact text, where and when; the request is used up; audit; the
    confirmation with the withdrawal link and the contributor's notice go out after commit; the
    consent check runs again.
    """
    now = now or timezone.now()
    consent_request = request_for_token(token, now=now, lock=True)
    if not separate:
        raise ConsentActionError(_("Tick the box to give your consent."))
    if text_version != texts.current_version(texts.PERSON):
        raise ConsentActionError(_("The consent text was updated. Please read it again and confirm."))
    submission = consent_request.submission
    rendered = person_text(consent_request, contributor=submission.contributor)
    record = new_record(
        scope_copy(consent_request),
        method=Method.SMS_LINK if consent_request.channel == Channel.SMS else Method.EMAIL_LINK,
        now=now,
        ip=ip,
        user_agent=user_agent,
        text_version=rendered.version,
        text=rendered.text,
        person_email=consent_request.contact if consent_request.channel == Channel.EMAIL else "",
        person_phone=consent_request.contact if consent_request.channel == Channel.SMS else "",
        request=consent_request,
    )
    record.save()
    _use_up(consent_request, ConsentRequest.Status.GRANTED, now=now, ip=ip, user_agent=user_agent)
    audit(
        "consent.granted",
        submission=submission,
        person_key=record.person_key,
        request=consent_request.pk,
        record=record.pk,
        method=record.method,
        text_version=record.text_version,
        files=len(record.media_sha256),
        kinds=record.biometric_kinds,
        expires_at=as_iso(record.expires_at),
    )
    record_id = record.pk
    transaction.on_commit(lambda: delivery.deliver_confirmation(record_id))
    notify(
        submission.contributor,
        subject=lambda: (
            _("%(name)s consented to submission #%(id)s") % {"name": record.person_name, "id": submission.pk}
        ),
        body=lambda: (
            _("%(name)s gave their separate consent. It is valid until %(expires)s.")
            % {"name": record.person_name, "expires": when(record.expires_at)}
        ),
        link=reverse("submission_detail", args=[submission.pk]),
    )
    announce_granted(submission, record)
    consent_changed(submission)
    return record


@transaction.atomic
def consent_refuse(
    *, token: str, ip: str | None, user_agent: str, now: datetime | None = None
) -> ConsentRequest:
    """The person refuses through their link. The link is used up; the contributor is told."""
    now = now or timezone.now()
    consent_request = request_for_token(token, now=now, lock=True)
    _use_up(consent_request, ConsentRequest.Status.REFUSED, now=now, ip=ip, user_agent=user_agent)
    consent_request.refresh_from_db()
    submission = consent_request.submission
    audit(
        "consent.refused",
        submission=submission,
        person_key=consent_request.person_key,
        request=consent_request.pk,
        channel=consent_request.channel,
    )
    notify(
        submission.contributor,
        subject=lambda: (
            _("%(name)s refused consent for submission #%(id)s")
            % {"name": consent_request.person_name, "id": submission.pk}
        ),
        body=lambda: (
            _("%(name)s does not consent. The content cannot be published as it is.")
            % {"name": consent_request.person_name}
        ),
        link=reverse("submission_detail", args=[submission.pk]),
    )
    consent_changed(submission)
    return consent_request
