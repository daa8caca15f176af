"""Phone verification: a hashed one-time code, valid 10 minutes, 5 tries, rate-limited, single use."""

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from accounts import sms
from accounts.models import IdentityVerification, User
from accounts.services import (
    RateLimited,
    VerificationError,
    phone_verification_confirm,
    phone_verification_start,
)
from audit.models import AuditEvent

PHONE = "+8613800138000"
Status = IdentityVerification.Status


def last_code(outbox: list[sms.SmsMessage]) -> str:
    match = re.search(r"\b(\d{6})\b", outbox[-1].body)
    assert match, outbox[-1].body
    return match.group(1)


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def refusal(verification: IdentityVerification, code: str, **kwargs: Any) -> str:
    with pytest.raises(VerificationError) as excinfo:
        phone_verification_confirm(verification=verification, code=code, **kwargs)
    return excinfo.value.code


def test_it_sends_a_code_and_stores_only_its_hash(uma: User, sms_outbox: list[sms.SmsMessage]) -> None:
    attempt = phone_verification_start(user=uma, phone="+86 138 0013 8000", ip="203.0.113.5")
    code = last_code(sms_outbox)
    assert sms_outbox[-1].to == PHONE
    assert attempt.status == Status.PENDING
    assert attempt.identifier_last4 == "8000"
    assert attempt.masked_identifier == "+*******8000"
    assert code not in attempt.code_hash and len(attempt.code_hash) == 64
    assert PHONE not in attempt.identifier_hash
    assert attempt.code_expires_at == attempt.created_at + timedelta(minutes=10)
    event = AuditEvent.objects.get(action="identity.phone_code_sent")
    assert event.details["masked"] == "+*******8000"
    assert code not in str(event.details)


def test_it_verifies_with_the_right_code(uma: User, sms_outbox: list[sms.SmsMessage]) -> None:
    attempt = phone_verification_start(user=uma, phone=PHONE)
    verified = phone_verification_confirm(verification=attempt, code=last_code(sms_outbox))
    assert verified.status == Status.VERIFIED
    assert verified.decided_at is not None
    assert verified.decided_by is None  # automatic
    assert verified.code_hash == ""
    assert User.objects.get(pk=uma.pk).is_identity_verified
    assert AuditEvent.objects.filter(action="identity.verified", target_id=str(uma.pk)).exists()


def test_it_refuses_a_replayed_code(uma: User, sms_outbox: list[sms.SmsMessage]) -> None:
    attempt = phone_verification_start(user=uma, phone=PHONE)
    code = last_code(sms_outbox)
    phone_verification_confirm(verification=attempt, code=code)
    assert refusal(attempt, code) == "not_pending"


def test_it_accepts_a_code_until_it_expires(uma: User, ugo: User, sms_outbox: list[sms.SmsMessage]) -> None:
    now = timezone.now()
    attempt = phone_verification_start(user=uma, phone=PHONE, now=now)
    just_in_time = now + timedelta(minutes=10) - timedelta(seconds=1)
    assert phone_verification_confirm(verification=attempt, code=last_code(sms_outbox), now=just_in_time)

    late = phone_verification_start(user=ugo, phone="+8613900139000", now=now)
    assert refusal(late, last_code(sms_outbox), now=now + timedelta(minutes=10)) == "expired"
    late.refresh_from_db()
    assert late.status == Status.EXPIRED
    assert AuditEvent.objects.filter(action="identity.phone_code_expired").count() == 1


def test_it_voids_the_attempt_after_five_wrong_codes(uma: User, sms_outbox: list[sms.SmsMessage]) -> None:
    attempt = phone_verification_start(user=uma, phone=PHONE)
    code = last_code(sms_outbox)
    for tries in range(1, 5):
        with pytest.raises(VerificationError) as excinfo:
            phone_verification_confirm(verification=attempt, code=wrong(code))
        assert excinfo.value.code == "wrong"
        assert f"{5 - tries} attempt" in str(excinfo.value.message)
        attempt.refresh_from_db()
        assert attempt.code_attempts == tries  # counted although the call failed
    assert refusal(attempt, wrong(code)) == "exhausted"
    attempt.refresh_from_db()
    assert attempt.status == Status.REJECTED
    # Even the right code no longer helps.
    assert refusal(attempt, code) == "not_pending"
    assert not User.objects.get(pk=uma.pk).is_identity_verified


