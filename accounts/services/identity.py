"""Real-name verification: an ID number checked by a provider, the national online identity
authentication service, or a document an administrator reviews.

A number that passes its checksum is *well-formed*: recorded (to find it on two accounts), but
nobody can publish on it. Verification needs a provider (accounts.identity_providers) to confirm
the person; each verified attempt records the provider, its reference (usable once), the fields
it confirmed and when. Phone verification, which needs a one-time code, lives in
accounts.services.phone.

Duplicates: an identity number verifies one account only. A second account presenting a
number that is already verified elsewhere gets a *rejected* attempt, recorded with the keyed
hash so administrators can find both accounts, and an `identity.duplicate_refused` audit
event naming the other account. Refusing (rather than flagging and letting both through) is
what stops a closed or suspended user from coming back under a new account. The database
enforces it too: a unique constraint on (method, hash) among verified attempts.
"""

from __future__ import annotations

import datetime
import hmac
import logging
import secrets
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image

from accounts.identifiers import (
    code_hash,
    identifier_hash,
    normalize_e164,
    normalize_resident_id,
    normalize_uscc,
)
from accounts.identity_providers import (
    AssertionRejected,
    CheckOutcome,
    DocumentReviewProvider,
    NationalIdentityProvider,
    NumberCheckProvider,
    PersonClaim,
    ProviderUnavailable,
    number_check_provider,
)
from accounts.models import IdentityVerification, User
from audit.services import record_event

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

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


def reference_used(provider: str, reference: str) -> bool:
    return (
        bool(reference)
        and IdentityVerification.objects.filter(provider=provider, provider_reference=reference).exists()
    )


def save_verified(attempt: IdentityVerification, now: datetime.datetime) -> IdentityVerification:
    """Mark a numbered attempt verified, or rejected as a duplicate if another account won a race
    (or as a replay if another attempt already used the provider's reference)."""
    attempt.status, attempt.decided_at = Status.VERIFIED, now
    try:
        with transaction.atomic():
            attempt.save()
    except IntegrityError:
        if reference_used(attempt.provider, attempt.provider_reference):
            raise VerificationError(
                _("This answer from the identity provider was already used. Start again."), code="replay"
            ) from None
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


@dataclass(frozen=True)
class NumberCheck:
    """A provider's answer about a name and an ID number, for _record_number."""

    provider: str
    label: str
    outcome: CheckOutcome


@transaction.atomic
def _record_number(
    *,
    user: User,
    method: str,
    number: str,
    ip: str | None,
    now: datetime.datetime | None,
    check: NumberCheck | None = None,
) -> IdentityVerification:
    """Steps: hash the normalised number; refuse it when this account already verified it;
    record a rejected attempt when another account did; without a provider's confirmation,
    record it as well-formed only; with one, record what the provider confirmed."""
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
    if holder is not None:
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
    if check is None:
        attempt.status, attempt.decided_at = Status.WELL_FORMED, now
        attempt.save()
        record_event(
            action="identity.number_well_formed", actor=user, target=user, details=audit_details(attempt)
        )
        return attempt
    attempt.provider = check.provider
    attempt.provider_reference = check.outcome.reference
    attempt.evidence = check.outcome.evidence
    if not check.outcome.matched:
        attempt.status, attempt.decided_at = Status.REJECTED, now
        attempt.rejection_reason = _(
            "The name, ID number and phone number do not belong together according to %(provider)s."
        ) % {"provider": check.label}
        attempt.save()
        record_event(
            action="identity.check_failed",
            actor=user,
            target=user,
            details=audit_details(attempt, provider=attempt.provider, evidence=attempt.evidence),
        )
        return attempt
    attempt.verified_fields = list(check.outcome.verified_fields)
    return save_verified(attempt, now)


def _phone_is_verified_here(user: User, phone: str) -> bool:
    digest = identifier_hash(Method.PHONE, phone)
    return (
        IdentityVerification.objects.verified()
        .filter(user=user, method=Method.PHONE, identifier_hash=digest)
        .exists()
    )


