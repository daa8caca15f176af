"""Consent requests go out when an item is submitted, to every depicted person the contributor gave
a contact for (issue 11, rough edge 7)."""

from typing import Any

import pytest
from django.core import mail

from accounts.models import User
from audit.models import AuditEvent
from consent.models import ConsentRequest
from moderation.models import Relation
from tests.consent.builders import last_link_to, needing_consent, new_revision
from tests.moderation.builders import person


@pytest.fixture(autouse=True)
def on_submit(settings: Any) -> None:
    settings.CONSENT_REQUEST_ON_SUBMIT = True


def test_it_sends_the_requests_when_the_item_is_submitted(alice: User, run_commit_hooks: Any) -> None:
    item = needing_consent(alice, run_commit_hooks)
    request = ConsentRequest.objects.get(submission=item)
    assert (request.status, request.channel, request.contact) == (
        ConsentRequest.Status.PENDING,
        "email",
        "carol@example.com",
    )
    assert request.sent_by == alice
    assert last_link_to("carol@example.com").startswith("/consent/")
    assert AuditEvent.objects.filter(action="consent.request_sent", target_id=str(item.pk)).count() == 1
    # The consent check ran after the request went out: it waits for Carol's answer.
    item.refresh_from_db()
    assert item.consent_missing


def test_it_sends_nothing_for_a_draft(alice: User, run_commit_hooks: Any) -> None:
    needing_consent(alice, run_commit_hooks, submit=False)
    assert not ConsentRequest.objects.exists() and not mail.outbox


def test_it_skips_persons_without_a_contact_and_the_contributor(alice: User, run_commit_hooks: Any) -> None:
    persons = [person(email=""), person("Alice Self", Relation.SELF, "")]
    item = needing_consent(alice, run_commit_hooks, persons=persons)
    assert not ConsentRequest.objects.filter(submission=item).exists()


def test_it_sends_no_second_request_while_one_is_waiting(alice: User, run_commit_hooks: Any) -> None:
    item = needing_consent(alice, run_commit_hooks)
    with run_commit_hooks(execute=True):
        new_revision(item, title="Second take")
    assert ConsentRequest.objects.filter(submission=item).count() == 1
    assert len([m for m in mail.outbox if "carol@example.com" in m.to]) == 1


def test_it_can_be_turned_off(alice: User, run_commit_hooks: Any, settings: Any) -> None:
    settings.CONSENT_REQUEST_ON_SUBMIT = False
    needing_consent(alice, run_commit_hooks)
    assert not ConsentRequest.objects.exists()
