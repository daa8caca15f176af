"""One history per item, on the contributor's page and the moderator's: notices, takedowns,
complaints, refutations and statements; contributors never learn who reported them."""

from typing import Any

from django.test import Client

from accounts.models import User
from complaints.services import complaint_file, target_for_contributor
from moderation.publication.refutations import publication_refute
from moderation.publication.takedown import TakedownRequest, publication_take_down
from moderation.timeline import submission_timeline
from tests.notices.builders import notice
from tests.published import published, reason


def history_of(alice: User, mod: User) -> Any:
    item = published(alice, mod)
    notice(item, category="false_information")
    publication_refute(
        submission=item, moderator=mod, reason=reason("fake-news"), text="Untrue.", explanation="Checked."
    )
    taken = publication_take_down(
        submission=item,
        moderator=mod,
        request=TakedownRequest(reason=reason(), explanation="Imitates a reporter."),
    )
    complaint_file(target=target_for_contributor(taken, alice), explanation="It is satire.")
    return item, taken


def test_the_moderator_sees_everything(alice: User, mod: User, senior: User) -> None:
    item, _taken = history_of(alice, mod)
    kinds = [entry.kind for entry in submission_timeline(item, viewer=senior)]
    assert kinds[:3] == ["complaint", "decision-taken_down", "decision-refuted"]
    assert {"notice", "published", "submitted", "refutation", "decision-approved"} <= set(kinds)
    [notice_entry] = [entry for entry in submission_timeline(item, viewer=senior) if entry.kind == "notice"]
    assert "nina@example.com" in notice_entry.detail


def test_the_contributor_sees_what_happened_but_not_who_reported(
    alice: User, mod: User, alice_client: Client
) -> None:
    item, taken = history_of(alice, mod)
    page = alice_client.get(f"/submissions/{item.pk}/").content.decode()
    assert "Reported: False information" in page
    assert "nina@example.com" not in page and "Nina Notifier" not in page
    assert "Taken down by a moderator" in page and "Labelled as false information by a moderator" in page
    assert (
        page.count('class="btn btn-sm btn-outline-primary mt-2 complain-link"') == 2
    )  # takedown, refutation
    assert f'href="/complaints/decisions/{taken.pk}/"' in page
    assert "Complaint C-" in page


def test_the_history_costs_the_same_queries_however_long(
    alice: User, mod: User, senior: User, django_assert_num_queries: Any
) -> None:
    item, _taken = history_of(alice, mod)
    assert senior.is_reviewer  # the viewer's role, read once per request
    # Decisions, revisions, publications, refutations, notices, complaints.
    with django_assert_num_queries(6):
        submission_timeline(item, viewer=senior)
    notice(item, email="omar@example.com")
    with django_assert_num_queries(6):
        submission_timeline(item, viewer=senior)
