"""Reasons per outcome: a change request offers change reasons, a rejection rejection reasons, and
the form suggests one from the findings (issue 11, rough edge 4)."""

import re

from django.test import Client
from django.utils import translation

from accounts.models import User
from moderation.models import Decision, PolicyReason
from tests.moderation.test_review import awaiting
from tests.moderation.test_review_views import ai_file


def option_outcomes(html: str, reason: PolicyReason) -> str:
    match = re.search(rf'<option value="{reason.pk}"[^>]*data-outcomes="([^"]*)"', html)
    assert match, f"no option for {reason.code}"
    return match.group(1)


def test_it_says_which_outcomes_each_reason_is_for(alice: User, mod_client: Client) -> None:
    item = awaiting(alice)
    html = mod_client.get(f"/review/items/{item.pk}/").content.decode()
    reasons = {reason.code: reason for reason in PolicyReason.objects.all()}
    assert option_outcomes(html, reasons["fake-news"]) == "rejected"
    assert option_outcomes(html, reasons["missing-consent"]) == "rejected"
    assert option_outcomes(html, reasons["declare-ai"]) == "changes_requested"
    assert option_outcomes(html, reasons["add-context"]) == "changes_requested"
    assert option_outcomes(html, reasons["unlabelled-ai"]) == "rejected changes_requested"


def test_it_refuses_a_rejection_ground_for_a_change_request(alice: User, mod_client: Client) -> None:
    item = awaiting(alice)
    fake_news = PolicyReason.objects.get(code="fake-news")
    response = mod_client.post(
        f"/review/items/{item.pk}/decide/",
        {
            "outcome": "changes_requested",
            "version": item.version,
            "reason": fake_news.pk,
            "explanation": "Add a caption.",
        },
    )
    assert response.status_code == 400
    assert "is not a reason for this decision" in response.context["form"].errors["reason"][0]
    assert not Decision.objects.filter(submission=item).exists()


def test_it_asks_for_changes_with_a_change_reason(alice: User, mod_client: Client) -> None:
    item = awaiting(alice)
    caption = PolicyReason.objects.get(code="add-context")
    response = mod_client.post(
        f"/review/items/{item.pk}/decide/",
        {"outcome": "changes_requested", "version": item.version, "reason": caption.pk, "explanation": "x"},
    )
    assert response.status_code == 302
    assert Decision.objects.get(submission=item).reason == caption


def test_it_suggests_a_reason_from_the_findings(bob: User, mod_client: Client) -> None:
    item = awaiting(bob, files=[ai_file()], declared_ai=False)
    html = mod_client.get(f"/review/items/{item.pk}/").content.decode()
    declare = PolicyReason.objects.get(code="declare-ai")
    unlabelled = PolicyReason.objects.get(code="unlabelled-ai")
    select = re.search(r'<select[^>]*name="reason"[^>]*>', html)
    assert select
    assert f'data-suggest-changes_requested="{declare.pk}"' in select.group(0)
    assert f'data-suggest-rejected="{unlabelled.pk}"' in select.group(0)
    assert "Suggested by the findings: Correct the AI declaration" in html


def test_it_suggests_nothing_without_findings(alice: User, mod_client: Client) -> None:
    item = awaiting(alice)
    html = mod_client.get(f"/review/items/{item.pk}/").content.decode()
    assert "data-suggest-" not in html and "Suggested by the findings" not in html


def test_it_shows_the_shipped_reasons_in_chinese(db: None) -> None:
    reason = PolicyReason.objects.get(code="declare-ai")
    with translation.override("zh-hans"):
        assert reason.display_title == "更正 AI 声明"
    reason.title = "Our own wording"
    with translation.override("zh-hans"):
        assert reason.display_title == "Our own wording"
