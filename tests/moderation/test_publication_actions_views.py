"""The moderators' actions on published content over HTTP: take down or restrict, reinstate,
refute, and the refutations page. Works, login, wrong role 403, outsider 404, GET 405, 409."""

from typing import Any

import pytest
from django.test import Client

from accounts.models import User
from moderation.models import Decision, DecisionOutcome, Refutation, Status, Submission
from moderation.publication.refutations import publication_refute
from tests.published import published, reason


def takedown_data(item: Submission, **extra: Any) -> dict[str, Any]:
    return {
        "version": item.version,
        "reason": reason().pk,
        "explanation": "It imitates a journalist.",
        "scope": "everywhere",
        **extra,
    }


def test_the_review_page_of_published_content_offers_the_actions(
    alice: User, mod: User, mod_client: Client
) -> None:
    item = published(alice, mod)
    page = mod_client.get(f"/review/items/{item.pk}/").content.decode()
    assert 'id="takedown-form"' in page and 'id="refute-form"' in page and 'id="reinstate-form"' not in page
    assert 'id="history"' in page and "Published with its labels" in page


def test_a_moderator_takes_it_down_from_the_review_page(alice: User, mod: User, mod_client: Client) -> None:
    item = published(alice, mod)
    response = mod_client.post(f"/review/items/{item.pk}/takedown/", takedown_data(item))
    assert response.status_code == 302 and response.url == f"/review/items/{item.pk}/"
    item.refresh_from_db()
    assert item.status == Status.TAKEN_DOWN


def test_restricting_needs_regions_and_is_shown_again_with_the_error(
    alice: User, mod: User, mod_client: Client
) -> None:
    item = published(alice, mod)
    response = mod_client.post(f"/review/items/{item.pk}/takedown/", takedown_data(item, scope="regions"))
    assert response.status_code == 400
    assert "Choose the regions" in response.content.decode()
    response = mod_client.post(
        f"/review/items/{item.pk}/takedown/", takedown_data(item, scope="regions", regions=["eu"], days="7")
    )
    assert response.status_code == 302
    decision = Decision.objects.get(submission=item, outcome=DecisionOutcome.RESTRICTED)
    assert (decision.territorial_scope, decision.ends_at is not None) == (["eu"], True)


def test_a_refused_takedown_shows_why(alice: User, mod: User, mod_client: Client) -> None:
    item = published(alice, mod)
    response = mod_client.post(
        f"/review/items/{item.pk}/takedown/", takedown_data(item, reason=reason("fake-news").pk)
    )
    assert response.status_code == 400
    assert 'id="publication-error"' in response.content.decode()
    item.refresh_from_db()
    assert item.status == Status.APPROVED


def test_a_stale_page_gets_a_conflict(alice: User, mod: User, mod_client: Client) -> None:
    item = published(alice, mod)
    response = mod_client.post(
        f"/review/items/{item.pk}/takedown/", takedown_data(item, version=item.version - 1)
    )
    assert response.status_code == 409


@pytest.mark.parametrize("action", ["takedown", "reinstate", "refute"])
def test_each_action_is_guarded(
    alice: User,
    mod: User,
    action: str,
    alice_client: Client,
    bob_client: Client,
    oscar_client: Client,
    mod_client: Client,
) -> None:
    item = published(alice, mod)
    url = f"/review/items/{item.pk}/{action}/"
    assert Client().post(url).status_code == 302  # to the login page
    assert alice_client.post(url).status_code == 403  # her own item: not hers to moderate
    assert bob_client.post(url).status_code == 404
    assert oscar_client.post(url).status_code == 404
    assert mod_client.get(url).status_code == 405


def test_only_a_senior_reinstates(alice: User, mod: User, mod_client: Client, senior_client: Client) -> None:
    item = published(alice, mod)
    mod_client.post(f"/review/items/{item.pk}/takedown/", takedown_data(item))
    item.refresh_from_db()
    data = {"version": item.version, "explanation": "Satire, clearly marked."}
    assert mod_client.post(f"/review/items/{item.pk}/reinstate/", data).status_code == 403
    page = senior_client.get(f"/review/items/{item.pk}/").content.decode()
    assert 'id="reinstate-form"' in page
    assert senior_client.post(f"/review/items/{item.pk}/reinstate/", data).status_code == 302
    item.refresh_from_db()
    assert item.status == Status.PUBLISHING
    assert Decision.objects.filter(submission=item, outcome=DecisionOutcome.REINSTATED).exists()


def test_a_moderator_refutes_from_the_review_page(alice: User, mod: User, mod_client: Client) -> None:
    item = published(alice, mod)
    response = mod_client.post(
        f"/review/items/{item.pk}/refute/",
        {
            "version": item.version,
            "reason": reason("fake-news").pk,
            "text": "The minister never said this.",
            "explanation": "The speech transcript shows otherwise.",
            "source_url": "https://example.org/transcript",
        },
    )
    assert response.status_code == 302
    assert Refutation.objects.get(submission=item).text == "The minister never said this."


def test_the_refutations_page_and_its_actions(
    alice: User,
    mod: User,
    mod_client: Client,
    senior_client: Client,
    alice_client: Client,
    oscar_client: Client,
    django_assert_num_queries: Any,
) -> None:
    refutation = publication_refute(
        submission=published(alice, mod),
        moderator=mod,
        reason=reason("fake-news"),
        text="Untrue.",
        explanation="Checked.",
    )
    # Session, user, role, the count and one page of refutations, unread notifications.
    with django_assert_num_queries(6):
        assert mod_client.get("/review/refutations/").status_code == 200
    assert alice_client.get("/review/refutations/").status_code == 403
    assert oscar_client.get("/review/refutations/").status_code == 403
    assert Client().get("/review/refutations/").status_code == 302
    report = f"/review/refutations/{refutation.pk}/report/"
    withdraw = f"/review/refutations/{refutation.pk}/withdraw/"
    assert mod_client.get(report).status_code == 405
    assert mod_client.post("/review/refutations/999999/report/", {}).status_code == 404
    assert alice_client.post(report, {"reported_on": "2026-01-01"}).status_code == 403
    assert mod_client.post(report, {"reported_on": "2026-01-01", "reference": "R-1"}).status_code == 302
    assert mod_client.post(withdraw, {"reason": "No."}).status_code == 403  # seniors only
    assert senior_client.post(withdraw, {"reason": "Corrected."}).status_code == 302
    refutation.refresh_from_db()
    assert refutation.authority_reference == "R-1" and refutation.withdrawn_at is not None
