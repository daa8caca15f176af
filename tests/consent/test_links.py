"""Links that may not be used: replayed, expired, altered, superseded, for changed or closed content.
Each gets a clear page with the right status, and changes nothing."""

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from consent import tokens
from consent.models import ConsentRecord, ConsentRequest
from consent.services import consent_request_resend
from moderation.intake.services import PersonInput, submission_update_draft
from moderation.models import CheckRun, Status, Submission
from tests.consent.builders import ask, last_link_to, needing_consent, person_key, token_of
from tests.moderation.builders import revision_input, unique_image


def snapshot() -> tuple[Any, ...]:
    """Everything an answer would change."""
    return (
        ConsentRecord.objects.count(),
        list(ConsentRequest.objects.order_by("pk").values_list("status", "answered_at")),
        CheckRun.objects.count(),
        AuditEvent.objects.exclude(action="consent.request_viewed").count(),
    )


def attempts(client: Client, link: str) -> list[Any]:
    return [
        client.get(link),
        client.post(link + "grant/", {"separate": "on", "text_version": "person-1"}),
        client.post(link + "refuse/"),
    ]


def assert_refused(responses: list[Any], status: int, code: str) -> None:
    for response in responses:
        assert response.status_code == status
        assert f'data-code="{code}"' in response.content.decode()
        assert "This link cannot be used" in response.content.decode()


def test_it_refuses_a_replayed_link(alice: User, run_commit_hooks: Any) -> None:
    submission = needing_consent(alice, run_commit_hooks)
    ask(submission, run_commit_hooks)
    link = last_link_to("carol@example.com")
    with run_commit_hooks(execute=True):
        Client().post(link + "grant/", {"separate": "on", "text_version": "person-1"})
    before = snapshot()

    responses = attempts(Client(), link)

    assert_refused(responses, 410, "used")
    assert "This link has already been used" in responses[0].content.decode()
    assert snapshot() == before


def test_it_refuses_an_expired_link(
    alice: User, run_commit_hooks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    submission = needing_consent(alice, run_commit_hooks)
    consent_request = ask(submission, run_commit_hooks)
    assert consent_request.expires_at == consent_request.sent_at + timedelta(days=14)
    link = last_link_to("carol@example.com")
    later = consent_request.expires_at + timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    before = snapshot()

    responses = attempts(Client(), link)

    assert_refused(responses, 410, "expired")
    assert "This link has expired." in responses[0].content.decode()
    assert snapshot() == before


def test_it_refuses_an_altered_link(alice: User, run_commit_hooks: Any) -> None:
    submission = needing_consent(alice, run_commit_hooks)
    consent_request = ask(submission, run_commit_hooks)
    link = last_link_to("carol@example.com")
    token = token_of(link)
    altered = token[:-1] + ("A" if token[-1] != "A" else "B")
    forged = tokens.request_token(consent_request.pk, "0" * 32)  # signed by us, but not this row's nonce
    before = snapshot()

    for bad in (altered, forged, "nonsense"):
        responses = attempts(Client(), f"/consent/{bad}/")
        assert_refused(responses, 400, "invalid")
    assert snapshot() == before


def test_it_refuses_a_link_superseded_by_a_resend(alice: User, run_commit_hooks: Any) -> None:
    submission = needing_consent(alice, run_commit_hooks)
    first = ask(submission, run_commit_hooks)
    old_link = last_link_to("carol@example.com")
    with run_commit_hooks(execute=True):
        second = consent_request_resend(
            submission=submission, person_key=person_key(submission), channel="email", actor=alice
        )
    new_link = last_link_to("carol@example.com")
    assert new_link != old_link
    first.refresh_from_db()
    assert (first.status, second.status) == (ConsentRequest.Status.SUPERSEDED, ConsentRequest.Status.PENDING)
    assert first.nonce != second.nonce
    before = snapshot()

    responses = attempts(Client(), old_link)

    assert_refused(responses, 410, "superseded")
    assert snapshot() == before
    assert Client().get(new_link).status_code == 200


def test_it_refuses_a_link_to_withdrawn_content(alice: User, run_commit_hooks: Any) -> None:
    submission = needing_consent(alice, run_commit_hooks)
    ask(submission, run_commit_hooks)
    link = last_link_to("carol@example.com")
    Submission.objects.filter(pk=submission.pk).update(status=Status.WITHDRAWN)
    before = snapshot()

    assert_refused(attempts(Client(), link), 410, "closed")
    assert snapshot() == before


def test_it_refuses_a_link_for_content_that_changed_since(alice: User, run_commit_hooks: Any) -> None:
    """A draft can change after the request: the person must see what is published now."""
    submission = needing_consent(alice, run_commit_hooks, submit=False)
    ask(submission, run_commit_hooks)
    link = last_link_to("carol@example.com")
    revision = submission.current_revision
    persons = [
        PersonInput(name=p.name, relation=p.relation, email=p.email, person_key=p.person_key)
        for p in revision.persons.all()
    ]
    submission_update_draft(
        submission=submission,
        actor=alice,
        data=revision_input(
            declared_ai=True, categories=["face_swap"], no_real_person=False, persons=persons
        ),
        uploads=[unique_image()],
        remove_media_ids=[],
    )
    before = snapshot()

    responses = attempts(Client(), link)

    assert_refused(responses, 410, "outdated")
    assert "The content changed after this link was sent" in responses[0].content.decode()
    assert snapshot() == before


def test_it_refuses_a_used_or_altered_withdrawal_link(alice: User, run_commit_hooks: Any) -> None:
    submission = needing_consent(alice, run_commit_hooks)
    ask(submission, run_commit_hooks)
    with run_commit_hooks(execute=True):
        Client().post(
            last_link_to("carol@example.com") + "grant/", {"separate": "on", "text_version": "person-1"}
        )
    withdraw = last_link_to("carol@example.com")
    with run_commit_hooks(execute=True):
        assert Client().post(withdraw + "confirm/").status_code == 302
    before = snapshot()

    for response in (Client().get(withdraw), Client().post(withdraw + "confirm/")):
        assert response.status_code == 410
        assert 'data-code="withdrawn"' in response.content.decode()
    altered = withdraw.replace(token_of(withdraw), token_of(withdraw)[:-2] + "xx")
    assert Client().get(altered).status_code == 400
    # A request link is not a withdrawal link: the salts differ.
    record = ConsentRecord.objects.get()
    request_token = tokens.request_token(record.pk, record.withdraw_nonce)
    assert Client().post(f"/consent/withdraw/{request_token}/confirm/").status_code == 400
    assert snapshot() == before
