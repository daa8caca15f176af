"""The messages to depicted persons: the consent request (and its reminders), and the
confirmation with the withdrawal link. Sent after commit, so a rolled-back action sends nothing.
The request is written in the asking contributor's language, the confirmation in the language the
person read the consent text in.

A message that cannot be handed over (the mail server or SMS provider refuses) leaves the row in
place with `delivery_failed_at` set and an audit event; the contributor sees it and can resend.
"""

import logging
from smtplib import SMTPException

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.sms import SmsError, send_sms
from consent import tokens
from consent.models import Channel, ConsentRecord, ConsentRequest, Method
from consent.rules import when
from consent.scope import person_name_of
from consent.services.follow_up import audit, mask_contact
from notifications.services import in_language_of

logger = logging.getLogger(__name__)


def request_link(consent_request: ConsentRequest) -> str:
    token = tokens.request_token(consent_request.pk, consent_request.nonce)
    return absolute_url(reverse("consent_page", args=[token]))


def withdraw_link(record: ConsentRecord) -> str:
    token = tokens.withdraw_token(record.pk, record.withdraw_nonce)
    return absolute_url(reverse("consent_withdraw", args=[token]))


def _send(channel: str, to: str, subject: str, body: str, sms_body: str) -> None:
    if channel == Channel.SMS:
        send_sms(to, sms_body)
    else:
        send_mail(subject, body, None, [to])


def deliver_request(request_id: int, *, reminder: bool = False) -> bool:
    """Send the link (again, for a reminder). True if the message was handed over."""
    consent_request = ConsentRequest.objects.select_related("submission__contributor", "revision").get(
        pk=request_id
    )
    contributor = consent_request.submission.contributor
    # The person has no account: written in the language of the contributor who asked (the
    # request does not store one), the same from a request and from the reminders' worker.
    with in_language_of(contributor):
        return _deliver_request(consent_request, contributor, reminder=reminder)


def _deliver_request(consent_request: ConsentRequest, contributor: User, *, reminder: bool) -> bool:
    request_id = consent_request.pk
    link = request_link(consent_request)
    context = {
        "request": consent_request,
        "contributor": person_name_of(contributor),
        "site": settings.SITE_NAME,
        "link": link,
        "expires": when(consent_request.expires_at),
        "reminder": reminder,
    }
    subject = _("%(contributor)s asks for your consent before publishing AI-edited content showing you") % {
        "contributor": context["contributor"]
    }
    if reminder:
        subject = _("Reminder: %(subject)s") % {"subject": subject}
    sms_body = (
        _(
            "%(site)s: %(contributor)s asks for your consent to publish AI-edited content showing you. "
            "See it and answer (until %(expires)s): %(link)s"
        )
        % context
    )
    try:
        _send(
            consent_request.channel,
            consent_request.contact,
            subject,
            render_to_string("consent/messages/request.txt", context),
            sms_body,
        )
    except (OSError, SMTPException, SmsError) as exc:
        logger.exception("Could not deliver consent request %s", request_id)
        ConsentRequest.objects.filter(pk=request_id).update(delivery_failed_at=timezone.now())
        audit(
            "consent.delivery_failed",
            submission=consent_request.submission,
            person_key=consent_request.person_key,
            request=consent_request.pk,
            channel=consent_request.channel,
            error=type(exc).__name__,
        )
        return False
    ConsentRequest.objects.filter(pk=request_id).update(delivery_failed_at=None)
    return True


def deliver_confirmation(record_id: int) -> bool:
    """Confirm a consent to the person, with the link that withdraws it."""
    record = ConsentRecord.objects.select_related("revision").get(pk=record_id)
    if record.method == Method.SMS_LINK or (record.method != Method.EMAIL_LINK and not record.person_email):
        channel, to = Channel.SMS, record.person_phone
    else:
        channel, to = Channel.EMAIL, record.person_email
    if not to:
        return False
    # In the language the person read the consent text in.
    with translation.override(record.language or settings.LANGUAGE_CODE):
        return _deliver_confirmation(record, channel, to)


def _deliver_confirmation(record: ConsentRecord, channel: str, to: str) -> bool:
    record_id = record.pk
    context = {
        "record": record,
        "site": settings.SITE_NAME,
        "title": record.revision.title,
        "link": withdraw_link(record),
        "granted": when(record.granted_at),
        "expires": when(record.expires_at),
    }
    sms_body = (
        _(
            '%(site)s: your consent to "%(title)s" is recorded (valid until %(expires)s). '
            "To withdraw it at any time: %(link)s"
        )
        % context
    )
    try:
        _send(
            channel,
            to,
            _("Your consent is recorded: how to withdraw it"),
            render_to_string("consent/messages/confirmation.txt", context),
            sms_body,
        )
    except (OSError, SMTPException, SmsError):
        logger.exception("Could not send the confirmation of consent record %s", record_id)
        audit(
            "consent.delivery_failed",
            submission=record.submission,
            person_key=record.person_key,
            record=record.pk,
            channel=channel,
            to=mask_contact(to),
        )
        return False
    return True


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path
