"""Deepfake disclosure (AI Act Art. 50(4), R20): a moderator marks an item, may grant the
artistic, satirical or fictional exception; the published page discloses it above the media (or
in the limited form); a deepfake whose page would lack the disclosure is not published."""

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from accounts.models import User
from audit.models import AuditEvent
from moderation.models import DeepfakeMark, PublicationRun, PublicationStatus, Queue, Status, Submission
from moderation.publication import disclosure
from moderation.review.deepfakes import DeepfakeRefused, deepfake_mark, deepfake_unmark
from tests.moderation.builders import draft, unique_image
from tests.moderation.test_publication import approve
from tests.moderation.test_review import awaiting

REASON = "A photo-real picture of the mayor shaking hands with a man he never met."


@pytest.fixture
def item(alice: User) -> Submission:
    """Declared as not AI, no AI metadata: nothing labels it but the disclosure."""
    return awaiting(alice, declared_ai=False, files=[unique_image()], body="At the town hall.")


def mark(item: Submission, moderator: User, **kwargs: Any) -> DeepfakeMark:
    return deepfake_mark(submission=item, moderator=moderator, **{"reason": REASON, **kwargs})


# --- The service -------------------------------------------------------------------------------


def test_it_marks_audits_and_bumps_the_version(item: Submission, mod: User) -> None:
    version = item.version

    marked = mark(item, mod)

    assert (marked.reason, marked.marked_by, marked.exception) == (REASON, mod, "")
    item.refresh_from_db()
    assert item.version == version + 1
    event = AuditEvent.objects.get(action="deepfake.marked")
    assert (event.actor, event.details) == (
        mod,
        {"reason": REASON, "exception": "", "exception_reason": "", "before": None},
    )


def test_it_grants_the_exception_with_a_reason(item: Submission, mod: User, senior: User) -> None:
    mark(item, mod)
    with pytest.raises(DeepfakeRefused, match="Say why the work is evidently artistic"):
        mark(item, senior, exception="satirical")

    granted = mark(item, senior, exception="satirical", exception_reason="A cartoon column's weekly spoof.")

    assert (granted.exception, granted.exception_granted_by, granted.marked_by) == ("satirical", senior, mod)
    assert granted.exception_granted_at is not None
    event = AuditEvent.objects.get(action="deepfake.changed")
    assert event.details["exception"] == "satirical"
    assert event.details["before"] == {"reason": REASON, "exception": "", "exception_reason": ""}


def test_it_refuses_without_reason_and_on_drafts(item: Submission, alice: User, mod: User) -> None:
    with pytest.raises(DeepfakeRefused, match="Say what real person"):
        mark(item, mod, reason="  ")
    with pytest.raises(DeepfakeRefused, match="Choose an exception"):
        mark(item, mod, exception="parody", exception_reason="x")
    with pytest.raises(DeepfakeRefused, match="Only submitted content"):
        mark(draft(alice), mod)
    assert not DeepfakeMark.objects.exists()


def test_only_other_reviewers_of_the_queue_may_mark(
    item: Submission, alice: User, bob: User, mod: User
) -> None:
    for who in (alice, bob):
        with pytest.raises(PermissionDenied):
            mark(item, who)
    Submission.objects.filter(pk=item.pk).update(queue=Queue.ESCALATED)
    with pytest.raises(PermissionDenied):
        mark(item, mod)
    assert not DeepfakeMark.objects.exists()


def test_it_unmarks_with_a_reason(item: Submission, mod: User) -> None:
    mark(item, mod)
    with pytest.raises(DeepfakeRefused):
        deepfake_unmark(submission=item, moderator=mod, reason="")

    deepfake_unmark(submission=item, moderator=mod, reason="The contributor showed the original photo.")

    assert not DeepfakeMark.objects.exists()
    event = AuditEvent.objects.get(action="deepfake.unmarked")
    assert event.details == {
        "reason": "The contributor showed the original photo.",
        "was": {"reason": REASON, "exception": ""},
    }


# --- The published page -------------------------------------------------------------------------


def test_the_published_page_discloses_it_above_the_media(
    item: Submission, mod: User, run_commit_hooks: Any
) -> None:
    mark(item, mod)
    with run_commit_hooks(execute=True):
        approve(item, mod)
    item.refresh_from_db()
    assert item.status == Status.APPROVED

    page = Client().get(f"/p/{item.pk}/").content.decode()

    assert 'id="deepfake-disclosure"' in page
    assert "Deepfake: this content is not authentic" in page
    assert page.index('id="deepfake-disclosure"') < page.index("<figure")
    assert 'role="alert"' in page[page.index('id="deepfake-disclosure"') - 80 :]


