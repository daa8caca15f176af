"""The notices queue over HTTP: who may see it, claims, the case page, decisions (400 and 409),
and the public pages anyone may open."""

from typing import Any

import pytest
from django.core import mail
from django.test import Client

from accounts.models import User
from moderation.models import Status
from notices.models import NoticeCase
from tests.notices.builders import notice
from tests.published import published, reason


@pytest.mark.parametrize("path", ["/report/", "/policy/", "/report/received/"])
def test_the_public_pages_open_without_login(db: None, path: str) -> None:
    assert Client().get(path).status_code == 200


def test_the_public_form_only_reads_and_posts(db: None) -> None:
    assert Client().put("/report/").status_code == 405
    assert Client().post("/policy/").status_code == 405


def test_the_footer_links_the_policy_on_every_page(db: None, mod_client: Client) -> None:
    for client, path in ((Client(), "/accounts/login/"), (mod_client, "/review/")):
        assert 'id="site-footer"' in client.get(path).content.decode()


def test_the_queue_is_for_moderators(
    alice: User,
    mod: User,
    mod_client: Client,
    alice_client: Client,
    oscar_client: Client,
    django_assert_num_queries: Any,
) -> None:
    for _ in range(3):
        notice(published(alice, mod))
    # Session, user, role, count, page, the SLA breach count, unread notifications: however many cases.
    with django_assert_num_queries(7):
        page = mod_client.get("/notices/")
    assert page.status_code == 200 and page.content.decode().count('href="/notices/cases/') == 3
    assert alice_client.get("/notices/").status_code == 403
    assert oscar_client.get("/notices/").status_code == 403
    assert Client().get("/notices/").status_code == 302
    assert mod_client.get("/notices/claim-next/").status_code == 405


def test_claim_next_opens_the_first_case(alice: User, mod: User, mod_client: Client) -> None:
    case = notice(published(alice, mod)).case
    response = mod_client.post("/notices/claim-next/")
    assert response.url == f"/notices/cases/{case.pk}/"
    case.refresh_from_db()
    assert case.claimed_by == mod
    assert mod_client.post("/notices/claim-next/").url == f"/notices/cases/{case.pk}/"


def test_the_case_page_shows_every_notice_and_the_history(alice: User, mod: User, mod_client: Client) -> None:
    item = published(alice, mod)
    notice(item)
    notice(item, category="unlabelled_ai", email="omar@example.com", name="Omar")
    case = NoticeCase.objects.get()
    page = mod_client.get(f"/notices/cases/{case.pk}/").content.decode()
    assert "nina@example.com" in page and "omar@example.com" in page
    assert 'id="history"' in page and "Reported: AI-generated content without an AI label" in page


@pytest.mark.parametrize("action", ["", "claim/", "release/", "decide/"])
def test_each_case_url_is_guarded(
    alice: User,
    mod: User,
    action: str,
    alice_client: Client,
    bob_client: Client,
    oscar_client: Client,
    mod_client: Client,
) -> None:
    case = notice(published(alice, mod)).case
    url = f"/notices/cases/{case.pk}/{action}"
    call = (lambda client: client.get(url)) if not action else (lambda client: client.post(url))
    assert call(Client()).status_code == 302
    assert call(alice_client).status_code == 403  # the reported item is hers: who reported it is not
    assert call(bob_client).status_code == 404
    assert call(oscar_client).status_code == 404
    assert mod_client.get("/notices/cases/999999/").status_code == 404
    if action:
        assert mod_client.get(url).status_code == 405


def test_a_moderator_decides_the_case_from_its_page(
    alice: User, mod: User, mod_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    item = published(alice, mod)
    case = notice(item).case
    mod_client.post(f"/notices/cases/{case.pk}/claim/")
    case.refresh_from_db()
    data = {
        "outcome": "taken_down",
        "version": case.version,
        "reasons": "A counterfeit advert.",
        "reason": reason("impersonation").pk,
        "explanation": "It sells counterfeit watches under a brand's name.",
    }
    assert mod_client.post(f"/notices/cases/{case.pk}/decide/", {**data, "reasons": ""}).status_code == 400
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = mod_client.post(f"/notices/cases/{case.pk}/decide/", data)
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == Status.TAKEN_DOWN
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@example.com", "nina@example.com"]
    stale = mod_client.post(f"/notices/cases/{case.pk}/decide/", data)
    assert stale.status_code == 409


def test_a_case_held_by_another_moderator_answers_409(
    alice: User, mod: User, senior: User, senior_client: Client, mod_client: Client
) -> None:
    case = notice(published(alice, mod)).case
    mod_client.post(f"/notices/cases/{case.pk}/claim/")
    assert senior_client.post(f"/notices/cases/{case.pk}/claim/").status_code == 409
    page = senior_client.get(f"/notices/cases/{case.pk}/").content.decode()
    assert "mod is working on these" in page


def test_R30_the_policy_page_states_the_process_and_the_time_limits(db: None, settings: Any) -> None:
    settings.APPEALS_RESPONSE_DAYS = 12
    settings.NOTICES_SLA_HOURS = 36
    page = Client().get("/policy/").content.decode()
    assert "within <strong>36 hours</strong>" in page
    assert "within <strong>12 days</strong>" in page
    assert "for <strong>183 days</strong>" in page
    assert 'href="/report/"' in page and "What happens next" in page
    assert settings.OUT_OF_COURT_BODIES in page
