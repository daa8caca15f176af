"""The whole way of a consent: the contributor asks, the person opens the link, sees what would be
published, answers; the consent check runs again; the person gets a way to withdraw."""

import re
from datetime import timedelta
from typing import Any

from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import User
from consent.models import ConsentRecord, ConsentRequest, Method
from consent.rules import consent_gaps
from moderation.intake.services import PersonInput
from moderation.models import Finding, RunStatus, Status
from notifications.models import Notification
from tests.consent.builders import (
    ask,
    last_link_to,
    latest_consent_run,
    links_in,
    needing_consent,
    person_key,
    token_of,
)

BROWSER = "Mozilla/5.0 (Linux; Android 14) Mobile"


def test_it_asks_by_email_and_records_the_consent_given_on_the_public_page(
    alice: User, alice_client: Client, run_commit_hooks: Any
) -> None:
    submission = needing_consent(alice, run_commit_hooks)
    assert latest_consent_run(submission).status == RunStatus.FAILED
    key = person_key(submission)

    with run_commit_hooks(execute=True):
        response = alice_client.post(reverse("consent_send", args=[submission.pk, key]), {"channel": "email"})
    assert response.status_code == 302
    assert response.url == f"/submissions/{submission.pk}/#consent"
    [request_mail] = [m for m in mail.outbox if m.to == ["carol@example.com"]]
    assert request_mail.subject == (
        "Alice Liddell asks for your consent before publishing AI-edited content showing you"
    )
    link = links_in(request_mail.body)[0]

    person = Client(HTTP_USER_AGENT=BROWSER)
    page = person.get(link)
    assert page.status_code == 200
    assert page["Cache-Control"] == "no-store"
    html = page.content.decode()
    assert "Carol Chen, do you consent?" in html
    assert "A day at the lake" in html
    assert '<dd class="col-sm-8" id="categories">Face swap</dd>' in html
    assert '<dd class="col-sm-8" id="kinds">face</dd>' in html
    assert '<dd class="col-sm-8" id="region">Mainland China</dd>' in html
    media = submission.current_revision.media.get()
    assert f'src="/consent/{token_of(link)}/media/{media.pk}/"' in html
    text = page.context["text"]
    assert text == (
        'I, Carol Chen, separately consent to Alice Liddell publishing "A day at the lake" on Provenant, '
        "in which my face is generated or edited by AI (Face swap), for Mainland China. This consent covers "
        "only this content and the 1 file(s) shown on this page. It is not part of any other terms. It is "
        "valid for 365 days and I may withdraw it at any time."
    )

    mail.outbox.clear()
    with run_commit_hooks(execute=True):
        answer = person.post(link + "grant/", {"separate": "on", "text_version": "person-1"})
    assert answer.status_code == 302
    assert answer.url == "/consent/done/?outcome=granted"
    assert person.get(answer.url).status_code == 200

    record = ConsentRecord.objects.get()
    assert (record.method, record.separate, record.text_version, record.text) == (
        Method.EMAIL_LINK,
        True,
        "person-1",
        text,
    )
    assert (record.person_key, record.person_name, record.person_email) == (
        key,
        "Carol Chen",
        "carol@example.com",
    )
    assert (record.ip, record.user_agent, record.language) == ("127.0.0.1", BROWSER, "en")
    assert record.media_sha256 == [media.sha256]
    assert record.biometric_kinds == ["face"]
    assert record.categories == ["face_swap"]
    assert record.expires_at - record.granted_at == timedelta(days=365)
    assert record.withdrawn_at is None
    consent_request = ConsentRequest.objects.get()
    assert (consent_request.status, consent_request.answered_ip) == (
        ConsentRequest.Status.GRANTED,
        "127.0.0.1",
    )

    run = latest_consent_run(submission)
    assert run.status == RunStatus.PASSED
    assert run.summary == "Every depicted person (1) has a valid separate consent"
    submission.refresh_from_db()
    assert (submission.status, submission.consent_missing) == (Status.AWAITING_REVIEW, False)
    assert consent_gaps(submission.current_revision) == []

    [confirmation] = [m for m in mail.outbox if m.to == ["carol@example.com"]]
    assert confirmation.subject == "Your consent is recorded: how to withdraw it"
    assert text in confirmation.body
    [withdraw_link] = links_in(confirmation.body)
    assert withdraw_link.startswith("/consent/withdraw/")
    assert Client().get(withdraw_link).status_code == 200
    assert (
        Notification.objects.get(user=alice).subject == f"Carol Chen consented to submission #{submission.pk}"
    )


