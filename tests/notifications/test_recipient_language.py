"""Notifications and their e-mails are written in the recipient's language, whatever the language
of whoever triggered them (a moderator's request, a worker in the site's default)."""

from typing import Any

from django.core import mail
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.authority import AuthorityReport
from accounts.models import User
from moderation.models import DecisionOutcome, PolicyReason, Status, Submission
from moderation.pipeline.services import check_run_execute
from moderation.review.decisions import review_decide
from notifications.models import Notification
from notifications.services import notify
from tests.moderation.builders import submitted


def awaiting(contributor: User) -> Submission:
    submission = submitted(contributor, region="eu")
    for run in submission.check_runs.all():
        check_run_execute(run_id=run.pk, worker="test")
    submission.refresh_from_db()
    assert submission.status == Status.AWAITING_REVIEW
    return submission


def reject(item: Submission, moderator: User) -> None:
    review_decide(
        submission=item,
        moderator=moderator,
        outcome=DecisionOutcome.REJECTED,
        expected_version=item.version,
        reason=PolicyReason.objects.get(code="fake-news"),
        explanation="The photo shows an event that did not happen.",
        authority=AuthorityReport(not_reported_reason="A private photo, no public circulation."),
    )


def in_language(language: str, text: str) -> str:
    with translation.override(language):
        return _(text)


def test_it_writes_to_a_chinese_reader_in_chinese_for_an_english_moderator(
    alice: User, mod: User, django_capture_on_commit_callbacks: Any
) -> None:
    alice.language = "zh-hans"
    alice.save(update_fields=["language"])
    item = awaiting(alice)
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        reject(item, mod)
    subject = in_language("zh-hans", "Your submission #%(id)s was rejected") % {"id": item.pk}
    assert subject != f"Your submission #{item.pk} was rejected"
    note = Notification.objects.get(user=alice)
    assert note.subject == subject
    assert in_language("zh-hans", "Statement of reasons") in note.body
    assert in_language("zh-hans", "How to appeal") in note.body
    assert "The photo shows an event that did not happen." in note.body  # the moderator's words
    assert [(m.subject, m.to) for m in mail.outbox] == [(subject, [alice.email])]
    assert mail.outbox[0].body.startswith(subject)


def test_it_writes_to_an_english_reader_in_english_for_a_chinese_moderator(
    alice: User, mod: User, django_capture_on_commit_callbacks: Any
) -> None:
    item = awaiting(alice)
    with translation.override("zh-hans"), django_capture_on_commit_callbacks(execute=True):
        reject(item, mod)
    subject = f"Your submission #{item.pk} was rejected"
    note = Notification.objects.get(user=alice)
    assert note.subject == subject
    assert "Statement of reasons" in note.body and "How to appeal" in note.body
    assert [m.subject for m in mail.outbox] == [subject]


def test_it_renders_a_callable_in_the_recipients_language(alice: User) -> None:
    alice.language = "zh-hans"
    with translation.override("en"):
        note = notify(
            alice, subject=lambda: _("Language saved."), body=lambda: _("Site default"), email=False
        )
    assert (note.subject, note.body) == (in_language("zh-hans", "Language saved."), "网站默认")
    assert note.subject != "Language saved."


def test_it_uses_the_site_default_for_a_user_without_a_choice(alice: User, settings: Any) -> None:
    settings.LANGUAGE_CODE = "zh-hans"
    with translation.override("en"):
        note = notify(alice, subject=lambda: _("Site default"), body="", email=False)
    assert note.subject == "网站默认"
