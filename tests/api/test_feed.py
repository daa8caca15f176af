"""GET /api/v1/submissions?changed_since=…: every change the API shows brings the submission up
again after the cursor, also the ones that leave its status as it was (a consent given, refused,
withdrawn or run out, a late check landing, a notice decided without action), and nothing else does.

Each test syncs like a CMS: it reads the feed to its end, makes one change through the real
service, and reads what came after its cursor. A second submission nobody touches never shows.
"""

from pathlib import Path
from typing import Any

import pytest
from django.conf import LazySettings, settings
from django.utils import timezone

from accounts.models import User
from consent.expiry import consents_expire
from consent.models import ConsentRecord, ConsentRequest
from consent.services import consent_grant, consent_refuse, consent_withdraw, release_document_upload
from labels.visible import VisibleResult
from moderation.models import CheckRun, PublicationRun, Status, Submission
from moderation.pipeline.services import check_run_execute
from moderation.publication.services import publication_run_execute
from moderation.review.decisions import review_decide
from notices.models import NoticeCase
from notices.services import CaseDecision, notice_case_claim, notice_case_decide
from tests.api.conftest import api, metadata, request_changes, submit
from tests.consent.builders import last_link_to, person_key, token_of
from tests.moderation.builders import unique_image
from tests.notices.builders import notice

CAROL = {"name": "Carol Chen", "relation": "other", "email": "carol@example.com"}


def feed_end(key: str) -> str:
    """Read the feed to its end, as a CMS does on each sync; the cursor to start from next time."""
    cursor = ""
    while True:
        page = api(key).get(f"/api/v1/submissions?changed_since={cursor}&limit=200").json()
        if not page["items"]:
            return cursor
        cursor = page["next_cursor"]


def changed_since(key: str, cursor: str) -> dict[str, dict[str, Any]]:
    """What the next sync reads, by the CMS's content id."""
    response = api(key).get(f"/api/v1/submissions?changed_since={cursor}")
    assert response.status_code == 200, response.content
    return {item["external_id"]: item for item in response.json()["items"]}


def an_untouched_submission(key: str) -> None:
    assert submit(key, metadata(external_id="untouched")).status_code == 202


def sent_back_with_carol_asked(key: str, moderator: User, run_commit_hooks: Any) -> Submission:
    """A face swap of Carol from the CMS: she is asked by e-mail when it is submitted, the checks
    run, and a moderator sends it back for changes. Consent changes on an item sent back move
    nothing else (no status, no check re-run): only the feed can tell the CMS."""
    meta = metadata(
        categories=["face_swap"],
        no_real_person=False,
        persons=[CAROL],
        consent_notice_version=settings.CONSENT_NOTICE_VERSION,
    )
    with run_commit_hooks(execute=True):
        assert submit(key, meta, files=[unique_image()]).status_code == 202
    item = Submission.objects.get(external_id="article-1")
    assert item.status == Status.AWAITING_REVIEW
    with run_commit_hooks(execute=True):
        request_changes(item, moderator)
    item.refresh_from_db()
    assert item.status == Status.CHANGES_REQUESTED
    an_untouched_submission(key)
    return item


def carol_grants(run_commit_hooks: Any) -> None:
    with run_commit_hooks(execute=True):
        consent_grant(
            token=token_of(last_link_to("carol@example.com")),
            separate=True,
            text_version="person-1",
            ip=None,
            user_agent="",
        )


def consent_state(item: dict[str, Any]) -> str:
    [person] = item["consent"]
    return person["state"]


@pytest.fixture(autouse=True)
def synced_after_the_settle_time(settings: LazySettings) -> None:
    """These tests are about which changes bring an item up, not when: each sync reads as if the
    settle time had passed (test_feed_settle.py is about the wait). Changes still being committed
    are held back all the same."""
    settings.API_FEED_SETTLE_SECONDS = 0


pytestmark = pytest.mark.usefixtures("consent_requests_on_submit")