def test_it_asks_by_text_message(
    alice: User, alice_client: Client, run_commit_hooks: Any, sms_outbox: list
) -> None:
    submission = needing_consent(
        alice,
        run_commit_hooks,
        persons=[PersonInput(name="Dan Deng", relation="other", phone="+8613812345678")],
    )
    key = person_key(submission, "Dan Deng")
    with run_commit_hooks(execute=True):
        alice_client.post(reverse("consent_send", args=[submission.pk, key]), {"channel": "sms"})
    [message] = sms_outbox
    assert message.to == "+8613812345678"
    assert message.body.startswith(
        "Provenant: Alice Liddell asks for your consent to publish AI-edited content showing you. "
        "See it and answer (until "
    )
    link = last_link_to("+8613812345678")

    with run_commit_hooks(execute=True):
        Client().post(link + "grant/", {"separate": "on", "text_version": "person-1"})

    record = ConsentRecord.objects.get()
    assert (record.method, record.person_phone, record.person_email) == (
        Method.SMS_LINK,
        "+8613812345678",
        "",
    )
    assert latest_consent_run(submission).status == RunStatus.PASSED
    confirmation = sms_outbox[-1]
    assert confirmation.to == "+8613812345678"
    assert "/consent/withdraw/" in confirmation.body


def test_it_records_a_refusal(alice: User, alice_client: Client, run_commit_hooks: Any) -> None:
    submission = needing_consent(alice, run_commit_hooks)
    with run_commit_hooks(execute=True):
        alice_client.post(
            reverse("consent_send", args=[submission.pk, person_key(submission)]), {"channel": "email"}
        )
    link = last_link_to("carol@example.com")

    with run_commit_hooks(execute=True):
        response = Client().post(link + "refuse/")
    assert response.url == "/consent/done/?outcome=refused"

    consent_request = ConsentRequest.objects.get()
    assert consent_request.status == ConsentRequest.Status.REFUSED
    assert consent_request.answered_at is not None
    assert not ConsentRecord.objects.exists()
    run = latest_consent_run(submission)
    assert run.status == RunStatus.FAILED
    finding = Finding.objects.get(run=run)
    assert finding.message.startswith("Carol Chen (another real person) has no valid consent: refused on ")
    assert finding.evidence["state"] == "refused"
    note = Notification.objects.get(user=alice, subject__contains="refused")
    assert note.subject == f"Carol Chen refused consent for submission #{submission.pk}"


def test_it_needs_the_separate_box_ticked(alice: User, run_commit_hooks: Any) -> None:
    submission = needing_consent(alice, run_commit_hooks)
    consent_request = ask(submission, run_commit_hooks)
    link = last_link_to("carol@example.com")

    response = Client().post(link + "grant/", {"text_version": "person-1"})

    assert response.status_code == 200
    assert "Tick the box to give your consent." in response.content.decode()
    assert not ConsentRecord.objects.exists()
    consent_request.refresh_from_db()
    assert consent_request.status == ConsentRequest.Status.PENDING


def test_it_asks_again_when_the_text_changed_while_the_person_was_reading(
    alice: User, run_commit_hooks: Any
) -> None:
    submission = needing_consent(alice, run_commit_hooks)
    ask(submission, run_commit_hooks)
    link = last_link_to("carol@example.com")

    response = Client().post(link + "grant/", {"separate": "on", "text_version": "person-0"})

    assert response.status_code == 200
    assert "The consent text was updated. Please read it again and confirm." in response.content.decode()
    assert not ConsentRecord.objects.exists()


def test_the_page_asks_one_question_and_works_without_javascript(alice: User, run_commit_hooks: Any) -> None:
    submission = needing_consent(alice, run_commit_hooks)
    ask(submission, run_commit_hooks)
    link = last_link_to("carol@example.com")

    html = Client().get(link).content.decode()

    assert "<script" not in html
    grant_form = html[html.index('<form method="post" action="' + link + 'grant/"') :]
    grant_form = grant_form[: grant_form.index("</form>")]
    assert grant_form.count("<input") == 3  # CSRF token, text version, the one checkbox
    assert 'type="checkbox" name="separate"' in grant_form
    assert "terms" not in grant_form.lower().replace("not part of any other terms", "")
    assert f'<form method="post" action="{link}refuse/"' in html
    assert 'id="grant"' in html and 'id="refuse"' in html


def test_it_answers_a_browser_that_enforces_csrf_without_javascript(
    alice: User, run_commit_hooks: Any
) -> None:
    """The forms carry their CSRF token; the referrer policy keeps the link on this site without
    making browsers send "Origin: null", which the CSRF check would refuse."""
    submission = needing_consent(alice, run_commit_hooks)
    ask(submission, run_commit_hooks)
    link = last_link_to("carol@example.com")
    browser = Client(enforce_csrf_checks=True)

    page = browser.get(link)
    assert page["Referrer-Policy"] == "same-origin"
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    assert browser.post(link + "grant/", {"separate": "on", "text_version": "person-1"}).status_code == 403
    with run_commit_hooks(execute=True):
        answer = browser.post(
            link + "grant/",
            {"csrfmiddlewaretoken": token, "separate": "on", "text_version": "person-1"},
            HTTP_ORIGIN="http://testserver",
        )
    assert answer.status_code == 302
    assert ConsentRecord.objects.count() == 1
