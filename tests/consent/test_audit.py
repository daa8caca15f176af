"""Every consent event is in the audit trail, on the submission, with what it concerned."""

from typing import Any

from django.test import Client

from accounts.models import User
from audit.models import AuditEvent
from audit.services import verify_chain
from consent.models import ConsentRecord, ConsentRequest
from tests.consent.builders import ask, last_link_to, needing_consent, person_key


def test_it_audits_each_step_of_a_consent(alice: User, run_commit_hooks: Any) -> None:
    submission = needing_consent(alice, run_commit_hooks)
    key = person_key(submission)
    start = AuditEvent.objects.order_by("-seq").first().seq

    ask(submission, run_commit_hooks)
    link = last_link_to("carol@example.com")
    Client().get(link)
    Client().get(link)
    with run_commit_hooks(execute=True):
        Client().post(link + "grant/", {"separate": "on", "text_version": "person-1"})
    with run_commit_hooks(execute=True):
        Client().post(last_link_to("carol@example.com") + "confirm/")

    events = list(AuditEvent.objects.filter(seq__gt=start, action__startswith="consent.").order_by("seq"))
    assert [e.action for e in events] == [
        "consent.request_sent",
        "consent.request_viewed",
        "consent.request_viewed",
        "consent.granted",
        "consent.withdrawn",
    ]
    assert {(e.target_type, e.target_id) for e in events} == {("moderation.submission", str(submission.pk))}
    consent_request, record = ConsentRequest.objects.get(), ConsentRecord.objects.get()
    sent, viewed, viewed_again, granted, withdrawn = events
    assert sent.actor == alice
    assert sent.details == {
        "person_key": key,
        "request": consent_request.pk,
        "channel": "email",
        "to": "c***@example.com",
        "expires_at": consent_request.expires_at.isoformat(),
        "superseded": 0,
    }
    assert (viewed.details["first"], viewed_again.details["first"]) == (True, False)
    assert granted.actor is None
    assert granted.ip == "127.0.0.1"
    assert granted.details == {
        "person_key": key,
        "request": consent_request.pk,
        "record": record.pk,
        "method": "email_link",
        "text_version": "person-1",
        "files": 1,
        "kinds": ["face"],
        "expires_at": record.expires_at.isoformat(),
    }
    assert withdrawn.details["record"] == record.pk
    # Each consent change re-ran the consent check, as the system.
    reruns = AuditEvent.objects.filter(seq__gt=start, action="checks.rerun")
    assert [(e.actor, e.details) for e in reruns] == [(None, {"kinds": ["consent"]})] * 3
    assert verify_chain()[1] is None
