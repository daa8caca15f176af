"""Real-name verification by ID card number, Unified Social Credit Code or reviewed document.

Phone verification, which needs a one-time code, lives in accounts.services.phone.

Duplicates: an identity number verifies one account only. A second account presenting a
number that is already verified elsewhere gets a *rejected* attempt, recorded with the keyed
hash so administrators can find both accounts, and an `identity.duplicate_refused` audit
event naming the other account. Refusing (rather than flagging and letting both through) is
what stops a closed or suspended user from coming back under a new account. The database
enforces it too: a unique constraint on (method, hash) among verified attempts.
"""

import datetime
import logging
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise
from PIL import Image

from accounts.identifiers import identifier_hash, normalize_resident_id, normalize_uscc
from accounts.models import IdentityVerification, User
from audit.services import record_event

logger = logging.getLogger(__name__)

Method = IdentityVerification.Method
Status = IdentityVerification.Status

DOCUMENT_FORMATS = {"JPEG": "jpg", "PNG": "png"}


class VerificationError(Exception):
    """A verification step refused, with a message for the user."""

    def __init__(self, message: StrOrPromise, code: str = "") -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code


class RateLimited(VerificationError):
    pass


def audit_details(attempt: IdentityVerification, **extra: object) -> dict[str, object]:
    return {
        "verification_id": attempt.pk,
        "method": attempt.method,
        "masked": attempt.masked_identifier,
        **extra,
    }


def holder_of(method: str, digest: str) -> int | None:
    """The account on which this identifier is already verified, if any."""
    return (
        IdentityVerification.objects.verified()
        .filter(method=method, identifier_hash=digest)
        .values_list("user_id", flat=True)
        .first()
    )


def save_verified(attempt: IdentityVerification, now: datetime.datetime) -> IdentityVerification:
    """Mark a numbered attempt verified, or rejected as a duplicate if another account won a race."""
    attempt.status, attempt.decided_at = Status.VERIFIED, now
    try:
        with transaction.atomic():
            attempt.save()
    except IntegrityError:
        attempt.status = Status.REJECTED
        attempt.rejection_reason = _("This number is already verified on another account.")
        attempt.save()
        record_event(
            action="identity.duplicate_refused",
            actor=attempt.user,
            target=attempt.user,
            details=audit_details(attempt, other_user_id=holder_of(attempt.method, attempt.identifier_hash)),
        )
        return attempt
    record_event(
        action="identity.verified", actor=attempt.user, target=attempt.user, details=audit_details(attempt)
    )
    attempt.user.forget_standing()
    return attempt


@transaction.atomic
def _verify_number(
    *, user: User, method: str, number: str, ip: str | None, now: datetime.datetime | None
) -> IdentityVerification:
    """Steps: hash the normalised number; refuse it when this account already verified it;
    record a rejected attempt when another account did; else record a verified attempt."""
    now = now or timezone.now()
    digest = identifier_hash(method, number)
    holder = holder_of(method, digest)
    if holder == user.pk:
        raise VerificationError(
            _("This number is already verified on your account."), code="already_verified"
        )
    attempt = IdentityVerification(
        user=user,
        method=method,
        identifier_hash=digest,
        identifier_last4=number[-4:],
        request_ip=ip,
        created_at=now,
    )
    if holder is None:
        return save_verified(attempt, now)
    attempt.status, attempt.decided_at = Status.REJECTED, now
    attempt.rejection_reason = _("This number is already verified on another account.")
    attempt.save()
    record_event(
        action="identity.duplicate_refused",
        actor=user,
        target=user,
        details=audit_details(attempt, other_user_id=holder),
    )
    return attempt


def identity_verify_id_card(
    *, user: User, number: str, ip: str | None = None, now: datetime.datetime | None = None
) -> IdentityVerification:
    """Verify a resident ID number (GB 11643). Returns the attempt, verified or rejected.

    Raises ValidationError for a malformed number (nothing is recorded) and VerificationError
    when this account already verified the same number.
    """
    today = timezone.localdate(now) if now else None
    normalised = normalize_resident_id(number, today=today)
    return _verify_number(user=user, method=Method.ID_CARD, number=normalised, ip=ip, now=now)


def identity_verify_uscc(
    *, user: User, code: str, ip: str | None = None, now: datetime.datetime | None = None
) -> IdentityVerification:
    """Verify an organisation's Unified Social Credit Code (GB 32100), like identity_verify_id_card."""
    return _verify_number(user=user, method=Method.USCC, number=normalize_uscc(code), ip=ip, now=now)


# --- Documents reviewed by an administrator ----------------------------------------------------


