"""Unlabelled originals on request (Labeling Measures Art. 9, R32).

AI content leaves with its explicit label (R19). Its original, without the label, goes only to an
entitled user who asks for it: the item's contributor, or a senior moderator or admin giving a
reason. The request states the recipient (name, organisation, purpose); the requester must have
accepted the terms in force and acknowledges, on each request, the labelling duties that come with
an unlabelled copy (the terms do not spell them out for this case). The request is logged (kept at
least UNLABELLED_DELIVERY_RETENTION_DAYS) and audited, and allows one download before it expires.
"""

import enum
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import TermsAcceptance, TermsVersion, User
from accounts.selectors import current_terms
from audit.services import record_event
from moderation.access import get_submission_for_user
from moderation.models import MediaFile, Status, Submission, UnlabelledDelivery
from moderation.publication.downloads import is_ai_content

CLAUSE_VERSION = "unlabelled-copy-1"
CLAUSE = gettext_lazy(
    "I ask for this file without its explicit AI label. Before it is published, shared or passed on "
    "in any way, the explicit labels the law requires are added to it (Labeling Measures Art. 9, "
    "GB 45438-2025), and none of its implicit labels is removed, altered, forged or concealed. I "
    "tell the recipient of these duties; the request and the recipient are logged and kept for at "
    "least six months."
)


class Refusal(enum.StrEnum):
    NOT_AI = "not_ai"
    DRAFT = "draft"
    NO_TERMS = "no_terms"
    TERMS_NOT_ACCEPTED = "terms_not_accepted"
    NOT_ACKNOWLEDGED = "not_acknowledged"
    NO_REASON = "no_reason"


class DeliveryRefused(Exception):
    """The original may not be given; the message is for the user."""

    def __init__(self, reason: Refusal, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


def is_staff_requester(user: User) -> bool:
    """Staff who may hand out an unlabelled original (with a reason): senior moderators and admins."""
    return user.is_senior_moderator


def get_media_for_unlabelled(user: User, pk: int, media_pk: int) -> tuple[Submission, MediaFile]:
    """An item's file whose unlabelled original `user` may ask for: the contributor's own, or any for
    senior moderators and admins (403 to moderators, 404 to everyone else and to content that is
    not AI, which downloads as it is, and to drafts)."""
    submission = get_submission_for_user(user, pk)
    media = get_object_or_404(
        MediaFile.objects.select_related("revision"), pk=media_pk, revision__submission=submission
    )
    if not is_ai_content(submission, media.revision) or submission.status == Status.DRAFT:
        raise Http404  # a draft's files are still the contributor's to change
    if submission.contributor_id != user.pk and not is_staff_requester(user):
        raise PermissionDenied(_("Only the contributor, a senior moderator or an admin may ask for it."))
    return submission, media


def accepted_terms_in_force(user: User) -> TermsVersion:
    """The terms in force, which `user` has accepted (their labelling rules, R34), or DeliveryRefused."""
    terms = current_terms()
    if terms is None:
        raise DeliveryRefused(
            Refusal.NO_TERMS,
            _("No terms of service are in force, so nobody has accepted the labelling duties."),
        )
    if not TermsAcceptance.objects.filter(user=user, terms=terms).exists():
        raise DeliveryRefused(
            Refusal.TERMS_NOT_ACCEPTED, _("Accept the terms of service in force before asking for it.")
        )
    return terms


def delivery_refusal(user: User) -> DeliveryRefused | None:
    """Why `user` may not receive an unlabelled original now (the terms), or None."""
    try:
        accepted_terms_in_force(user)
    except DeliveryRefused as refusal:
        return refusal
    return None


@transaction.atomic
def unlabelled_delivery_request(
    *,
    user: User,
    submission: Submission,
    media: MediaFile,
    recipient_name: str,
    recipient_organisation: str,
    purpose: str,
    staff_reason: str = "",
    acknowledged: bool,
    ip: str | None = None,
    user_agent: str = "",
) -> UnlabelledDelivery:
    """Log a request for the unlabelled original of `media` and open its one-time download.

    Steps: the file is AI content of `submission`; the user is its contributor, or staff giving a
    reason; the terms in force are accepted; the labelling clause is acknowledged; then the row
    (recipient, purpose, terms, clause) and an audit event. Raises DeliveryRefused otherwise.
    """
    if media.revision.submission_id != submission.pk or not is_ai_content(submission, media.revision):
        raise DeliveryRefused(Refusal.NOT_AI, _("This file is not AI content: it downloads as it is."))
    if submission.status == Status.DRAFT:
        raise DeliveryRefused(Refusal.DRAFT, _("A draft's files can still change: submit it first."))
    is_owner = submission.contributor_id == user.pk
    if not is_owner and not is_staff_requester(user):
        raise PermissionDenied
    if not is_owner and not staff_reason.strip():
        raise DeliveryRefused(Refusal.NO_REASON, _("Staff give the reason they hand out this file."))
    terms = accepted_terms_in_force(user)
    if not acknowledged:
        raise DeliveryRefused(Refusal.NOT_ACKNOWLEDGED, _("Acknowledge the labelling duties first."))
    now = timezone.now()
    delivery = UnlabelledDelivery.objects.create(
        submission=submission,
        media=media,
        media_sha256=media.sha256,
        requested_by=user,
        requester_role="contributor" if is_owner else str(user.role),
        staff_reason="" if is_owner else staff_reason.strip(),
        recipient_name=recipient_name.strip(),
        recipient_organisation=recipient_organisation.strip(),
        purpose=purpose.strip(),
        terms=terms,
        clause_version=CLAUSE_VERSION,
        clause_text=str(CLAUSE),
        ip=ip,
        user_agent=user_agent[:300],
        created_at=now,
        expires_at=now + timedelta(minutes=settings.UNLABELLED_DELIVERY_LINK_MINUTES),
    )
    record_event(
        action="unlabelled.requested",
        actor=user,
        target=submission,
        details={
            "delivery": delivery.pk,
            "media": media.pk,
            "sha256": media.sha256,
            "as": delivery.requester_role,
            "terms": delivery.terms_id,
            "clause": CLAUSE_VERSION,
        },
        ip=ip,
    )
    return delivery


def get_delivery_for_user(user: User, pk: int) -> UnlabelledDelivery:
    """A delivery is its requester's: 403 to others who may see the item, 404 to everyone else."""
    delivery = get_object_or_404(
        UnlabelledDelivery.objects.select_related("submission", "media", "media__revision"), pk=pk
    )
    if delivery.requested_by_id == user.pk:
        return delivery
    get_submission_for_user(user, delivery.submission_id)  # 404 to outsiders
    raise PermissionDenied


@transaction.atomic
def unlabelled_delivery_claim(*, delivery: UnlabelledDelivery, user: User, ip: str | None = None) -> bool:
    """Use the request's one download: True once, before it expires, for its requester only."""
    now = timezone.now()
    claimed = UnlabelledDelivery.objects.filter(
        pk=delivery.pk, requested_by=user, downloaded_at__isnull=True, expires_at__gt=now
    ).update(downloaded_at=now, download_ip=ip)
    if not claimed:
        return False
    delivery.downloaded_at, delivery.download_ip = now, ip
    record_event(
        action="unlabelled.downloaded",
        actor=user,
        target=delivery.submission,
        details={"delivery": delivery.pk, "media": delivery.media_id, "sha256": delivery.media_sha256},
        ip=ip,
    )
    return True
