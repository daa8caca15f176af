"""Moderators and contributors in a real browser: claim next, findings and consent on the page,
approve with the keyboard, reject with a reason, a conflict between two browsers, bulk approval,
and a contributor's upload."""

from pathlib import Path
from typing import Any

import pytest

from accounts.models import User
from moderation.models import Decision, DecisionOutcome, PolicyReason, Status, Submission
from tests.browser.conftest import Browser
from tests.factories import make_contributor, make_user
from tests.media_samples import image_bytes, upload
from tests.moderation.builders import person, unique_image
from tests.moderation.test_review import CORPUS, awaiting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def people(db: None) -> dict[str, User]:
    from accounts.roles import Role

    return {
        "alice": make_contributor("alice"),
        "bob": make_contributor("bob"),
        "mod": make_user("mod", Role.MODERATOR),
        "senior": make_user("senior", Role.SENIOR_MODERATOR),
    }


def ai_file() -> Any:
    return upload("dream.jpg", (CORPUS / "generated/c2pa_trainedAlgorithmicMedia.jpg").read_bytes())


def test_it_claims_next_shows_findings_and_consent_and_approves_by_keyboard(
    browser: Browser, people: dict[str, User]
) -> None:
    flagged = awaiting(people["bob"], files=[ai_file()], declared_ai=False, title="Suspicious dream")
    clean = awaiting(
        people["alice"],
        files=[unique_image()],
        declared_ai=True,
        title="Lake at dawn",
        no_real_person=False,
        persons=[person("Alice Liddell", "self", "")],
    )
    page = browser.page_for("mod")
    assert page.url.endswith("/review/")
    browser.shot(page, "moderator-home")
    page.click("#claim-next")
    page.wait_for_url(f"**/review/items/{flagged.pk}/")
    assert page.locator("#approve-unavailable").is_visible()
    assert "but the contributor declared no AI" in page.locator("#checks-table").inner_text()
    assert "trainedAlgorithmicMedia" in page.locator("#provenance").inner_text()
    assert page.locator(".media-frame.is-blurred").count() == 1
    browser.shot(page, "review-item-blocking")
    page.locator(".media-frame").first.click()
    assert page.locator(".media-frame.is-blurred").count() == 0

    page.goto(f"{browser.base}/review/items/{clean.pk}/")
    page.click("#claim")
    page.wait_for_load_state("networkidle")
    assert page.locator("#consent").is_visible()
    browser.shot(page, "review-item-consent")
    page.keyboard.press("?")
    page.wait_for_selector("#keys-help.show")
    browser.shot(page, "review-keys-help")
    page.click("#keys-help .btn-close")
    page.wait_for_selector("#keys-help", state="hidden")
    page.keyboard.press("a")
    assert page.locator("#outcome-approved").is_checked()
    with page.expect_navigation():
        page.keyboard.press("n")
    clean.refresh_from_db()
    decision = Decision.objects.get(submission=clean)
    assert (clean.status, decision.outcome, decision.moderator.username) == (
        Status.APPROVED,
        "approved",
        "mod",
    )


def test_it_rejects_with_a_reason(browser: Browser, people: dict[str, User]) -> None:
    item = awaiting(people["alice"], files=[unique_image()], title="Counterfeit ad")
    page = browser.page_for("mod")
    page.goto(f"{browser.base}/review/items/{item.pk}/")
    page.click("#claim")
    page.wait_for_load_state("networkidle")
    page.keyboard.press("r")
    assert page.locator("#id_reason").is_visible()
    page.select_option("#id_reason", str(PolicyReason.objects.get(code="prohibited-content").pk))
    page.fill("#id_explanation", "The advert sells counterfeit goods.")
    # An illegal ground: the report to the authority is settled (here: why not).
    page.fill("#id_not_reported_reason", "Counterfeits are reported by the brand owner.")
    browser.shot(page, "review-reject-form")
    page.click("#decide")
    page.wait_for_load_state("networkidle")
    assert "Rejected" in page.locator(".messages").inner_text()
    item.refresh_from_db()
    decision = Decision.objects.get(submission=item)
    assert (item.status, decision.reason.code) == (Status.REJECTED, "prohibited-content")
    assert decision.statement["facts"] == "The advert sells counterfeit goods."

    contributor = browser.page_for("alice")
    contributor.goto(f"{browser.base}/submissions/{item.pk}/")
    assert "The advert sells counterfeit goods." in contributor.locator(".statement-of-reasons").inner_text()
    browser.shot(contributor, "contributor-statement-of-reasons")


