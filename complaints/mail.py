"""Telling the complainant: the complaint was received (and when to expect the answer), and the
answer with its reasons and the out-of-court bodies and courts still open to them (DSA Art.
20(5), 21). Account holders get it in the app and by e-mail, in their language; notifiers by e-mail only, in
the language of their notice, after commit."""

import logging
from collections.abc import Callable
from smtplib import SMTPException

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from complaints.models import Complainant, Complaint
from notifications.services import notify

logger = logging.getLogger(__name__)


def _link(complaint: Complaint) -> str:
    if complaint.submission_id is not None and complaint.complainant_kind == Complainant.CONTRIBUTOR:
        return reverse("submission_detail", args=[complaint.submission_id])
    return ""


def _context(complaint: Complaint) -> dict:
    return {
        "complaint": complaint,
        "days": settings.APPEALS_RESPONSE_DAYS,
        "out_of_court": settings.OUT_OF_COURT_BODIES,
        "policy_url": settings.SITE_URL.rstrip("/") + reverse("moderation_policy"),
        "site": settings.SITE_NAME,
    }


def _tell(complaint: Complaint, subject: Callable[[Complaint], str], template: str) -> None:
    """`subject` is called in the complainant's language."""
    if complaint.complainant is not None:
        # Rendered in the complainant's language, not the reviewer's.
        notify(
            complaint.complainant,
            subject=lambda: subject(complaint),
            body=lambda: render_to_string(template, _context(complaint)).strip(),
            link=_link(complaint),
        )
        if template.endswith("answer.txt"):
            Complaint.objects.filter(pk=complaint.pk).update(answer_sent_at=timezone.now())
        return
    language = complaint.notice.language if complaint.notice else settings.LANGUAGE_CODE
    complaint_id = complaint.pk

    def send() -> None:
        fresh = Complaint.objects.select_related("notice", "reviewer").get(pk=complaint_id)
        with translation.override(language or settings.LANGUAGE_CODE):
            body = render_to_string(template, _context(fresh)).strip()
            localized = subject(fresh)
        try:
            send_mail(localized, body, None, [fresh.email])
        except (OSError, SMTPException):
            logger.exception("Could not e-mail complaint %s", complaint_id)
            return
        if template.endswith("answer.txt"):
            Complaint.objects.filter(pk=complaint_id).update(answer_sent_at=timezone.now())

    transaction.on_commit(send)


def complaint_received(complaint: Complaint) -> None:
    _tell(
        complaint,
        lambda c: _("We received your complaint %(ref)s") % {"ref": c.reference},
        "complaints/messages/received.txt",
    )


def complaint_answered(complaint: Complaint) -> None:
    _tell(
        complaint,
        lambda c: _("The answer to your complaint %(ref)s") % {"ref": c.reference},
        "complaints/messages/answer.txt",
    )
