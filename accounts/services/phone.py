"""Phone verification with a one-time code sent by SMS.

Codes are six digits, stored only as a keyed hash salted with the attempt's id, valid for
OTP_TTL_MINUTES, and void after OTP_MAX_ATTEMPTS wrong guesses. Sending is limited per number
and per client IP per hour. A verified attempt forgets its code hash, and a code is only
checked against a *pending* attempt, so a used code cannot be replayed.
"""

import datetime
import hmac
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.identifiers import code_hash, identifier_hash, normalize_e164
from accounts.models import IdentityVerification, User
from accounts.services.identity import (
    RateLimited,
    VerificationError,
    audit_details,
    holder_of,
    save_verified,
)
from accounts.sms import SmsError, send_sms
from audit.services import record_event

Method = IdentityVerification.Method
Status = IdentityVerification.Status


def _check_rate_limits(*, digest: str, ip: str | None, now: datetime.datetime) -> None:
    recent = IdentityVerification.objects.filter(
        method=Method.PHONE, created_at__gt=now - datetime.timedelta(hours=1)
    )
    if recent.filter(identifier_hash=digest).count() >= settings.OTP_SENDS_PER_NUMBER_PER_HOUR:
        raise RateLimited(_("Too many codes were sent to this number. Try again in an hour."), code="number")
    if ip and recent.filter(request_ip=ip).count() >= settings.OTP_SENDS_PER_IP_PER_HOUR:
        raise RateLimited(
            _("Too many codes were requested from your network. Try again in an hour."), code="ip"
        )


@transaction.atomic
def phone_verification_start(
    *, user: User, phone: str, ip: str | None = None, now: datetime.datetime | None = None
) -> IdentityVerification:
    """Send a code to `phone` and return the pending attempt.

    Steps: normalise the number; enforce the hourly limits per number and per IP; refuse a
    number already verified (here or elsewhere); void this user's earlier pending codes;
    record the attempt with the hashed code; send the SMS. A failed send rolls it all back.
    """
    now = now or timezone.now()
    number = normalize_e164(phone)
    digest = identifier_hash(Method.PHONE, number)
    _check_rate_limits(digest=digest, ip=ip, now=now)
    holder = holder_of(Method.PHONE, digest)
    if holder == user.pk:
        raise VerificationError(
            _("This number is already verified on your account."), code="already_verified"
        )
    if holder is not None:
        raise VerificationError(_("This number is already verified on another account."), code="duplicate")
    IdentityVerification.objects.filter(user=user, method=Method.PHONE, status=Status.PENDING).update(
        status=Status.EXPIRED, decided_at=now, code_hash=""
    )
    attempt = IdentityVerification.objects.create(
        user=user,
        method=Method.PHONE,
        identifier_hash=digest,
        identifier_last4=number[-4:],
        code_expires_at=now + datetime.timedelta(minutes=settings.OTP_TTL_MINUTES),
        request_ip=ip,
        created_at=now,
    )
    code = f"{secrets.randbelow(1_000_000):06d}"
    attempt.code_hash = code_hash(attempt.pk, code)
    attempt.save(update_fields=["code_hash"])
    body = _("Your %(site)s verification code is %(code)s. It expires in %(minutes)d minutes.") % {
        "site": settings.SITE_NAME,
        "code": code,
        "minutes": settings.OTP_TTL_MINUTES,
    }
    try:
        send_sms(number, body)
    except SmsError as exc:
        raise VerificationError(
            _("The code could not be sent. Try again later."), code="send_failed"
        ) from exc
    record_event(action="identity.phone_code_sent", actor=user, target=user, details=audit_details(attempt))
    return attempt


def phone_verification_confirm(
    *, verification: IdentityVerification, code: str, now: datetime.datetime | None = None
) -> IdentityVerification:
    """Check `code` against a pending phone attempt; return it verified or raise VerificationError.

    Deliberately not one transaction: a wrong guess must stay counted although the call fails,
    so the check commits its bookkeeping first and the error is raised afterwards.
    """
    outcome = _check_code(verification_id=verification.pk, code=code, now=now or timezone.now())
    verification.refresh_from_db()
    if isinstance(outcome, VerificationError):
        raise outcome
    if outcome.status != Status.VERIFIED:
        raise VerificationError(outcome.rejection_reason, code="duplicate")
    return outcome


@transaction.atomic
def _check_code(
    *, verification_id: int, code: str, now: datetime.datetime
) -> IdentityVerification | VerificationError:
    attempt = IdentityVerification.objects.select_for_update().select_related("user").get(pk=verification_id)
    if attempt.method != Method.PHONE or attempt.status != Status.PENDING:
        return VerificationError(
            _("This code is no longer valid: it was used, replaced or refused. Request a new one."),
            code="not_pending",
        )
    if attempt.code_is_expired(now):
        attempt.status, attempt.decided_at, attempt.code_hash = Status.EXPIRED, now, ""
        attempt.save(update_fields=["status", "decided_at", "code_hash"])
        record_event(
            action="identity.phone_code_expired",
            actor=attempt.user,
            target=attempt.user,
            details=audit_details(attempt),
        )
        return VerificationError(_("This code has expired. Request a new one."), code="expired")
    if not hmac.compare_digest(attempt.code_hash, code_hash(attempt.pk, code.strip())):
        attempt.code_attempts += 1
        if attempt.code_attempts >= settings.OTP_MAX_ATTEMPTS:
            attempt.status, attempt.decided_at, attempt.code_hash = Status.REJECTED, now, ""
            attempt.rejection_reason = _("Too many wrong codes.")
            attempt.save(
                update_fields=["code_attempts", "status", "decided_at", "code_hash", "rejection_reason"]
            )
            record_event(
                action="identity.phone_code_exhausted",
                actor=attempt.user,
                target=attempt.user,
                details=audit_details(attempt),
            )
            return VerificationError(_("Too many wrong codes. Request a new one."), code="exhausted")
        attempt.save(update_fields=["code_attempts"])
        left = settings.OTP_MAX_ATTEMPTS - attempt.code_attempts
        return VerificationError(
            ngettext("Wrong code. %(left)d attempt left.", "Wrong code. %(left)d attempts left.", left)
            % {"left": left},
            code="wrong",
        )
    attempt.code_hash = ""
    attempt.provider, attempt.verified_fields = "sms", ["phone"]
    return save_verified(attempt, now)
