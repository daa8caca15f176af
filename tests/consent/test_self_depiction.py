"""The contributor as the only real person: verified identity plus an explicit confirmation count."""

from typing import Any

from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from accounts.models import IdentityVerification, User
from audit.models import AuditEvent
from consent.models import ConsentRecord, Method
from consent.rules import consent_gaps
from moderation.intake.services import PersonInput
from moderation.models import Relation, RunStatus
from tests.consent.builders import latest_consent_run, needing_consent, person_key

ME = [PersonInput("Alice Liddell", Relation.SELF)]


def confirm(client: Client, submission: Any, **data: str) -> Any:
    url = reverse("consent_self", args=[submission.pk, person_key(submission, "Alice Liddell")])
    return client.post(url, {"text_version": "self-1", **data}, HTTP_USER_AGENT="Firefox")


def messages_of(response: Any) -> list[str]:
    """The message this response added (earlier, unread ones ride along in the session)."""
    return [str(m) for m in get_messages(response.wsgi_request)][-1:]


def test_it_counts_a_confirmed_self_depiction_of_a_verified_contributor(
    alice: User, alice_client: Client, run_commit_hooks: Any
) -> None:
    submission = needing_consent(alice, run_commit_hooks, persons=ME)
    panel = alice_client.get(reverse("submission_detail", args=[submission.pk])).content.decode()
    assert 'name="confirmed"' in panel

    with run_commit_hooks(execute=True):
        response = confirm(alice_client, submission, confirmed="on")

    assert response.status_code == 302
    assert messages_of(response) == ["Your self-depiction is confirmed."]
    record = ConsentRecord.objects.get()
    assert (record.method, record.confirmed_by, record.separate, record.text_version) == (
        Method.SELF_VERIFIED,
        alice,
        True,
        "self-1",
    )
    assert record.text == (
        'I, Alice Liddell, confirm that I am the real person shown or heard in "A day at the lake" and '
        "separately consent to publishing it on Provenant, in which my face is generated or edited by AI "
        "(Face swap), for Mainland China. This covers only this content and its 1 file(s). It is valid for "
        "365 days."
    )
    assert escape(record.text) in panel  # the contributor ticked exactly this text
    assert (record.ip, record.user_agent) == ("127.0.0.1", "Firefox")
    assert consent_gaps(submission.current_revision) == []
    assert latest_consent_run(submission).status == RunStatus.PASSED
    event = AuditEvent.objects.get(action="consent.self_confirmed")
    assert event.actor == alice
    assert event.details["record"] == record.pk
    assert event.details["text_version"] == "self-1"


def test_it_needs_the_explicit_confirmation(alice: User, alice_client: Client, run_commit_hooks: Any) -> None:
    submission = needing_consent(alice, run_commit_hooks, persons=ME)

    response = confirm(alice_client, submission)

    assert messages_of(response) == ["Tick the box to confirm that you are the person depicted."]
    assert not ConsentRecord.objects.exists()


def test_it_needs_a_verified_identity(alice: User, alice_client: Client, run_commit_hooks: Any) -> None:
    submission = needing_consent(alice, run_commit_hooks, persons=ME)
    IdentityVerification.objects.filter(user=alice).update(status=IdentityVerification.Status.REJECTED)

    response = confirm(alice_client, submission, confirmed="on")

    assert messages_of(response) == ["Verify your identity first: a self-depiction counts only with it."]
    assert not ConsentRecord.objects.exists()
    assert [gap.state for gap in consent_gaps(submission.current_revision)] == ["not_requested"]


def test_it_is_only_for_the_contributor_themself(
    alice: User, alice_client: Client, run_commit_hooks: Any
) -> None:
    submission = needing_consent(alice, run_commit_hooks)
    url = reverse("consent_self", args=[submission.pk, person_key(submission)])

    response = alice_client.post(url, {"text_version": "self-1", "confirmed": "on"})

    assert messages_of(response) == ["Only a self-depiction can be confirmed by the contributor."]
    assert not ConsentRecord.objects.exists()