def test_it_limits_codes_per_number_per_hour(
    uma: User, ugo: User, settings: Any, sms_outbox: list[sms.SmsMessage]
) -> None:
    settings.OTP_SENDS_PER_NUMBER_PER_HOUR = 2
    now = timezone.now()
    phone_verification_start(user=uma, phone=PHONE, ip="203.0.113.1", now=now)
    phone_verification_start(user=ugo, phone=PHONE, ip="203.0.113.2", now=now + timedelta(minutes=1))
    with pytest.raises(RateLimited) as excinfo:
        phone_verification_start(user=uma, phone=PHONE, ip="203.0.113.3", now=now + timedelta(minutes=2))
    assert excinfo.value.code == "number"
    assert len(sms_outbox) == 2
    # An hour after the first send there is room again.
    phone_verification_start(user=uma, phone=PHONE, now=now + timedelta(minutes=61))
    assert len(sms_outbox) == 3


def test_it_limits_codes_per_ip_per_hour(uma: User, ugo: User, settings: Any) -> None:
    settings.OTP_SENDS_PER_IP_PER_HOUR = 2
    phone_verification_start(user=uma, phone="+8613800138001", ip="198.51.100.9")
    phone_verification_start(user=ugo, phone="+8613800138002", ip="198.51.100.9")
    with pytest.raises(RateLimited) as excinfo:
        phone_verification_start(user=uma, phone="+8613800138003", ip="198.51.100.9")
    assert excinfo.value.code == "ip"
    phone_verification_start(user=uma, phone="+8613800138003", ip="198.51.100.10")


def test_it_voids_the_previous_code_when_a_new_one_is_sent(
    uma: User, sms_outbox: list[sms.SmsMessage]
) -> None:
    first = phone_verification_start(user=uma, phone=PHONE)
    first_code = last_code(sms_outbox)
    second = phone_verification_start(user=uma, phone=PHONE)
    assert refusal(first, first_code) == "not_pending"
    assert (
        phone_verification_confirm(verification=second, code=last_code(sms_outbox)).status == Status.VERIFIED
    )


def test_it_refuses_a_number_verified_on_another_account(
    uma: User, ugo: User, sms_outbox: list[sms.SmsMessage]
) -> None:
    attempt = phone_verification_start(user=ugo, phone=PHONE)
    phone_verification_confirm(verification=attempt, code=last_code(sms_outbox))
    with pytest.raises(VerificationError) as excinfo:
        phone_verification_start(user=uma, phone=PHONE)
    assert excinfo.value.code == "duplicate"
    assert len(sms_outbox) == 1


def test_it_refuses_the_second_of_two_accounts_racing_for_a_number(
    uma: User, ugo: User, sms_outbox: list[sms.SmsMessage]
) -> None:
    umas = phone_verification_start(user=uma, phone=PHONE)
    uma_code = last_code(sms_outbox)
    ugos = phone_verification_start(user=ugo, phone=PHONE)
    phone_verification_confirm(verification=ugos, code=last_code(sms_outbox))
    assert refusal(umas, uma_code) == "duplicate"
    umas.refresh_from_db()
    assert umas.status == Status.REJECTED
    assert AuditEvent.objects.get(action="identity.duplicate_refused").details["other_user_id"] == ugo.pk


class FailingBackend(sms.BaseSmsBackend):
    def send(self, message: sms.SmsMessage) -> None:
        raise sms.SmsError("provider down")


def test_it_records_nothing_when_the_code_cannot_be_sent(uma: User, settings: Any) -> None:
    settings.SMS_BACKEND = "tests.accounts.test_phone_verification.FailingBackend"
    with pytest.raises(VerificationError) as excinfo:
        phone_verification_start(user=uma, phone=PHONE)
    assert excinfo.value.code == "send_failed"
    assert not IdentityVerification.objects.exists()


# --- Pages -------------------------------------------------------------------------------------


def test_it_shows_the_phone_form_to_contributors_only(uma_client: Client, mod_client: Client) -> None:
    assert uma_client.get("/accounts/verify/phone/").status_code == 200
    assert mod_client.get("/accounts/verify/phone/").status_code == 403