def identity_verify_id_card(
    *,
    user: User,
    number: str,
    name: str = "",
    phone: str = "",
    provider: NumberCheckProvider | None = None,
    ip: str | None = None,
    now: datetime.datetime | None = None,
) -> IdentityVerification:
    """Check a resident ID number (GB 11643) and, through a provider, the person behind it.

    `provider` defaults to the first enabled number-checking provider (the carrier, or the
    console in development); with none, the number is recorded as well-formed only. The carrier
    also needs a mobile number already verified on this account by SMS: that is how we know the
    person holds the phone the carrier links to the name and number.

    Raises ValidationError for a malformed number or phone (nothing is recorded) and
    VerificationError when the account already verified the number, the phone is not verified
    here, the provider cannot be asked, or its answer was already used (replay).
    """
    today = timezone.localdate(now) if now else None
    normalised = normalize_resident_id(number, today=today)
    provider = provider if provider is not None else number_check_provider()
    check = None
    if provider is not None:
        if not name.strip():
            raise VerificationError(_("Enter your name as it is written on your ID card."), code="name")
        if provider.needs_phone:
            phone = normalize_e164(phone)
            if not _phone_is_verified_here(user, phone):
                raise VerificationError(
                    _("Verify this mobile number by text message first: the carrier checks it."),
                    code="phone_not_verified",
                )
        if holder_of(Method.ID_CARD, identifier_hash(Method.ID_CARD, normalised)) == user.pk:
            raise VerificationError(
                _("This number is already verified on your account."), code="already_verified"
            )
        try:
            outcome = provider.check(PersonClaim(name=name.strip(), id_number=normalised, phone=phone))
        except ProviderUnavailable as exc:
            logger.warning("Identity provider %s unavailable: %s", provider.key, exc)
            raise VerificationError(
                _("The identity check is unavailable right now. Try again later."), code="unavailable"
            ) from exc
        if reference_used(provider.key, outcome.reference):
            raise VerificationError(
                _("This answer from the identity provider was already used. Start again."), code="replay"
            )
        check = NumberCheck(provider.key, str(provider.label), outcome)
    return _record_number(user=user, method=Method.ID_CARD, number=normalised, ip=ip, now=now, check=check)


def identity_verify_uscc(
    *, user: User, code: str, ip: str | None = None, now: datetime.datetime | None = None
) -> IdentityVerification:
    """Record an organisation's Unified Social Credit Code (GB 32100) as well-formed.

    No provider checks organisations here: the business licence goes to document review.
    """
    return _record_number(user=user, method=Method.USCC, number=normalize_uscc(code), ip=ip, now=now)


# --- The national online identity authentication service -----------------------------------------


@transaction.atomic
def identity_national_start(
    *, user: User, provider: NationalIdentityProvider, redirect_uri: str, ip: str | None = None
) -> tuple[IdentityVerification, str]:
    """Open a pending attempt with a fresh single-use state (also the nonce); return it and the
    URL to send the browser to. Earlier pending national attempts of the user are void."""
    now = timezone.now()
    IdentityVerification.objects.filter(user=user, method=Method.NATIONAL, status=Status.PENDING).update(
        status=Status.EXPIRED, decided_at=now, code_hash=""
    )
    state = secrets.token_urlsafe(24)
    attempt = IdentityVerification.objects.create(
        user=user,
        method=Method.NATIONAL,
        provider=provider.key,
        request_ip=ip,
        created_at=now,
        code_expires_at=now + datetime.timedelta(minutes=settings.IDENTITY_NATIONAL_LOGIN_MINUTES),
    )
    attempt.code_hash = code_hash(attempt.pk, state)
    attempt.save(update_fields=["code_hash"])
    record_event(action="identity.national_started", actor=user, target=user, details=audit_details(attempt))
    return attempt, provider.start_url(state=state, redirect_uri=redirect_uri)


