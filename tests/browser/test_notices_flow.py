"""Notice to complaint in a real browser: an anonymous visitor reports a published item; a
moderator takes it down from the notices queue; the contributor complains from the statement's
link; a senior moderator overturns; the page is back. Every page is checked by axe."""

from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache

from accounts.models import User
from accounts.roles import Role
from complaints.models import Complaint
from moderation.models import Decision, DecisionOutcome, PolicyReason, Status
from notices.models import Notice
from tests.browser.conftest import Browser
from tests.factories import make_contributor, make_user
from tests.published import published

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def people(db: None) -> dict[str, User]:
    return {
        "alice": make_contributor("alice"),
        "mod": make_user("mod", Role.MODERATOR),
        "senior": make_user("senior", Role.SENIOR_MODERATOR),
    }


def test_report_takedown_complaint_and_overturn(
    browser: Browser, people: dict[str, User], settings: Any
) -> None:
    settings.NOTICES_MIN_FILL_SECONDS = 0  # the browser fills the form faster than a person
    cache.clear()
    item = published(people["alice"], people["mod"], title="Minister resigns (generated)")
    mail.outbox.clear()

    # An anonymous visitor reports it from the published page.
    visitor = browser.new_page()
    visitor.goto(f"{browser.base}/p/{item.pk}/")
    visitor.click("#report-link")
    visitor.wait_for_url("**/report/?url=*")
    assert f"/p/{item.pk}/" in visitor.input_value("#id_urls")
    visitor.check("input[name=category][value=false_information]")
    visitor.fill("#id_explanation", "The minister never resigned: the video is generated.")
    visitor.fill("#id_name", "Nina Notifier")
    visitor.fill("#id_email", "nina@example.com")
    visitor.check("#id_good_faith")
    browser.shot(visitor, "notice-form")
    visitor.click("#send-notice")
    visitor.wait_for_url("**/report/received/**")
    notice = Notice.objects.get()
    assert notice.reference in visitor.locator("#notice-reference").inner_text()
    browser.shot(visitor, "notice-received")
    assert [m.to for m in mail.outbox] == [["nina@example.com"]]  # the receipt, at once

    # A moderator takes it down from the notices queue.
    moderator = browser.page_for("mod")
    moderator.goto(f"{browser.base}/notices/")
    browser.shot(moderator, "notices-queue")
    moderator.click("#notice-claim-next")
    moderator.wait_for_url(f"**/notices/cases/{notice.case_id}/")
    assert "The minister never resigned" in moderator.locator("#case-notices").inner_text()
    moderator.check("input[name=outcome][value=taken_down]")
    moderator.fill("#id_reasons", "The video is generated and presents a false resignation as news.")
    moderator.select_option("#id_reason", str(PolicyReason.objects.get(code="impersonation").pk))
    moderator.fill(
        "#id_explanation", "The video shows the minister announcing a resignation that never happened."
    )
    browser.shot(moderator, "notice-case")
    moderator.click("#case-decide")
    moderator.wait_for_url("**/notices/")
    item.refresh_from_db()
    assert item.status == Status.TAKEN_DOWN
    assert visitor.goto(f"{browser.base}/p/{item.pk}/").status == 404
    taken = Decision.objects.get(submission=item, outcome=DecisionOutcome.TAKEN_DOWN)

    # The contributor complains from the link beside the statement of reasons.
    contributor = browser.page_for("alice")
    contributor.goto(f"{browser.base}/submissions/{item.pk}/")
    assert "never happened" in contributor.locator(".statement-of-reasons").first.inner_text()
    browser.shot(contributor, "contributor-takedown-statement")
    contributor.click(f"a.complain-link[href='/complaints/decisions/{taken.pk}/']")
    contributor.wait_for_url(f"**/complaints/decisions/{taken.pk}/")
    contributor.fill("#id_explanation", "It is satire: the title says it is generated.")
    contributor.click("#complaint-submit")
    contributor.wait_for_load_state("networkidle")
    assert contributor.locator("#complaint-status").is_visible()
    browser.shot(contributor, "complaint-filed")
    complaint = Complaint.objects.get()

    # A senior moderator, who did not take the decision, overturns it.
    senior = browser.page_for("senior")
    senior.goto(f"{browser.base}/complaints/")
    browser.shot(senior, "complaints-queue")
    senior.click("#complaint-claim-next")
    senior.wait_for_url(f"**/complaints/{complaint.pk}/")
    senior.check("input[name=outcome][value=overturned]")
    senior.fill("#id_resolution", "The title labels it as generated; it is satire, not news.")
    browser.shot(senior, "complaint-answer")
    senior.click("#complaint-decide")
    senior.wait_for_url("**/complaints/")
    complaint.refresh_from_db()
    assert (complaint.state, complaint.reviewer.username) == ("overturned", "senior")

    # The page is back: published again through the publication job.
    item.refresh_from_db()
    assert (item.status, item.is_published) == (Status.APPROVED, True)
    back = browser.new_page()
    assert back.goto(f"{browser.base}/p/{item.pk}/").status == 200
    browser.shot(back, "published-again")
    contributor.goto(f"{browser.base}/submissions/{item.pk}/")
    assert "decision overturned" in contributor.locator("#history").inner_text()
    answers = [
        m for m in mail.outbox if m.to == ["alice@example.com"] and "answer to your complaint" in m.subject
    ]
    assert len(answers) == 1 and "out-of-court" in answers[0].body