def test_a_consent_given_brings_the_item_up(key: str, mod: User, run_commit_hooks: Any) -> None:
    sent_back_with_carol_asked(key, mod, run_commit_hooks)
    cursor = feed_end(key)
    assert changed_since(key, cursor) == {}

    carol_grants(run_commit_hooks)

    changed = changed_since(key, cursor)
    assert list(changed) == ["article-1"]
    assert (changed["article-1"]["status"], consent_state(changed["article-1"])) == (
        Status.CHANGES_REQUESTED,
        "granted",
    )


def test_a_consent_refused_brings_the_item_up(key: str, mod: User, run_commit_hooks: Any) -> None:
    sent_back_with_carol_asked(key, mod, run_commit_hooks)
    cursor = feed_end(key)

    consent_refuse(token=token_of(last_link_to("carol@example.com")), ip=None, user_agent="")

    changed = changed_since(key, cursor)
    assert list(changed) == ["article-1"]
    assert consent_state(changed["article-1"]) == "refused"


def test_a_consent_withdrawn_brings_the_item_up(key: str, mod: User, run_commit_hooks: Any) -> None:
    sent_back_with_carol_asked(key, mod, run_commit_hooks)
    carol_grants(run_commit_hooks)
    cursor = feed_end(key)

    # The confirmation she received carries the withdrawal link.
    consent_withdraw(token=token_of(last_link_to("carol@example.com")), ip=None, user_agent="")

    changed = changed_since(key, cursor)
    assert list(changed) == ["article-1"]
    assert consent_state(changed["article-1"]) == "withdrawn"


def test_a_release_uploaded_brings_the_item_up(key: str, mod: User, run_commit_hooks: Any) -> None:
    item = sent_back_with_carol_asked(key, mod, run_commit_hooks)
    cursor = feed_end(key)

    release_document_upload(
        submission=item, person_key=person_key(item), upload=unique_image(), actor=item.contributor
    )

    changed = changed_since(key, cursor)
    assert list(changed) == ["article-1"]
    assert consent_state(changed["article-1"]) == "document_pending"


def test_a_consent_that_runs_out_brings_the_item_up_once(key: str, mod: User, run_commit_hooks: Any) -> None:
    item = sent_back_with_carol_asked(key, mod, run_commit_hooks)
    carol_grants(run_commit_hooks)
    cursor = feed_end(key)
    # Time passes: her consent runs out now. Nothing is written when it does.
    ConsentRecord.objects.filter(submission=item).update(expires_at=timezone.now())
    assert changed_since(key, cursor) == {}

    consents_expire()

    changed = changed_since(key, cursor)
    assert list(changed) == ["article-1"]
    assert consent_state(changed["article-1"]) == "expired"
    cursor = feed_end(key)
    consents_expire()  # the next hourly sweep: nothing new
    assert changed_since(key, cursor) == {}


def test_a_request_link_that_runs_out_brings_the_item_up(key: str, mod: User, run_commit_hooks: Any) -> None:
    item = sent_back_with_carol_asked(key, mod, run_commit_hooks)
    cursor = feed_end(key)
    assert consent_state(api(key).get(f"/api/v1/submissions/{item.pk}").json()) == "pending"
    ConsentRequest.objects.filter(submission=item).update(expires_at=timezone.now())

    consents_expire()

    changed = changed_since(key, cursor)
    assert list(changed) == ["article-1"]
    assert consent_state(changed["article-1"]) == "link_expired"


@pytest.fixture
def ocr_sees_nothing(settings: LazySettings, monkeypatch: pytest.MonkeyPatch) -> None:
    """The visible-mark check on, its OCR stubbed: it reads no mark."""
    settings.CHECK_VISIBLE_MARKS = True

    def find_visible_marks(path: Path, media_type: str, *, max_pixels: int | None = None) -> VisibleResult:
        return VisibleResult(pictures=1)

    monkeypatch.setattr("labels.visible.find_visible_marks", find_visible_marks)


