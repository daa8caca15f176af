"""The public notice form: no login, what DSA Art. 16(2) asks for, a receipt at once, the
redirect of someone who reports their own likeness, and the bot and flood defence a person
never meets."""

import re
import time
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from accounts.models import User
from consent.models import ConsentRecord
from moderation.models import Submission
from notices import flood
from notices.models import Notice, NoticeCase
from tests.published import published


def form_data(item: Submission, **overrides: Any) -> dict[str, Any]:
    data = {
        "urls": f"http://testserver/p/{item.pk}/",
        "category": "terms",
        "explanation": "An advert for counterfeit watches.",
        "name": "Nina Notifier",
        "email": "nina@example.com",
        "good_faith": "on",
        "started": flood.started_token(time.time() - 30),
        "leave_empty": "",
    }
    data.update(overrides)
    return data


def send(item: Submission, client: Client | None = None, **overrides: Any) -> Any:
    return (client or Client()).post("/report/", form_data(item, **overrides))


def test_every_published_page_links_to_the_form_with_its_address(alice: User, mod: User) -> None:
    item = published(alice, mod)
    page = Client().get(f"/p/{item.pk}/").content.decode()
    link = re.search(r'href="([^"]+)" id="report-link"', page)
    assert link is not None and link.group(1).startswith("/report/?url=http%3A%2F%2Ftestserver%2Fp%2F")
    assert 'href="/policy/"' in page
    form = Client().get(link.group(1).replace("&amp;", "&"))
    assert form.status_code == 200
    assert f"http://testserver/p/{item.pk}/</textarea>" in form.content.decode()


def test_R35_the_notice_captures_what_the_law_asks_and_a_receipt_goes_out_at_once(
    alice: User, mod: User, run_commit_hooks: Any
) -> None:
    item = published(alice, mod)
    mail.outbox.clear()
    with run_commit_hooks(execute=True):
        response = send(item)
    assert response.status_code == 302 and response.url.startswith("/report/received/?ref=")
    notice = Notice.objects.get()
    assert (
        notice.urls,
        notice.category,
        notice.explanation,
        notice.name,
        notice.email,
        notice.good_faith,
    ) == (
        [f"http://testserver/p/{item.pk}/"],
        "terms",
        "An advert for counterfeit watches.",
        "Nina Notifier",
        "nina@example.com",
        True,
    )
    [receipt] = mail.outbox
    assert (
        receipt.to == ["nina@example.com"]
        and receipt.subject == f"We received your notice {notice.reference}"
    )
    assert "A moderator will look at it and decide within 24 hours" in receipt.body
    notice.refresh_from_db()
    assert notice.receipt_sent_at is not None
    thanks = Client().get(response.url).content.decode()
    assert notice.reference in thanks and "We have e-mailed you a receipt." in thanks
    # The decision notice with redress and the disclosure of automated means: see test_notice_services.


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": ""}, "name", "Give your name"),
        ({"email": ""}, "email", "Give your e-mail address"),
        ({"good_faith": ""}, "good_faith", "This field is required."),
        ({"explanation": ""}, "explanation", "This field is required."),
        ({"category": "illegal"}, "law", "Say which law"),
        (
            {"urls": "https://elsewhere.example.com/p/1/"},
            "urls",
            "is not the address of content published here",
        ),
        (
            {"urls": "http://testserver/submissions/1/"},
            "urls",
            "is not the address of content published here",
        ),
    ],
)
def test_a_notice_without_what_is_required_is_shown_again(
    alice: User, mod: User, overrides: dict, field: str, message: str
) -> None:
    item = published(alice, mod)
    response = send(item, **overrides)
    assert response.status_code == 400
    assert message in str(response.context["form"].errors[field])
    assert not Notice.objects.exists()


def test_one_item_at_a_time(alice: User, mod: User) -> None:
    first, second = published(alice, mod), published(alice, mod)
    urls = f"http://testserver/p/{first.pk}/\nhttp://testserver/p/{second.pk}/"
    response = send(first, urls=urls)
    assert "Report one item at a time" in response.content.decode()


def test_a_media_address_counts_as_the_item(alice: User, mod: User) -> None:
    item = published(alice, mod)
    send(item, urls=f"http://testserver/p/{item.pk}/media/1/")
    assert Notice.objects.get().submission == item


