"""The review console over HTTP: who may see what, queues and filters, claims, decisions (with
their 400 and 409 answers), bulk review, notifications and the published page."""

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from moderation.models import Decision, PolicyReason, PublishedRendition, Queue, Status, Submission
from moderation.review.claims import review_claim
from tests.media_samples import upload
from tests.moderation.builders import unique_image
from tests.moderation.test_review import CORPUS, awaiting


def ai_file() -> Any:
    return upload("ai.jpg", (CORPUS / "generated/c2pa_trainedAlgorithmicMedia.jpg").read_bytes())


# --- Access ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/review/", "/review/queue/review/", "/review/queue/takedown/", "/review/queue/mine/", "/review/bulk/"],
)
def test_it_shows_review_pages_to_reviewers_only(
    db: None, path: str, mod_client: Client, alice_client: Client, oscar_client: Client
) -> None:
    assert mod_client.get(path).status_code == 200
    assert alice_client.get(path).status_code == 403
    assert oscar_client.get(path).status_code == 403
    assert Client().get(path).status_code == 302


def test_it_keeps_the_escalated_queue_for_seniors(mod_client: Client, senior_client: Client) -> None:
    assert mod_client.get("/review/queue/escalated/").status_code == 403
    assert senior_client.get("/review/queue/escalated/").status_code == 200
    assert mod_client.get("/review/queue/nonsense/").status_code == 404


def test_it_guards_the_review_page(
    alice: User, mod_client: Client, alice_client: Client, bob_client: Client, oscar_client: Client
) -> None:
    item = awaiting(alice)
    url = f"/review/items/{item.pk}/"
    assert mod_client.get(url).status_code == 200
    assert alice_client.get(url).status_code == 403  # her own: she may see it elsewhere, not review it
    assert bob_client.get(url).status_code == 404
    assert oscar_client.get(url).status_code == 404


@pytest.mark.parametrize("action", ["claim", "release", "decide", "notes", "heartbeat"])
def test_it_guards_each_review_action(
    alice: User, action: str, alice_client: Client, bob_client: Client, mod_client: Client
) -> None:
    item = awaiting(alice)
    url = f"/review/items/{item.pk}/{action}/"
    assert mod_client.get(url).status_code == 405
    assert bob_client.post(url).status_code == 404
    assert alice_client.post(url).status_code == 403
    response = Client().post(url)
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


# --- Home and queues ---------------------------------------------------------------------------


def test_it_shows_queue_figures_on_the_home_page(
    alice: User, bob: User, mod_client: Client, mod: User
) -> None:
    awaiting(alice)
    late = awaiting(bob)
    Submission.objects.filter(pk=late.pk).update(due_at=timezone.now() - timezone.timedelta(hours=1))
    response = mod_client.get("/review/")
    figures = {f.queue: f for f in response.context["figures"]}
    assert (figures["review"].size, figures["review"].breached) == (2, 1)
    assert Queue.ESCALATED not in figures  # moderators do not see the senior queue
    assert response.context["breaches"] == 1
    assert response.context["decided_today"] == 0


def test_it_filters_and_sorts_the_queue(alice: User, bob: User, mod_client: Client) -> None:
    plain = awaiting(alice)
    flagged = awaiting(bob, files=[ai_file()], declared_ai=False, categories=["face_generation"])

    def ids(query: str) -> list[int]:
        return [item.pk for item in mod_client.get(f"/review/queue/review/?{query}").context["page"]]

    assert ids("") == [flagged.pk, plain.pk]
    assert ids("sort=age") == [plain.pk, flagged.pk]
    assert ids("outcome=blocking") == [flagged.pk]
    assert ids("outcome=contradiction") == [flagged.pk]
    assert ids("tier=confirmed") == [flagged.pk]
    assert ids("tier=none") == [plain.pk]
    assert ids("category=face_generation") == [flagged.pk]
    assert ids("contributor=alice") == [plain.pk]
    assert ids("region=eu") == []
    Submission.objects.filter(pk=plain.pk).update(due_at=timezone.now() - timezone.timedelta(minutes=1))
    assert ids("sla=breached") == [plain.pk]
    assert ids("sla=on_track") == [flagged.pk]