def in_review_before_the_ocr(key: str) -> Submission:
    """Submitted from the CMS; the "checks" queue's workers run their checks, the OCR waits on the
    "media" queue: the item is in review with the visible run pending."""
    assert submit(key, files=[unique_image()]).status_code == 202
    item = Submission.objects.get(external_id="article-1")
    for run in CheckRun.objects.filter(submission=item).exclude(kind="visible"):
        check_run_execute(run_id=run.pk, worker="checks-worker")
    item.refresh_from_db()
    assert item.status == Status.AWAITING_REVIEW
    an_untouched_submission(key)
    return item


def land_the_ocr(item: Submission) -> None:
    run = CheckRun.objects.get(submission=item, kind="visible")
    assert check_run_execute(run_id=run.pk, worker="media-worker") == "finished: passed"


def visible_run(item: dict[str, Any]) -> str:
    return next(run["status"] for run in item["checks"] if run["kind"] == "visible")


@pytest.mark.usefixtures("ocr_sees_nothing")
def test_a_check_that_lands_during_review_brings_the_item_up(key: str) -> None:
    """Nothing a moderator acts on changed (no status, version or flags): the run's status did."""
    item = in_review_before_the_ocr(key)
    cursor = feed_end(key)
    assert visible_run(api(key).get(f"/api/v1/submissions/{item.pk}").json()) == "pending"
    version = item.version

    land_the_ocr(item)

    item.refresh_from_db()
    assert (item.status, item.version) == (Status.AWAITING_REVIEW, version)
    changed = changed_since(key, cursor)
    assert list(changed) == ["article-1"]
    assert visible_run(changed["article-1"]) == "passed"


@pytest.mark.usefixtures("ocr_sees_nothing")
def test_a_check_that_lands_after_the_decision_brings_the_item_up(key: str, mod: User) -> None:
    item = in_review_before_the_ocr(key)
    request_changes(item, mod)
    cursor = feed_end(key)

    land_the_ocr(item)

    changed = changed_since(key, cursor)
    assert list(changed) == ["article-1"]
    assert (changed["article-1"]["status"], visible_run(changed["article-1"])) == (
        Status.CHANGES_REQUESTED,
        "passed",
    )


def approved(key: str, moderator: User, run_commit_hooks: Any) -> Submission:
    with run_commit_hooks(execute=True):
        assert submit(key, files=[unique_image()]).status_code == 202
    item = Submission.objects.get(external_id="article-1")
    review_decide(submission=item, moderator=moderator, outcome="approved", expected_version=item.version)
    item.refresh_from_db()
    assert item.status == Status.PUBLISHING  # the publication job has not run yet
    an_untouched_submission(key)
    return item


def test_the_publication_becoming_ready_brings_the_item_up(
    key: str, mod: User, run_commit_hooks: Any
) -> None:
    item = approved(key, mod, run_commit_hooks)
    cursor = feed_end(key)

    run = PublicationRun.objects.get(submission=item)
    assert publication_run_execute(run_id=run.pk, worker="media-worker") == "published"

    changed = changed_since(key, cursor)
    assert list(changed) == ["article-1"]
    publication = changed["article-1"]["publication"]
    assert publication["published"] is True and len(publication["renditions"]) == 1


def test_a_notice_decided_without_action_brings_the_item_up(
    key: str, mod: User, run_commit_hooks: Any
) -> None:
    item = approved(key, mod, run_commit_hooks)
    publication_run_execute(run_id=PublicationRun.objects.get(submission=item).pk, worker="media-worker")
    notice(item)
    cursor = feed_end(key)

    case = notice_case_claim(case=NoticeCase.objects.get(), moderator=mod)
    notice_case_decide(
        case=case,
        moderator=mod,
        decision=CaseDecision(outcome="no_action", reasons="A satire account, clearly labelled."),
        expected_version=case.version,
    )

    changed = changed_since(key, cursor)
    assert list(changed) == ["article-1"]
    assert (changed["article-1"]["status"], changed["article-1"]["decision"]["outcome"]) == (
        Status.APPROVED,
        "no_action",
    )