def test_it_sends_a_code_and_verifies_through_the_pages(
    uma: User, uma_client: Client, sms_outbox: list[sms.SmsMessage]
) -> None:
    response = uma_client.post("/accounts/verify/phone/send/", {"phone": "+86 138 0013 8000"})
    attempt = IdentityVerification.objects.get(user=uma)
    assert response.status_code == 302
    assert response.url == f"/accounts/verify/phone/{attempt.pk}/"
    page = uma_client.get(response.url)
    assert b"+*******8000" in page.content
    assert PHONE.encode() not in page.content
    response = uma_client.post(
        f"/accounts/verify/phone/{attempt.pk}/confirm/", {"code": last_code(sms_outbox)}
    )
    assert response.status_code == 302
    assert response.url == "/accounts/me/"
    assert User.objects.get(pk=uma.pk).is_identity_verified


def test_it_shows_form_errors_on_the_pages(
    uma: User, uma_client: Client, sms_outbox: list[sms.SmsMessage]
) -> None:
    response = uma_client.post("/accounts/verify/phone/send/", {"phone": "13800138000"})
    assert response.status_code == 200
    assert b"international format" in response.content
    attempt = phone_verification_start(user=uma, phone=PHONE)
    response = uma_client.post(
        f"/accounts/verify/phone/{attempt.pk}/confirm/", {"code": wrong(last_code(sms_outbox))}
    )
    assert response.status_code == 200
    assert b"Wrong code. 4 attempts left." in response.content


def test_it_shows_the_rate_limit_on_the_page(uma_client: Client, settings: Any) -> None:
    settings.OTP_SENDS_PER_IP_PER_HOUR = 1
    send = "/accounts/verify/phone/send/"
    assert uma_client.post(send, {"phone": PHONE}, REMOTE_ADDR="192.0.2.44").status_code == 302
    response = uma_client.post(send, {"phone": "+8613800138009"}, REMOTE_ADDR="192.0.2.44")
    assert response.status_code == 200
    assert b"Too many codes were requested from your network" in response.content


@pytest.mark.parametrize("path", ["/accounts/verify/phone/send/", "/accounts/verify/phone/{pk}/confirm/"])
def test_it_rejects_get_on_phone_actions(uma: User, uma_client: Client, path: str) -> None:
    attempt = phone_verification_start(user=uma, phone=PHONE)
    assert uma_client.get(path.format(pk=attempt.pk)).status_code == 405


@pytest.mark.parametrize("path", ["/accounts/verify/phone/send/", "/accounts/verify/phone/{pk}/confirm/"])
def test_it_requires_login_for_phone_actions(uma: User, path: str) -> None:
    attempt = phone_verification_start(user=uma, phone=PHONE)
    response = Client().post(path.format(pk=attempt.pk), {"phone": PHONE, "code": "000000"})
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_it_hides_another_users_attempt(
    uma: User, ugo_client: Client, sms_outbox: list[sms.SmsMessage]
) -> None:
    attempt = phone_verification_start(user=uma, phone=PHONE)
    assert ugo_client.get(f"/accounts/verify/phone/{attempt.pk}/").status_code == 404
    response = ugo_client.post(
        f"/accounts/verify/phone/{attempt.pk}/confirm/", {"code": last_code(sms_outbox)}
    )
    assert response.status_code == 404
    attempt.refresh_from_db()
    assert attempt.status == Status.PENDING


def test_it_refuses_phone_actions_to_other_roles(uma: User, mod_client: Client, oscar_client: Client) -> None:
    attempt = phone_verification_start(user=uma, phone=PHONE)
    for client in (mod_client, oscar_client):
        assert client.post("/accounts/verify/phone/send/", {"phone": PHONE}).status_code == 403
        assert (
            client.post(f"/accounts/verify/phone/{attempt.pk}/confirm/", {"code": "123456"}).status_code
            == 403
        )


def test_it_ends_the_code_page_sentence_with_one_full_stop(
    uma: User, uma_client: Client, settings: Any
) -> None:
    settings.TIME_ZONE = "UTC"
    attempt = phone_verification_start(user=uma, phone=PHONE)
    IdentityVerification.objects.filter(pk=attempt.pk).update(
        code_expires_at=timezone.now().replace(hour=18, minute=4, second=0, microsecond=0)
    )
    content = uma_client.get(f"/accounts/verify/phone/{attempt.pk}/").content.decode()
    assert "It is valid until 6:04 PM.</p>" in content
    assert ".." not in content.replace("...", "")
