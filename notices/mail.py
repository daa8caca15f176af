"""The messages to notifiers, who have no account: the receipt at once (DSA Art. 16(4)), the
reasoned decision with the redress open to them (Art. 16(5)) and what was automated
(Art. 16(6)). Sent after commit, in the language the notice was written in; a mail server
that refuses leaves the notice as it is and logs it (the moderator sees "not sent")."""

import logging
from smtplib import SMTPException

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from audit.services import record_event
from notices.models import Notice, NoticeCase, NoticeCategory

logger = logging.getLogger(__name__)


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def automated_means() -> str:
    """What is automated in handling a notice: the disclosure every notifier gets."""
    return _(
        "Automated means: notices are checked for abuse (rate limits) and grouped and ordered in our queue "
        "automatically. A person read your notice and took the decision; no notice is decided by software "
        "alone."
    )


def _send(to: str, subject: str, body: str) -> bool:
    try:
        send_mail(subject, body, None, [to])
    except (OSError, SMTPException):
        logger.exception("Could not e-mail %s", subject)
        return False
    return True


def send_receipt(notice_id: int) -> bool:
    notice = Notice.objects.select_related("case", "submission__current_revision").get(pk=notice_id)
    if not notice.email:
        return False
    with translation.override(notice.language or settings.LANGUAGE_CODE):
        hours = settings.NOTICES_URGENT_SLA_HOURS if notice.case.urgent else settings.NOTICES_SLA_HOURS
        subject = _("We received your notice %(ref)s") % {"ref": notice.reference}
        body = render_to_string(
            "notices/messages/receipt.txt",
            {
                "notice": notice,
                "hours": hours,
                "policy_url": absolute(reverse("moderation_policy")),
                "likeness": notice.category == NoticeCategory.NON_CONSENSUAL,
                "site": settings.SITE_NAME,
            },
        )
    if _send(notice.email, subject, body.strip()):
        Notice.objects.filter(pk=notice.pk).update(receipt_sent_at=timezone.now())
        return True
    return False


def resend_own_consent_link(notice_id: int) -> int:
    """Someone reports that the item shows them without consent. If a consent for this item was
    given from their address, send that consent's withdrawal link again, to that address only:
    following it takes the content down at once. Nothing on screen says whether one matched."""
    from consent.models import ConsentRecord
    from consent.services.delivery import deliver_confirmation

    notice = Notice.objects.get(pk=notice_id)
    records = ConsentRecord.objects.filter(
        submission_id=notice.submission_id, person_email__iexact=notice.email, withdrawn_at__isnull=True
    )
    sent = 0
    for record in records:
        if deliver_confirmation(record.pk):
            sent += 1
            record_event(
                action="notice.consent_link_resent",
                target=notice.submission,
                details={"notice": notice.pk, "consent_record": record.pk},
            )
    return sent


def send_decisions(case_id: int) -> int:
    """The reasoned decision to every notifier of the case who gave an address."""
    from complaints.tokens import notice_complaint_url
    from moderation.review.statements import complaint_until

    case = NoticeCase.objects.select_related("decision", "submission__current_revision").get(pk=case_id)
    sent = 0
    for notice in case.notices.exclude(email=""):
        with translation.override(notice.language or settings.LANGUAGE_CODE):
            subject = _("The decision on your notice %(ref)s") % {"ref": notice.reference}
            body = render_to_string(
                "notices/messages/decision.txt",
                {
                    "notice": notice,
                    "case": case,
                    "statement": case.decision.statement if case.decision else {},
                    "automated": automated_means(),
                    "complaint_url": notice_complaint_url(notice),
                    "complaint_until": complaint_until(case.decided_at or timezone.now()),
                    "days": settings.APPEALS_RESPONSE_DAYS,
                    "out_of_court": settings.OUT_OF_COURT_BODIES,
                    "policy_url": absolute(reverse("moderation_policy")),
                },
            )
        if _send(notice.email, subject, body.strip()):
            Notice.objects.filter(pk=notice.pk).update(decision_sent_at=timezone.now())
            sent += 1
    return sent