def test_the_other_new_pages_pass_axe(browser: Browser, people: dict[str, User], settings: Any) -> None:
    from accounts.services import sanction_impose
    from complaints.tokens import notice_token, sanction_token
    from moderation.publication.refutations import publication_refute
    from moderation.publication.takedown import TakedownRequest, publication_take_down
    from notices.services import CaseDecision, notice_case_claim, notice_case_decide
    from tests.notices.builders import notice

    cache.clear()
    mod, alice = people["mod"], people["alice"]
    refuted = published(alice, mod, title="Bridge collapse")
    publication_refute(
        submission=refuted,
        moderator=mod,
        reason=PolicyReason.objects.get(code="fake-news"),
        text="No bridge collapsed: the harbour office confirmed it.",
        explanation="Checked with the harbour office.",
    )
    restricted = published(alice, mod, title="Regional satire")
    publication_take_down(
        submission=restricted,
        moderator=mod,
        request=TakedownRequest(
            reason=PolicyReason.objects.get(code="impersonation"),
            explanation="Unlawful in the EU.",
            regions=("eu",),
        ),
    )
    reported = notice(published(alice, mod, title="Street market"))
    case = notice_case_claim(case=reported.case, moderator=mod)
    notice_case_decide(
        case=case,
        moderator=mod,
        decision=CaseDecision(outcome="no_action", reasons="A real market, labelled."),
        expected_version=case.version,
    )
    sanction = sanction_impose(user=alice, kind="restriction", reason="Two unlabelled deepfakes.", actor=mod)

    anonymous = browser.new_page()
    for path in (
        "/policy/",
        "/report/received/",
        f"/p/{refuted.pk}/",
        f"/complaints/link/{notice_token(reported)}/",
    ):
        anonymous.goto(browser.base + path)
    assert anonymous.goto(f"{browser.base}/p/{restricted.pk}/").status == 451
    anonymous.goto(f"{browser.base}/complaints/link/{sanction_token(sanction)}/")
    browser.shot(anonymous, "complaint-by-link")

    moderator = browser.page_for("mod")
    for path in (
        "/notices/",
        "/review/refutations/",
        f"/review/items/{restricted.pk}/",
        f"/review/items/{refuted.pk}/",
    ):
        moderator.goto(browser.base + path)
    moderator.click("#takedown summary")
    browser.shot(moderator, "review-published-actions")

    contributor = browser.page_for("alice")
    contributor.goto(f"{browser.base}/accounts/me/")
    assert contributor.locator(f"#sanction-complaint-{sanction.pk}").is_visible()
