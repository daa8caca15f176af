"""A statement of reasons reads in the reader's language: the platform's own words (what is
restricted, the scope, the ground, the reason from the taxonomy, how to appeal) are rendered again
when shown, the moderator's explanation stays as written."""

from typing import Any

from django.test import Client
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.authority import AuthorityReport
from accounts.models import User
from accounts.services import sanction_impose
from moderation.models import Decision, DecisionOutcome, PolicyReason
from moderation.review.statements import localized
from notifications.models import Notification
from tests.notifications.test_recipient_language import awaiting

EXPLANATION = "The photo shows an event that did not happen."


def zh(text: str) -> str:
    with translation.override("zh-hans"):
        return _(text)


def rejected_in_english(contributor: User, moderator: User) -> Decision:
    from moderation.review.decisions import review_decide

    item = awaiting(contributor)
    with translation.override("en"):
        return review_decide(
            submission=item,
            moderator=moderator,
            outcome=DecisionOutcome.REJECTED,
            expected_version=item.version,
            reason=PolicyReason.objects.get(code="fake-news"),
            explanation=EXPLANATION,
            authority=AuthorityReport(not_reported_reason="A private photo, no public circulation."),
        )


def test_it_renders_the_fixed_parts_in_chinese_and_keeps_the_moderators_words(alice: User, mod: User) -> None:
    decision = rejected_in_english(alice, mod)
    stored = decision.statement
    assert stored["restriction"] == "The content will not be published."  # stored as written
    reason = PolicyReason.objects.get(code="fake-news")
    with translation.override("zh-hans"):
        shown = localized(stored)
        title = reason.display_title
    assert shown["restriction"] == zh("The content will not be published.") != stored["restriction"]
    assert shown["territorial_scope"] == zh("the European Union")
    assert shown["duration"] == zh("indefinite")
    assert shown["automated_decision"] == zh("No: a human moderator decided.")
    assert shown["ground"].startswith(zh("Illegal content: %(law)s").split("%")[0])
    assert shown["explanation"].startswith(title) and title != reason.title
    assert (
        shown["redress"].startswith("您可在 ")
        and zh("use the link in our message or on your account page") not in shown["redress"]
    )
    assert "年" in shown["redress"]  # the date in the Chinese format
    assert shown["facts"] == EXPLANATION
    assert shown["tdb"] == stored["tdb"]
    with translation.override("en"):
        assert localized(stored)["restriction"] == "The content will not be published."


def test_it_reads_as_stored_for_a_statement_from_before(alice: User, mod: User) -> None:
    stored = {"restriction": "Old words.", "facts": "Facts."}
    with translation.override("zh-hans"):
        assert localized(stored) == stored
    assert localized({}) == {}


def test_the_contributor_reads_it_in_chinese_on_the_page_and_in_the_message(
    alice: User, mod: User, django_capture_on_commit_callbacks: Any
) -> None:
    alice.language = "zh-hans"
    alice.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        decision = rejected_in_english(alice, mod)
    client = Client()
    client.force_login(alice)
    page = client.get(f"/submissions/{decision.submission_id}/").content.decode()
    assert zh("The content will not be published.") in page
    assert "The content will not be published." not in page
    assert EXPLANATION in page
    note = Notification.objects.get(user=alice)
    assert zh("The content will not be published.") in note.body
    assert zh("the European Union") in note.body
    assert EXPLANATION in note.body


def test_a_sanction_statement_reads_in_chinese(uma: User, mod: User) -> None:
    with translation.override("en"):
        sanction = sanction_impose(user=uma, kind="restriction", reason="Unlabelled AI portrait.", actor=mod)
    with translation.override("zh-hans"):
        shown = localized(sanction.statement)
    assert shown["restriction"] == zh("Your account may not submit new content.")
    assert shown["duration"] == zh("until lifted")
    assert shown["explanation"] == "Unlabelled AI portrait."  # the moderator's words
