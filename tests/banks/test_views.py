"""Adding an item's files to a bank from the review page: reviewers only."""

from typing import Any

from django.template import Context, Template
from django.test import Client

from accounts.models import User
from banks.models import Bank, BankEntry, Source
from moderation.models import Queue, Submission
from tests.banks.conftest import original_bytes, submit_file
from tests.conftest import client_for


def url(item: Submission) -> str:
    return f"/review/items/{item.pk}/banks/add/"


def test_a_moderator_adds_an_items_files_to_a_bank(
    alice: User, mod_client: Client, bank: Bank, django_capture_on_commit_callbacks: Any
) -> None:
    item = submit_file(alice, "lake.jpg", original_bytes())
    with django_capture_on_commit_callbacks(execute=True):
        response = mod_client.post(url(item), {"bank": bank.pk, "note": "seen on another site"})
    assert response.status_code == 302 and response.url == f"/review/items/{item.pk}/"
    entries = BankEntry.objects.filter(bank=bank)
    assert entries.count() == 2
    assert {(e.source, e.note, e.submission_id) for e in entries} == {
        (Source.ITEM, "seen on another site", item.pk)
    }


def test_one_file_can_be_chosen(
    alice: User, mod_client: Client, bank: Bank, django_capture_on_commit_callbacks: Any
) -> None:
    item = submit_file(alice, "lake.jpg", original_bytes())
    media = item.current_revision.media.get()
    with django_capture_on_commit_callbacks(execute=True):
        mod_client.post(url(item), {"bank": bank.pk, "file": media.pk})
    assert set(BankEntry.objects.values_list("media_id", flat=True)) == {media.pk}


def test_it_needs_a_bank(alice: User, mod_client: Client, bank: Bank) -> None:
    item = submit_file(alice, "lake.jpg", original_bytes())
    response = mod_client.post(url(item), {})
    assert response.status_code == 302
    assert not BankEntry.objects.exists()


def test_it_needs_login(client: Client, alice: User, bank: Bank) -> None:
    item = submit_file(alice, "lake.jpg", original_bytes())
    response = client.post(url(item), {"bank": bank.pk})
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_the_contributor_gets_403_and_others_404(
    alice: User, alice_client: Client, bob_client: Client, oscar_client: Client, bank: Bank
) -> None:
    item = submit_file(alice, "lake.jpg", original_bytes())
    assert alice_client.post(url(item), {"bank": bank.pk}).status_code == 403
    assert bob_client.post(url(item), {"bank": bank.pk}).status_code == 404
    assert oscar_client.post(url(item), {"bank": bank.pk}).status_code == 404
    assert not BankEntry.objects.exists()


def test_escalated_items_are_for_seniors(
    alice: User,
    mod_client: Client,
    senior_client: Client,
    bank: Bank,
    django_capture_on_commit_callbacks: Any,
) -> None:
    item = submit_file(alice, "lake.jpg", original_bytes())
    Submission.objects.filter(pk=item.pk).update(queue=Queue.ESCALATED)
    assert mod_client.post(url(item), {"bank": bank.pk}).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        assert senior_client.post(url(item), {"bank": bank.pk}).status_code == 302
    assert BankEntry.objects.count() == 2


def test_get_is_not_allowed(alice: User, mod_client: Client, bank: Bank) -> None:
    item = submit_file(alice, "lake.jpg", original_bytes())
    assert mod_client.get(url(item)).status_code == 405


def test_the_review_page_snippet_offers_the_banks(alice: User, mod: User, bank: Bank) -> None:
    item = submit_file(alice, "lake.jpg", original_bytes())
    html = Template("{% load banks %}{% bank_add_form submission %}").render(Context({"submission": item}))
    assert f'action="{url(item)}"' in html and "Non-consensual imagery" in html
    bank.delete()
    html = Template("{% load banks %}{% bank_add_form submission %}").render(Context({"submission": item}))
    assert html.strip() == ""


def test_missing_items_are_404(mod: User, bank: Bank) -> None:
    assert client_for(mod).post("/review/items/999999/banks/add/", {"bank": bank.pk}).status_code == 404