def test_it_keeps_the_queue_query_count_flat(
    alice: User, mod_client: Client, django_assert_max_num_queries: Any
) -> None:
    awaiting(alice)
    mod_client.get("/review/queue/review/")
    with django_assert_max_num_queries(12) as few:
        mod_client.get("/review/queue/review/")
    for _ in range(30):
        awaiting(alice)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = mod_client.get("/review/queue/review/")
    assert len(response.context["page"]) == 25


def test_it_counts_a_long_queue_only_as_far_as_it_needs(
    alice: User, mod_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("moderation.review.queues.QUEUE_COUNT_LIMIT", 2)
    monkeypatch.setattr("moderation.review.views.QUEUE_PAGE_SIZE", 1)
    items = [awaiting(alice) for _ in range(4)]
    in_order = list(Submission.objects.filter(pk__in=[i.pk for i in items]).order_by("-priority_rank", "id"))

    first = mod_client.get("/review/queue/review/")
    assert [item.pk for item in first.context["page"]] == [in_order[0].pk]
    assert b"more than 2 items" in first.content
    assert b"Page 1 of more than 2" in first.content
    assert first.context["page"].has_next()

    # Deeper pages count at least two pages past themselves, so here the count is exact again.
    third = mod_client.get("/review/queue/review/?page=3")
    assert [item.pk for item in third.context["page"]] == [in_order[2].pk]
    assert b"4 items" in third.content and b"Page 3 of 4" in third.content


def test_it_claims_the_next_item(alice: User, mod: User, mod_client: Client) -> None:
    item = awaiting(alice)
    response = mod_client.post("/review/queue/review/claim-next/")
    assert response.status_code == 302 and response.url == f"/review/items/{item.pk}/"
    item.refresh_from_db()
    assert item.claimed_by == mod
    page = mod_client.get(response.url)
    assert page.context["held_by_me"] is True
    assert b"You hold this item" in page.content


def test_it_says_when_the_queue_is_empty(mod_client: Client) -> None:
    response = mod_client.post("/review/queue/review/claim-next/", follow=True)
    assert "Nothing is waiting in this queue." in [str(m) for m in response.context["messages"]]


def test_it_shows_who_holds_an_item(alice: User, senior: User, mod_client: Client) -> None:
    item = awaiting(alice)
    review_claim(submission=item, moderator=senior)
    page = mod_client.get(f"/review/items/{item.pk}/")
    assert page.context["held_by_other"] is True
    assert b"senior is reviewing this" in page.content
    heartbeat = mod_client.post(f"/review/items/{item.pk}/heartbeat/")
    assert heartbeat.status_code == 409
    assert heartbeat.json() == {"held": False, "message": "senior is reviewing this item."}


def test_it_renews_the_claim_on_heartbeat(alice: User, mod: User, mod_client: Client) -> None:
    item = awaiting(alice)
    review_claim(submission=item, moderator=mod)
    Submission.objects.filter(pk=item.pk).update(
        claim_expires_at=timezone.now() + timezone.timedelta(minutes=1)
    )
    response = mod_client.post(f"/review/items/{item.pk}/heartbeat/")
    assert response.status_code == 200 and response.json()["held"] is True
    item.refresh_from_db()
    assert item.claim_expires_at > timezone.now() + timezone.timedelta(minutes=14)


# --- Deciding ----------------------------------------------------------------------------------


def test_it_approves_through_the_form_and_goes_to_the_next_item(
    alice: User, bob: User, mod: User, mod_client: Client, run_commit_hooks: Any
) -> None:
    first = awaiting(alice)
    second = awaiting(bob)
    review_claim(submission=first, moderator=mod)
    first.refresh_from_db()
    with run_commit_hooks(execute=True):  # the publication runs after commit
        response = mod_client.post(
            f"/review/items/{first.pk}/decide/",
            {"outcome": "approved", "version": first.version, "then": "next"},
        )
    assert response.status_code == 302 and response.url == f"/review/items/{second.pk}/"
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Status.APPROVED and second.claimed_by == mod


def test_it_answers_409_to_a_stale_decision(alice: User, mod: User, senior: User, mod_client: Client) -> None:
    item = awaiting(alice)
    seen = item.version
    review_claim(submission=item, moderator=senior)
    response = mod_client.post(f"/review/items/{item.pk}/decide/", {"outcome": "approved", "version": seen})
    assert response.status_code == 409
    assert b"changed since you opened it" in response.content
    assert not Decision.objects.exists()


def test_it_answers_409_when_someone_else_holds_it(alice: User, senior: User, mod_client: Client) -> None:
    item = awaiting(alice)
    item = review_claim(submission=item, moderator=senior)
    response = mod_client.post(
        f"/review/items/{item.pk}/decide/", {"outcome": "approved", "version": item.version}
    )
    assert response.status_code == 409
    assert b"senior is reviewing this item." in response.content


def test_it_answers_400_to_a_refused_decision(bob: User, mod_client: Client) -> None:
    item = awaiting(bob, files=[ai_file()])
    response = mod_client.post(
        f"/review/items/{item.pk}/decide/", {"outcome": "approved", "version": item.version}
    )
    assert response.status_code == 400
    assert "blocking finding(s) stand" in response.context["form"].errors["outcome"][0]
    response = mod_client.post(
        f"/review/items/{item.pk}/decide/",
        {"outcome": "rejected", "version": item.version, "explanation": "x"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["reason"] == ["Choose a reason from the policy list."]
    response = mod_client.post(
        f"/review/items/{item.pk}/decide/", {"outcome": "maybe", "version": item.version}
    )
    assert response.status_code == 400
    item.refresh_from_db()
    assert item.status == Status.AWAITING_REVIEW


def test_it_rejects_with_a_reason_and_a_sanction(alice: User, mod_client: Client) -> None:
    item = awaiting(alice)
    reason = PolicyReason.objects.get(code="unlabelled-ai")
    response = mod_client.post(
        f"/review/items/{item.pk}/decide/",
        {
            "outcome": "rejected",
            "version": item.version,
            "reason": reason.pk,
            "explanation": "The image is AI-generated but declared authentic.",
            "sanction_kind": "warning",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == Status.REJECTED
    assert alice.sanctions.get().kind == "warning"
    detail = Client()
    detail.force_login(alice)
    page = detail.get(f"/submissions/{item.pk}/").content.decode()
    assert "The image is AI-generated but declared authentic." in page
    assert "How to appeal" in page


def test_it_refuses_a_sanction_without_a_rejection(alice: User, mod_client: Client) -> None:
    item = awaiting(alice)
    response = mod_client.post(
        f"/review/items/{item.pk}/decide/",
        {"outcome": "approved", "version": item.version, "sanction_kind": "warning"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["sanction_kind"] == ["A sanction goes only with a rejection."]


def test_it_adds_internal_notes(alice: User, mod: User, mod_client: Client) -> None:
    item = awaiting(alice)
    response = mod_client.post(f"/review/items/{item.pk}/notes/", {"text": "Asked the desk about it."})
    assert response.status_code == 302
    assert item.notes.get().text == "Asked the desk about it."
    assert AuditEvent.objects.filter(action="review.note_added", actor=mod).count() == 1
    alice_view = Client()
    alice_view.force_login(alice)
    assert b"Asked the desk" not in alice_view.get(f"/submissions/{item.pk}/").content


def test_it_reruns_a_check_from_the_review_page(
    alice: User, mod_client: Client, run_commit_hooks: Any
) -> None:
    item = awaiting(alice)
    with run_commit_hooks(execute=True):
        response = mod_client.post(f"/submissions/{item.pk}/rerun-checks/", {"kind": "policy"})
    assert response.status_code == 302 and response.url == f"/review/items/{item.pk}/"
    assert item.check_runs.filter(kind="policy").count() == 2
    assert mod_client.post(f"/submissions/{item.pk}/rerun-checks/", {"kind": "nope"}).status_code == 302


# --- Bulk --------------------------------------------------------------------------------------


def test_it_offers_only_items_without_blocking_findings_in_bulk(
    alice: User, bob: User, mod_client: Client
) -> None:
    clean = awaiting(alice, files=[unique_image()])
    awaiting(bob, files=[ai_file()])
    assert [item.pk for item in mod_client.get("/review/bulk/").context["page"]] == [clean.pk]


def test_it_approves_in_bulk_with_one_decision_each(
    alice: User, bob: User, mod: User, mod_client: Client, run_commit_hooks: Any
) -> None:
    one, two = awaiting(alice), awaiting(bob)
    with run_commit_hooks(execute=True):  # the publications run after commit
        response = mod_client.post(
            "/review/bulk/decide/", {"selected": [one.pk, two.pk], "action": "approve"}, follow=True
        )
    assert f"Approved 2 item(s): #{one.pk}, #{two.pk}." in [str(m) for m in response.context["messages"]]
    decisions = Decision.objects.filter(bulk=True, moderator=mod)
    assert sorted(d.submission_id for d in decisions) == sorted([one.pk, two.pk])
    assert AuditEvent.objects.filter(action="review.decided").count() == 2
    assert Submission.objects.filter(status=Status.APPROVED).count() == 2


def test_it_rejects_in_bulk_only_with_a_reason(alice: User, mod_client: Client) -> None:
    item = awaiting(alice)
    response = mod_client.post(
        "/review/bulk/decide/", {"selected": [item.pk], "action": "reject"}, follow=True
    )
    assert "A rejection needs a reason." in [str(m) for m in response.context["messages"]]
    reason = PolicyReason.objects.get(code="quality")
    mod_client.post(
        "/review/bulk/decide/",
        {
            "selected": [item.pk],
            "action": "reject",
            "reason": reason.pk,
            "explanation": "Off-topic for this section.",
        },
    )
    item.refresh_from_db()
    assert item.status == Status.REJECTED
    assert Decision.objects.get().statement["facts"] == "Off-topic for this section."


def test_it_reports_bulk_items_it_could_not_decide(alice: User, senior: User, mod_client: Client) -> None:
    item = awaiting(alice)
    review_claim(submission=item, moderator=senior)
    response = mod_client.post(
        "/review/bulk/decide/", {"selected": [item.pk], "action": "approve"}, follow=True
    )
    messages = [str(m) for m in response.context["messages"]]
    assert f"#{item.pk} is no longer in the bulk list (decided, claimed or blocked)." in messages


# --- Notifications and publication -------------------------------------------------------------


def test_it_lists_and_clears_notifications(
    alice: User, mod: User, alice_client: Client, run_commit_hooks: Any
) -> None:
    item = awaiting(alice)
    from moderation.review.decisions import review_decide

    with run_commit_hooks(execute=True):  # the publication (and its notification) runs after commit
        review_decide(submission=item, moderator=mod, outcome="approved", expected_version=item.version)
    page = alice_client.get("/review/").status_code
    assert page == 403
    assert b'id="unread-count">1<' in alice_client.get("/submissions/").content
    alice_client.post("/notifications/read/")
    home = alice_client.get("/notifications/")
    assert f"Your submission #{item.pk} was approved and published".encode() in home.content
    assert b'id="unread-count"' not in home.content


def test_it_publishes_a_labelled_page(alice: User, mod: User, run_commit_hooks: Any) -> None:
    item = awaiting(alice, declared_ai=True, files=[unique_image()], body="Hello.")
    from moderation.review.decisions import review_decide

    with run_commit_hooks(execute=True):  # the publication runs after commit
        review_decide(submission=item, moderator=mod, outcome="approved", expected_version=item.version)
    page = Client().get(f"/p/{item.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="ai-reminder"' in html and "可能为AI生成合成内容" in html
    rendition = PublishedRendition.objects.get(submission=item, media__isnull=False)
    image = Client().get(f"/p/{item.pk}/media/{rendition.pk}/")
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
    assert Client().get(f"/p/{awaiting(alice).pk}/").status_code == 404  # not published
