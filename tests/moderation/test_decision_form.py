"""The decision form says what cannot succeed before the moderator tries, says why once, and shows
each error at its field (issue 11, rough edge 3)."""

import re

from django.test import Client

from accounts.models import User
from moderation.models import PolicyReason
from tests.moderation.test_review import awaiting
from tests.moderation.test_review_views import ai_file

BLOCKED = "blocking finding(s) stand"


def decision_card(html: str) -> str:
    start = html.index('id="decision-card"')
    return html[start : html.index("</form>", start)]


def approve_input(html: str) -> str:
    match = re.search(r"<input[^>]*id=\"outcome-approved\"[^>]*>", html)
    assert match, "no approve button"
    return match.group(0)


def test_it_disables_approve_for_a_regular_moderator_on_a_blocked_item(
    bob: User, mod_client: Client, senior_client: Client
) -> None:
    item = awaiting(bob, files=[ai_file()])
    page = mod_client.get(f"/review/items/{item.pk}/").content.decode()
    assert "disabled" in approve_input(page)
    assert page.count('id="approve-unavailable"') == 1
    senior_page = senior_client.get(f"/review/items/{item.pk}/").content.decode()
    assert "disabled" not in approve_input(senior_page)


def test_it_leaves_approve_enabled_on_an_item_without_blocking_findings(
    alice: User, mod_client: Client
) -> None:
    item = awaiting(alice)
    page = mod_client.get(f"/review/items/{item.pk}/").content.decode()
    assert "disabled" not in approve_input(page)
    assert 'id="approve-unavailable"' not in page


def test_it_says_why_a_decision_is_refused_once(bob: User, mod_client: Client) -> None:
    item = awaiting(bob, files=[ai_file()])
    response = mod_client.post(
        f"/review/items/{item.pk}/decide/", {"outcome": "approved", "version": item.version}
    )
    assert response.status_code == 400
    card = decision_card(response.content.decode())
    # One sentence says it (beside the outcome buttons), not an alert above and another below.
    assert card.count("blocking finding") == 1, card
    assert BLOCKED in card
    assert 'id="decision-errors"' not in card


def test_it_shows_a_missing_reason_at_the_reason_field(alice: User, mod_client: Client) -> None:
    item = awaiting(alice)
    response = mod_client.post(
        f"/review/items/{item.pk}/decide/",
        {"outcome": "rejected", "version": item.version, "explanation": "x"},
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["reason"] == ["Choose a reason from the policy list."]
    assert not form.non_field_errors()
    html = response.content.decode()
    assert html.count("Choose a reason from the policy list.") == 1
    select = re.search(r'<select[^>]*name="reason"[^>]*>', html)
    assert select and "is-invalid" in select.group(0)


def test_it_shows_a_missing_explanation_at_its_field(alice: User, mod_client: Client) -> None:
    item = awaiting(alice)
    reason = PolicyReason.objects.get(code="unlabelled-ai")
    response = mod_client.post(
        f"/review/items/{item.pk}/decide/",
        {"outcome": "rejected", "version": item.version, "reason": reason.pk},
    )
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["explanation"]