def test_child_abuse_material_may_be_reported_without_name_or_address(alice: User, mod: User) -> None:
    item = published(alice, mod)
    assert send(item, category="csam", name="", email="").status_code == 302
    assert (Notice.objects.get().email, NoticeCase.objects.get().urgent) == ("", True)


def test_the_honeypot_thanks_a_bot_and_records_nothing(alice: User, mod: User) -> None:
    item = published(alice, mod)
    response = send(item, leave_empty="http://spam.example.com")
    assert (response.status_code, response.url) == (302, "/report/received/")
    assert not Notice.objects.exists()


def test_a_form_sent_too_fast_is_asked_again_and_then_accepted(alice: User, mod: User) -> None:
    item = published(alice, mod)
    just_now = flood.started_token()
    response = send(item, started=just_now)
    assert response.status_code == 400
    assert "Please check your report and send it again." in response.content.decode()
    assert not Notice.objects.exists()
    # The page keeps the time it was first shown; a moment later the same form goes through.
    assert f'value="{just_now}"' in response.content.decode()
    assert send(item, started=flood.started_token(time.time() - 5)).status_code == 302


def test_a_forged_start_time_counts_as_too_fast(alice: User, mod: User) -> None:
    item = published(alice, mod)
    assert send(item, started="not-signed").status_code == 400


def test_too_many_notices_from_one_address(alice: User, mod: User, settings: Any) -> None:
    settings.NOTICES_RATE_PER_IP_PER_HOUR = 2
    items = [published(alice, mod) for _ in range(3)]
    assert [send(item).status_code for item in items] == [302, 302, 429]
    assert "Many reports came from your network" in send(items[0]).content.decode()
    other_network = Client(REMOTE_ADDR="203.0.113.9")
    assert send(items[2], other_network).status_code == 302
    assert Notice.objects.count() == 3


def test_too_many_notices_about_one_item(alice: User, mod: User, settings: Any) -> None:
    settings.NOTICES_RATE_PER_ITEM_PER_HOUR = 2
    item = published(alice, mod)
    codes = [send(item, Client(REMOTE_ADDR=f"198.51.100.{n}")).status_code for n in range(3)]
    assert codes == [302, 302, 429]
    assert NoticeCase.objects.get().notice_count == 2


def test_someone_reporting_their_own_likeness_gets_their_withdrawal_link_again(
    alice: User, mod: User, run_commit_hooks: Any
) -> None:
    from moderation.review.decisions import review_decide
    from tests.consent.builders import ask, last_link_to, needing_consent
    from tests.published import publish_now

    item = needing_consent(alice, run_commit_hooks)
    ask(item, run_commit_hooks)
    with run_commit_hooks(execute=True):
        Client().post(
            last_link_to("carol@example.com") + "grant/", {"separate": "on", "text_version": "person-1"}
        )
    item.refresh_from_db()
    review_decide(submission=item, moderator=mod, outcome="approved", expected_version=item.version)
    publish_now(item)
    mail.outbox.clear()
    form = Client().get(f"/report/?url=http://testserver/p/{item.pk}/").content.decode()
    assert 'id="likeness-help"' in form and "withdraws it" in form
    with run_commit_hooks(execute=True):
        response = send(item, category="non_consensual", name="Carol Chen", email="CAROL@example.com")
    thanks = Client().get(response.url).content.decode()
    assert 'id="likeness-next"' in thanks
    to_carol = [m for m in mail.outbox if m.to == ["CAROL@example.com"] or m.to == ["carol@example.com"]]
    assert {m.subject for m in to_carol} == {
        f"We received your notice {Notice.objects.get().reference}",
        "Your consent is recorded: how to withdraw it",
    }
    resent = last_link_to("carol@example.com")
    assert resent.startswith("/consent/withdraw/")
    assert NoticeCase.objects.get().urgent  # recorded all the same, and urgent
    # Following the link takes the content down at once.
    with run_commit_hooks(execute=True):
        Client().post(resent + "confirm/")
    assert ConsentRecord.objects.get().withdrawn_at is not None
    assert Client().get(f"/p/{item.pk}/").status_code == 404


def test_a_likeness_notice_from_another_address_sends_no_link(
    alice: User, mod: User, run_commit_hooks: Any
) -> None:
    item = published(alice, mod)
    mail.outbox.clear()
    with run_commit_hooks(execute=True):
        send(item, category="non_consensual", email="someone@example.com")
    assert [m.subject for m in mail.outbox] == [f"We received your notice {Notice.objects.get().reference}"]