def test_it_refuses_the_second_of_two_browsers_deciding_one_item(
    browser: Browser, people: dict[str, User]
) -> None:
    item = awaiting(people["alice"], files=[unique_image()])
    first, second = browser.page_for("mod"), browser.page_for("senior")
    for page in (first, second):
        page.goto(f"{browser.base}/review/items/{item.pk}/")
    first.click("label[for=outcome-approved]")
    first.click("#decide")
    first.wait_for_load_state("networkidle")
    second.click("label[for=outcome-approved]")
    with second.expect_response(lambda r: "/decide/" in r.url) as response:
        second.click("#decide")
    assert response.value.status == 409
    assert "changed since you opened it" in second.locator("#conflict").inner_text()
    browser.shot(second, "review-conflict-409")
    assert Decision.objects.filter(submission=item).count() == 1
    assert Decision.objects.get(submission=item).moderator.username == "mod"


def test_it_approves_in_bulk(browser: Browser, people: dict[str, User]) -> None:
    items = [awaiting(people["alice"], files=[unique_image()], title=f"Photo {i}") for i in range(3)]
    page = browser.page_for("mod")
    page.goto(f"{browser.base}/review/bulk/")
    browser.shot(page, "bulk-grid")
    for item in items[:2]:
        page.check(f"#select-{item.pk}")
    page.select_option("#id_action", "approve")
    page.click("#bulk-submit")
    page.wait_for_load_state("networkidle")
    assert "Approved 2 item(s)" in page.locator(".messages").inner_text()
    assert sorted(Decision.objects.filter(bulk=True).values_list("submission_id", flat=True)) == sorted(
        item.pk for item in items[:2]
    )
    assert Submission.objects.get(pk=items[2].pk).status == Status.AWAITING_REVIEW


def test_it_lets_a_contributor_upload_and_watch_the_checks(
    browser: Browser, people: dict[str, User], tmp_path: Path
) -> None:
    photo = tmp_path / "harbour.png"
    photo.write_bytes(image_bytes("PNG", (320, 240), (20, 90, 160)))
    page = browser.page_for("alice")
    assert page.url.endswith("/submissions/")
    browser.shot(page, "contributor-dashboard-empty")
    page.click("#new-submission")
    page.fill("#id_title", "Harbour at night")
    page.fill("#id_body", "Long exposure, no AI.")
    page.set_input_files("#id_media_files", str(photo))
    page.check("#id_declared_ai_1")
    page.check("#id_region_0")
    page.check("#id_no_real_person")
    browser.shot(page, "submission-form")
    page.click("#submit-for-review")
    page.wait_for_load_state("networkidle")
    submission = Submission.objects.get(current_revision__title="Harbour at night")
    assert page.url.endswith(f"/submissions/{submission.pk}/")
    assert submission.status == Status.AWAITING_REVIEW
    assert "Awaiting review" in page.locator("#submission-status").inner_text()
    browser.shot(page, "submission-detail")
    page.goto(f"{browser.base}/submissions/")
    browser.shot(page, "contributor-dashboard")


def test_it_shows_the_published_page_with_its_ai_reminder(browser: Browser, people: dict[str, User]) -> None:
    item = awaiting(people["alice"], files=[unique_image()], declared_ai=True, title="Generated skyline")
    from moderation.review.decisions import review_decide

    review_decide(
        submission=item,
        moderator=people["mod"],
        outcome=DecisionOutcome.APPROVED,
        expected_version=item.version,
    )
    page = browser.new_page()  # a reader: nobody logged in
    page.goto(f"{browser.base}/p/{item.pk}/")
    assert "可能为AI生成合成内容" in page.locator("#ai-reminder").inner_text()
    assert page.locator("#publication img").evaluate("img => img.naturalWidth") > 0
    browser.shot(page, "published-page")
    page.close()
