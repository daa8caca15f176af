"""A user's language: remembered from the switcher and at login, set on the account page, and
applied in a browser that has not chosen one."""

from django.conf import settings
from django.test import Client

from accounts.models import User
from tests.factories import PASSWORD


def test_it_remembers_the_language_a_user_switches_to(alice: User, alice_client: Client) -> None:
    response = alice_client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/accounts/me/"})
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.language == "zh-hans"


def test_it_ignores_a_language_the_site_does_not_offer(alice: User, alice_client: Client) -> None:
    alice_client.post("/i18n/setlang/", {"language": "fr", "next": "/accounts/me/"})
    alice.refresh_from_db()
    assert alice.language == ""


def test_it_stores_the_language_chosen_before_login(alice: User) -> None:
    client = Client()
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.language == "zh-hans"


def test_it_shows_pages_in_the_stored_language_in_a_new_browser(alice: User) -> None:
    alice.language = "zh-hans"
    alice.save(update_fields=["language"])
    client = Client()
    client.force_login(alice)
    page = client.get("/accounts/me/")
    assert page.status_code == 200
    assert '<html lang="zh-hans">' in page.content.decode()
    assert page.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"


def test_it_sets_the_language_on_the_account_page(alice: User, alice_client: Client) -> None:
    page = alice_client.get("/accounts/me/")
    assert 'action="/accounts/me/language/"' in page.content.decode()
    response = alice_client.post("/accounts/me/language/", {"language": "zh-hans"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/me/"
    alice.refresh_from_db()
    assert alice.language == "zh-hans"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    alice_client.post("/accounts/me/language/", {"language": ""})
    alice.refresh_from_db()
    assert alice.language == ""


def test_it_refuses_an_unknown_language_on_the_account_page(alice: User, alice_client: Client) -> None:
    alice_client.post("/accounts/me/language/", {"language": "xx"})
    alice.refresh_from_db()
    assert alice.language == ""


def test_it_sends_anonymous_visitors_to_login() -> None:
    response = Client().post("/accounts/me/language/", {"language": "zh-hans"})
    assert response.status_code == 302
    assert "/login/" in response["Location"]
