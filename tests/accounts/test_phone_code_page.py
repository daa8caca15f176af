"""The phone-code page's sentence ends with one full stop, whatever the time (issue 11, rough edge 10)."""

from datetime import UTC, datetime

from django.test import Client

from accounts import sms
from accounts.models import IdentityVerification, User


def test_it_says_until_when_the_code_works_with_one_full_stop(
    uma: User, uma_client: Client, sms_outbox: list[sms.SmsMessage]
) -> None:
    uma_client.post("/accounts/verify/phone/send/", {"phone": "+86 138 0013 8000"})
    attempt = IdentityVerification.objects.get(user=uma)
    # An afternoon time: English formats it "6:04 p.m.", which ended the sentence in "p.m..".
    attempt.code_expires_at = datetime(2030, 1, 1, 18, 4, tzinfo=UTC)
    attempt.save(update_fields=["code_expires_at"])
    page = uma_client.get(f"/accounts/verify/phone/{attempt.pk}/").content.decode()
    assert "It is valid until 18:04." in page
    assert ".." not in page.split("valid until", 1)[1].split("</p>", 1)[0]
