"""Complaint pages over HTTP: the contributor's page per decision, the signed link, the queue of
senior moderators and the answer; works, login, wrong role 403, outsider 404, GET on POST 405."""

from typing import Any

import pytest
from django.test import Client

from accounts.models import User
from complaints.models import Complaint
from complaints.services import complaint_file, target_for_contributor
from moderation.models import Decision, PolicyReason
from moderation.review.decisions import review_decide
from tests.moderation.test_review import awaiting


def rejection(alice: User, mod: User) -> Decision:
    item = awaiting(alice)
    return review_decide(
        submission=item,
        moderator=mod,
        outcome="rejected",
        expected_version=item.version,
        reason=PolicyReason.objects.get(code="unlabelled-ai"),
        explanation="Generated, declared as a photo.",
    )


def complaint(alice: User, mod: User) -> Complaint:
    decision = rejection(alice, mod)
    return complaint_file(target=target_for_contributor(decision, alice), explanation="It is a photo.")


def test_the_contributors_complaint_page(
    alice: User, mod: User, alice_client: Client, bob_client: Client, oscar_client: Client, mod_client: Client
) -> None:
    decision = rejection(alice, mod)
    url = f"/complaints/decisions/{decision.pk}/"
    page = alice_client.get(url)
    assert page.status_code == 200 and 'id="complaint-form"' in page.content.decode()
    assert "Generated, declared as a photo." in page.content.decode()  # the statement beside the form
    assert Client().get(url).status_code == 302
    assert mod_client.get(url).status_code == 403  # moderators do not complain in her place
    assert bob_client.get(url).status_code == 404
    assert oscar_client.get(url).status_code == 404
    assert alice_client.post(url, {"explanation": ""}).status_code == 400
    assert alice_client.post(url, {"explanation": "It is a real photo."}).status_code == 302
    again = alice_client.get(url).content.decode()
    assert 'id="complaint-status"' in again and 'id="complaint-form"' not in again
    assert alice_client.put(url).status_code == 405


def test_an_approval_has_no_complaint_form(alice: User, mod: User, alice_client: Client) -> None:
    from tests.published import published

    approval = Decision.objects.get(submission=published(alice, mod), outcome="approved")
    response = alice_client.get(f"/complaints/decisions/{approval.pk}/")
    assert response.status_code == 400 and "nothing to complain about" in response.content.decode()


def test_the_queue_is_for_senior_moderators(
    alice: User,
    mod: User,
    senior_client: Client,
    mod_client: Client,
    alice_client: Client,
    oscar_client: Client,
    django_assert_num_queries: Any,
) -> None:
    for _ in range(3):
        complaint(alice, mod)
    # Session, user, role, count, page, the breach count, unread notifications: however many complaints.
    with django_assert_num_queries(7):
        page = senior_client.get("/complaints/")
    assert page.status_code == 200 and page.content.decode().count('href="/complaints/') >= 3
    assert mod_client.get("/complaints/").status_code == 403
    assert alice_client.get("/complaints/").status_code == 403
    assert oscar_client.get("/complaints/").status_code == 403
    assert Client().get("/complaints/").status_code == 302
    assert senior_client.get("/complaints/claim-next/").status_code == 405


@pytest.mark.parametrize("action", ["", "claim/", "release/", "decide/"])
def test_each_complaint_url_is_guarded(
    alice: User,
    mod: User,
    action: str,
    senior_client: Client,
    mod_client: Client,
    alice_client: Client,
    bob_client: Client,
    oscar_client: Client,
) -> None:
    filed = complaint(alice, mod)
    url = f"/complaints/{filed.pk}/{action}"
    call = (lambda client: client.get(url)) if not action else (lambda client: client.post(url))
    assert call(Client()).status_code == 302
    assert call(mod_client).status_code == 403
    assert call(alice_client).status_code == 403  # her complaint: she follows it on her own pages
    assert call(bob_client).status_code == 404
    assert call(oscar_client).status_code == 404
    assert senior_client.get("/complaints/999999/").status_code == 404
    if action:
        assert senior_client.get(url).status_code == 405
    else:
        assert call(senior_client).status_code == 200


def test_a_senior_answers_from_the_page(alice: User, mod: User, senior: User, senior_client: Client) -> None:
    filed = complaint(alice, mod)
    assert senior_client.post("/complaints/claim-next/").url == f"/complaints/{filed.pk}/"
    filed.refresh_from_db()
    url = f"/complaints/{filed.pk}/decide/"
    data = {"outcome": "upheld", "resolution": "The C2PA manifest says AI.", "version": filed.version}
    assert senior_client.post(url, {**data, "resolution": ""}).status_code == 400
    assert senior_client.post(url, data).status_code == 302
    filed.refresh_from_db()
    assert (filed.state, filed.reviewer) == ("upheld", senior)
    assert senior_client.post(url, data).status_code == 409


def test_the_decider_sees_that_someone_else_must_answer(
    alice: User, senior: User, senior_client: Client
) -> None:
    filed = complaint(alice, senior)
    page = senior_client.get(f"/complaints/{filed.pk}/").content.decode()
    assert 'id="own-decision"' in page and 'id="complaint-answer-form"' not in page
    response = senior_client.post(
        f"/complaints/{filed.pk}/decide/",
        {"outcome": "upheld", "resolution": "Mine.", "version": filed.version},
    )
    assert response.status_code == 403
