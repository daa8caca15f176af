"""Consent in a real browser: the contributor sends the request, the depicted person opens the
link from the e-mail, sees the preview, gives consent on its own page, and the check passes."""

import re

import pytest
from django.core import mail

from accounts.models import User
from consent.models import ConsentRecord
from moderation.models import CheckRun, RunStatus, Submission
from tests.browser.conftest import Browser
from tests.factories import make_contributor
from tests.moderation.builders import person, unique_image
from tests.moderation.test_review import awaiting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LINK = re.compile(r"https?://[^/\s]+(/consent/[^\s]+/)")


def latest_consent_run(submission: Submission) -> CheckRun:
    return CheckRun.objects.filter(submission=submission, kind="consent").latest("created_at", "id")


def test_it_asks_for_consent_and_the_person_grants_it_in_the_browser(browser: Browser, db: None) -> None:
    alice: User = make_contributor("alice")
    item = awaiting(
        alice,
        files=[unique_image()],
        declared_ai=True,
        categories=["face_swap"],
        no_real_person=False,
        persons=[person()],
        title="Wedding slideshow",
    )
    assert latest_consent_run(item).status == RunStatus.FAILED

    contributor = browser.page_for("alice")
    contributor.goto(f"{browser.base}/submissions/{item.pk}/")
    panel = contributor.locator("#consent")
    assert "Carol Chen" in panel.inner_text()
    panel.locator("button[name=channel][value=email]").click()
    contributor.wait_for_load_state("networkidle")
    assert "Request pending" in contributor.locator("#consent").inner_text()
    message = next(m for m in mail.outbox if "carol@example.com" in m.to)
    link = LINK.search(message.body).group(1)

    carol = browser.new_page(width=420, height=900)  # a phone
    carol.goto(browser.base + link)
    assert "Carol Chen, do you consent?" in carol.locator("h1").inner_text()
    assert "Face swap" in carol.content()
    assert carol.locator("img").first.evaluate("img => img.naturalWidth") > 0  # the preview, by token
    browser.shot(carol, "consent-public-page")
    carol.click("#grant")  # without ticking the box: refused, nothing recorded
    assert not ConsentRecord.objects.exists()
    carol.check("#separate")
    carol.click("#grant")
    carol.wait_for_load_state("networkidle")
    browser.shot(carol, "consent-granted")
    record = ConsentRecord.objects.get()
    assert (record.person_name, record.separate, record.method) == ("Carol Chen", True, "email_link")
    assert latest_consent_run(item).status == RunStatus.PASSED

    carol.goto(browser.base + link)  # the link is single-use
    assert "already" in carol.locator("body").inner_text().lower()
    contributor.reload()
    assert "Consent given" in contributor.locator("#consent").inner_text()
    browser.shot(contributor, "contributor-consent-given")
    carol.context.close()
