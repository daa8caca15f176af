"""A line break in a depicted person's name (issue 12): the form refuses it, and a name that got in
anyway can never turn a recorded consent into a 500 through an e-mail header."""

from typing import Any

from django.core import mail
from django.test import Client

from accounts.models import User
from consent.models import ConsentRecord
from moderation.intake.forms import PersonForm
from notifications.models import Notification
from notifications.services import notify
from tests.consent.builders import ask, links_in, needing_consent, person_key
from tests.moderation.builders import person


def test_the_form_refuses_a_name_with_a_line_break() -> None:
    form = PersonForm(
        data={"name": "Carol\r\nBcc: x@example.com", "relation": "other", "email": "c@example.com"}
    )
    assert not form.is_valid()
    assert form.errors["name"] == ["A name is one line: no line breaks or control characters."]


def test_granting_consent_for_a_name_with_a_line_break_still_works(
    alice: User, run_commit_hooks: Any
) -> None:
    submission = needing_consent(alice, run_commit_hooks, persons=[person(name="Carol\nChen")])
    ask(submission, run_commit_hooks, key=person_key(submission, name="Carol\nChen"))
    [request_mail] = [m for m in mail.outbox if m.to == ["carol@example.com"]]
    link = links_in(request_mail.body)[0]
    visitor = Client()
    visitor.raise_request_exception = False
    assert visitor.get(link).status_code == 200
    with run_commit_hooks(execute=True):
        answer = visitor.post(link + "grant/", {"separate": "on", "text_version": "person-1"})
    assert answer.status_code == 302 and answer.url == "/consent/done/?outcome=granted"
    assert ConsentRecord.objects.count() == 1
    for notification in Notification.objects.all():
        assert "\n" not in notification.subject and "\r" not in notification.subject


def test_a_notification_whose_mail_cannot_be_sent_still_stands(
    alice: User, run_commit_hooks: Any, settings: Any
) -> None:
    with run_commit_hooks(execute=True):
        notification = notify(alice, subject="Consent from Carol\nBcc: x@example.com", body="Granted.")
    notification.refresh_from_db()
    assert notification.subject == "Consent from Carol Bcc: x@example.com"
    assert notification.emailed_at is not None
    assert mail.outbox[-1].subject == "Consent from Carol Bcc: x@example.com"