def validate_identity_image(upload: UploadedFile) -> str:
    """Check size and that Pillow reads the whole file as JPEG or PNG; return the file extension."""
    if upload.size is None or upload.size > settings.IDENTITY_DOCUMENT_MAX_BYTES:
        limit_mb = settings.IDENTITY_DOCUMENT_MAX_BYTES / (1024 * 1024)
        raise ValidationError(
            gettext_lazy("The file is larger than %(limit).1f MB.") % {"limit": limit_mb}, code="too_large"
        )
    not_an_image = ValidationError(gettext_lazy("Upload a JPEG or PNG image."), code="not_an_image")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            upload.seek(0)
            with Image.open(upload) as image:
                image_format = image.format
                image.verify()
            # verify() leaves the image unusable; decoding it fully catches truncated files.
            upload.seek(0)
            with Image.open(upload) as image:
                image.load()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise not_an_image from None
    finally:
        upload.seek(0)
    if image_format not in DOCUMENT_FORMATS:
        raise not_an_image
    return DOCUMENT_FORMATS[image_format]


@transaction.atomic
def identity_document_submit(
    *, user: User, upload: UploadedFile, kind: str, ip: str | None = None
) -> IdentityVerification:
    """Store an ID or business-licence image at a random private path for an administrator to review."""
    extension = validate_identity_image(upload)
    attempt = IdentityVerification(
        user=user,
        method=Method.DOCUMENT,
        document_kind=IdentityVerification.DocumentKind(kind),
        request_ip=ip,
    )
    # The upload's own name is never used: it may carry the person's name.
    attempt.document.save(f"document.{extension}", upload, save=False)
    attempt.save()
    record_event(
        action="identity.document_submitted",
        actor=user,
        target=user,
        details=audit_details(attempt, kind=attempt.document_kind),
    )
    return attempt


@transaction.atomic
def identity_verification_approve(
    *, verification: IdentityVerification, actor: User, now: datetime.datetime | None = None
) -> IdentityVerification:
    """An administrator approves a pending document."""
    attempt = IdentityVerification.objects.select_for_update().select_related("user").get(pk=verification.pk)
    if attempt.method != Method.DOCUMENT or attempt.status != Status.PENDING:
        raise VerificationError(_("Only pending documents can be approved."), code="not_pending")
    attempt.status, attempt.decided_at, attempt.decided_by = Status.VERIFIED, now or timezone.now(), actor
    attempt.save(update_fields=["status", "decided_at", "decided_by"])
    record_event(action="identity.verified", actor=actor, target=attempt.user, details=audit_details(attempt))
    attempt.user.forget_standing()
    verification.refresh_from_db()
    return attempt


@transaction.atomic
def identity_verification_reject(
    *, verification: IdentityVerification, actor: User, reason: str, now: datetime.datetime | None = None
) -> IdentityVerification:
    """Reject a pending attempt, or revoke a verified one. The reason is shown to the user."""
    reason = reason.strip()
    if not reason:
        raise VerificationError(_("Give a reason: the user is shown it."), code="reason")
    attempt = IdentityVerification.objects.select_for_update().select_related("user").get(pk=verification.pk)
    if attempt.status not in (Status.PENDING, Status.VERIFIED):
        raise VerificationError(_("This attempt is already closed."), code="closed")
    action = "identity.revoked" if attempt.status == Status.VERIFIED else "identity.rejected"
    attempt.status, attempt.decided_at, attempt.decided_by = Status.REJECTED, now or timezone.now(), actor
    attempt.rejection_reason = reason
    attempt.code_hash = ""
    attempt.save(update_fields=["status", "decided_at", "decided_by", "rejection_reason", "code_hash"])
    record_event(
        action=action, actor=actor, target=attempt.user, details=audit_details(attempt, reason=reason)
    )
    attempt.user.forget_standing()
    verification.refresh_from_db()
    return attempt


def identity_documents_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete document images decided more than IDENTITY_DOCUMENT_RETENTION_DAYS ago; keep the rows.

    Steps per row: delete the file (deleting a missing file is harmless), then claim the row
    with a conditional update so that two runs at once record each purge once, then audit.
    Documents still awaiting review are kept until they are decided.
    """
    now = now or timezone.now()
    # Never sooner than the retention floor (R31), whatever the setting says.
    days = max(settings.IDENTITY_DOCUMENT_RETENTION_DAYS, settings.RETENTION_FLOOR_DAYS)
    cutoff = now - datetime.timedelta(days=days)
    due = (
        IdentityVerification.objects.filter(method=Method.DOCUMENT, document_purged_at__isnull=True)
        .exclude(document="")
        .filter(decided_at__lte=cutoff)
        .select_related("user")
    )
    purged = 0
    for attempt in due:
        name = attempt.document.name or ""
        try:
            attempt.document.storage.delete(name)
        except OSError:
            logger.exception("Could not delete identity document of verification %s", attempt.pk)
            continue
        with transaction.atomic():
            claimed = IdentityVerification.objects.filter(
                pk=attempt.pk, document_purged_at__isnull=True
            ).update(document_purged_at=now, document="")
            if claimed:
                record_event(
                    action="identity.document_purged",
                    target=attempt.user,
                    details={
                        "verification_id": attempt.pk,
                        "decided_at": attempt.decided_at,
                        "retention_days": settings.IDENTITY_DOCUMENT_RETENTION_DAYS,
                    },
                )
                purged += claimed
    return purged