def test_the_exception_shows_the_limited_form(item: Submission, mod: User, run_commit_hooks: Any) -> None:
    mark(item, mod, exception="artistic", exception_reason="A gallery's photo-montage series.")
    with run_commit_hooks(execute=True):
        approve(item, mod)

    page = Client().get(f"/p/{item.pk}/").content.decode()

    assert "deepfake-limited" in page
    assert (
        "Evidently artistic or creative work: contains artificially generated or manipulated content." in page
    )
    assert "this content is not authentic" not in page
    assert page.index('id="deepfake-disclosure"') < page.index("<figure")


def test_a_mark_on_published_content_shows_at_once(
    item: Submission, mod: User, run_commit_hooks: Any
) -> None:
    with run_commit_hooks(execute=True):
        approve(item, mod)
    assert 'id="deepfake-disclosure"' not in Client().get(f"/p/{item.pk}/").content.decode()

    mark(item, mod)

    assert 'id="deepfake-disclosure"' in Client().get(f"/p/{item.pk}/").content.decode()


def test_an_undeclared_deepfake_without_its_disclosure_is_not_published(
    item: Submission, mod: User, run_commit_hooks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    mark(item, mod)
    assert disclosure.disclosure_for(item).only_signal is True
    monkeypatch.setattr(disclosure, "disclosure_html", lambda _d: "<p>nothing</p>")  # a broken template

    with run_commit_hooks(execute=True):
        approve(item, mod)

    item.refresh_from_db()
    run = PublicationRun.objects.get(submission=item)
    assert (run.status, run.attempts) == (PublicationStatus.FAILED, 1)
    assert run.error == (
        "The item is marked as a deepfake, but its published page would not show the disclosure."
    )
    assert (item.status, item.queue, item.is_published) == (Status.AWAITING_REVIEW, Queue.ESCALATED, False)
    assert Client().get(f"/p/{item.pk}/").status_code == 404


# --- The review page ----------------------------------------------------------------------------


def test_the_review_page_marks_and_previews(item: Submission, mod: User, mod_client: Client) -> None:
    page = mod_client.get(f"/review/items/{item.pk}/").content.decode()
    assert 'id="deepfake-form"' in page

    response = mod_client.post(
        f"/review/items/{item.pk}/deepfake/",
        {"reason": REASON, "exception": "fictional", "exception_reason": "A novel's cover art."},
    )

    assert response.status_code == 302 and response["Location"] == f"/review/items/{item.pk}/"
    assert DeepfakeMark.objects.get(submission=item).exception == "fictional"
    page = mod_client.get(f"/review/items/{item.pk}/").content.decode()
    assert 'id="deepfake-preview"' in page and "deepfake-limited" in page
    assert 'id="deepfake-only-signal"' in page

    response = mod_client.post(f"/review/items/{item.pk}/deepfake/clear/", {"reason": "A mistake."})
    assert response.status_code == 302 and not DeepfakeMark.objects.exists()


def test_the_review_page_shows_form_errors(item: Submission, mod_client: Client) -> None:
    response = mod_client.post(
        f"/review/items/{item.pk}/deepfake/", {"reason": REASON, "exception": "satirical"}
    )
    assert response.status_code == 400
    assert "Say why the work is evidently artistic, satirical or fictional." in response.content.decode()
    assert not DeepfakeMark.objects.exists()


@pytest.mark.parametrize("url", ["/review/items/{pk}/deepfake/", "/review/items/{pk}/deepfake/clear/"])
def test_the_deepfake_actions_are_guarded(
    item: Submission,
    url: str,
    client: Client,
    alice_client: Client,
    bob_client: Client,
    mod_client: Client,
    senior_client: Client,
) -> None:
    path = url.format(pk=item.pk)
    data = {"reason": REASON}
    assert client.post(path, data).status_code == 302  # to the login page
    assert client.post(path, data)["Location"].startswith("/accounts/login/")
    assert mod_client.get(path).status_code == 405
    assert alice_client.post(path, data).status_code == 403  # the contributor
    assert bob_client.post(path, data).status_code == 404  # an outsider
    Submission.objects.filter(pk=item.pk).update(queue=Queue.ESCALATED)
    assert mod_client.post(path, data).status_code == 403
    assert senior_client.post(path, data).status_code == 302