def identity_national_complete(
    *,
    user: User,
    provider: NationalIdentityProvider,
    state: str,
    code: str,
    redirect_uri: str,
    now: datetime.datetime | None = None,
) -> IdentityVerification:
    """Finish a national-service login: find the pending attempt by its state, redeem the code,
    verify the assertion, and record what it attests. Raises VerificationError on any refusal."""
    now = now or timezone.now()
    attempt = next(
        (
            candidate
            for candidate in IdentityVerification.objects.filter(
                user=user, method=Method.NATIONAL, status=Status.PENDING
            )
            if candidate.code_hash
            and hmac.compare_digest(candidate.code_hash, code_hash(candidate.pk, state))
        ),
        None,
    )
    if attempt is None:
        raise VerificationError(
            _("This sign-in is not one we started, or it was already used. Start again."), code="state"
        )
    if attempt.code_is_expired(now):
        _close_national(attempt, Status.EXPIRED, now, _("The sign-in took too long."))
        raise VerificationError(_("The sign-in took too long. Start again."), code="expired")
    try:
        assertion = provider.redeem(code=code, redirect_uri=redirect_uri, nonce=state)
    except ProviderUnavailable as exc:
        logger.warning("National identity service unavailable: %s", exc)
        raise VerificationError(
            _("The national identity service is unavailable right now. Try again later."), code="unavailable"
        ) from exc
    except AssertionRejected as exc:
        _close_national(attempt, Status.REJECTED, now, str(exc))
        raise VerificationError(
            _("The national identity service's answer could not be verified: %(why)s.") % {"why": exc},
            code="assertion",
        ) from exc
    with transaction.atomic():
        attempt = IdentityVerification.objects.select_for_update().get(pk=attempt.pk)
        if attempt.status != Status.PENDING:
            raise VerificationError(_("This sign-in was already used. Start again."), code="state")
        if reference_used(provider.key, assertion.reference):
            _close_national(attempt, Status.REJECTED, now, "replayed assertion")
            raise VerificationError(
                _("This answer from the identity provider was already used. Start again."), code="replay"
            )
        digest = identifier_hash(Method.NATIONAL, assertion.subject)
        holder = holder_of(Method.NATIONAL, digest)
        if holder == user.pk:
            _close_national(attempt, Status.REJECTED, now, "already verified")
            raise VerificationError(
                _("This identity is already verified on your account."), code="already_verified"
            )
        attempt.identifier_hash, attempt.identifier_last4 = digest, assertion.subject[-4:]
        attempt.provider_reference = assertion.reference
        attempt.code_hash = ""
        attested = assertion.claims.get("attested")
        attested_fields = [str(item) for item in (attested if isinstance(attested, list) else [])][:10]
        attempt.verified_fields = ["network_identity", *attested_fields]
        attempt.evidence = {
            "issuer": assertion.claims.get("iss"),
            "auth_level": assertion.claims.get("auth_level"),
            "issued_at": assertion.claims.get("iat"),
        }
        if holder is not None:
            attempt.status, attempt.decided_at = Status.REJECTED, now
            attempt.rejection_reason = _("This identity is already verified on another account.")
            attempt.save()
            record_event(
                action="identity.duplicate_refused",
                actor=user,
                target=user,
                details=audit_details(attempt, other_user_id=holder),
            )
            raise VerificationError(attempt.rejection_reason, code="duplicate")
        return save_verified(attempt, now)


def _close_national(attempt: IdentityVerification, status: str, now: datetime.datetime, reason: str) -> None:
    IdentityVerification.objects.filter(pk=attempt.pk, status=Status.PENDING).update(
        status=status, decided_at=now, code_hash="", rejection_reason=reason[:500]
    )
    record_event(
        action="identity.national_refused",
        actor=attempt.user,
        target=attempt.user,
        details=audit_details(attempt, reason=reason, status=status),
    )


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
    attempt.provider = DocumentReviewProvider.key
    attempt.verified_fields = list(DocumentReviewProvider.FIELDS.get(attempt.document_kind, ()))
    attempt.save(update_fields=["status", "decided_at", "decided_by", "provider", "verified_fields"])
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
