"""Reminders and resending: possible, but not so often that a person is pestered."""

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from accounts.models import User
from audit.models import AuditEvent
from consent.models import ConsentRequest
from consent.services import (
    ConsentActionError,
    consent_request_remind,
    consent_request_resend,
    consent_request_send,
)
from tests.consent.builders import ask, last_link_to, needing_consent, person_key


def test_it_reminds_at_most_once_a_day_with_the_same_link(alice: User, run_commit_hooks: Any) -> None:
    submission = needing_consent(alice, run_commit_hooks)
    consent_request = ask(submission, run_commit_hooks)
    link = last_link_to("carol@example.com")
    key = person_key(submission)

    with pytest.raises(ConsentActionError, match="A reminder can be sent once every 24 hours"):
        consent_request_remind(submission=submission, person_key=key, actor=alice)

    later = consent_request.sent_at + timedelta(hours=24)
    with run_commit_hooks(execute=True):
        consent_request_remind(submission=submission, person_key=key, actor=alice, now=later)
    reminder = mail.outbox[-1]
    assert reminder.subject.startswith("Reminder: Alice Liddell asks for your consent")
    assert reminder.to == ["carol@example.com"]
    assert Client().get(last_link_to("carol@example.com")).status_code == 200
    assert Client().get(link).status_code == 200  # a reminder does not replace the link
    consent_request.refresh_from_db()
    assert (consent_request.reminders_sent, consent_request.last_message_at) == (1, later)

    with pytest.raises(ConsentActionError):
        consent_request_remind(
            submission=submission, person_key=key, actor=alice, now=later + timedelta(hours=23)
        )
    assert AuditEvent.objects.get(action="consent.request_reminded").details == {
        "person_key": key,
        "request": consent_request.pk,
        "channel": "email",
        "reminders": 1,
    }


def test_it_sends_one_request_at_a_time_and_resends_on_demand(alice: User, run_commit_hooks: Any) -> None:
    submission = needing_consent(alice, run_commit_hooks)
    first = ask(submission, run_commit_hooks)
    key = person_key(submission)

    with pytest.raises(ConsentActionError, match="A request is already waiting for an answer"):
        consent_request_send(submission=submission, person_key=key, channel="email", actor=alice)

    with run_commit_hooks(execute=True):
        second = consent_request_resend(submission=submission, person_key=key, channel="email", actor=alice)
    first.refresh_from_db()
    assert first.status == ConsentRequest.Status.SUPERSEDED
    assert second.expires_at == second.sent_at + timedelta(days=14)
    event = AuditEvent.objects.get(action="consent.request_resent")
    assert (event.actor, event.details["superseded"], event.details["to"]) == (alice, 1, "c***@example.com")


def test_it_limits_the_messages_to_a_person_per_day(alice: User, run_commit_hooks: Any) -> None:
    submission = needing_consent(alice, run_commit_hooks)
    key = person_key(submission)
    ask(submission, run_commit_hooks)
    consent_request_resend(submission=submission, person_key=key, channel="email", actor=alice)
    consent_request_resend(submission=submission, person_key=key, channel="email", actor=alice)

    with pytest.raises(
        ConsentActionError, match="Carol Chen was already sent 3 requests in the last 24 hours"
    ):
        consent_request_resend(submission=submission, person_key=key, channel="email", actor=alice)
    assert ConsentRequest.objects.count() == 3


def test_it_asks_only_people_it_can_reach_and_only_when_needed(alice: User, run_commit_hooks: Any) -> None:
    submission = needing_consent(alice, run_commit_hooks)
    key = person_key(submission)

    with pytest.raises(ConsentActionError, match="There is no text message contact for Carol Chen"):
        consent_request_send(submission=submission, person_key=key, channel="sms", actor=alice)
    with pytest.raises(ConsentActionError, match="There is no pending request to resend"):
        consent_request_resend(submission=submission, person_key=key, channel="email", actor=alice)
    with pytest.raises(ConsentActionError, match="This person is not depicted in the current version"):
        consent_request_send(submission=submission, person_key="nobody", channel="email", actor=alice)
    assert not ConsentRequest.objects.exists()
